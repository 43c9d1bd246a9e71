"""Bitrix24's two limits: the request leaky bucket and the per-method "operating" meter.

Leaky bucket (settings/performance/limits.md): every accepted request adds one to a counter
that drains by ``drain`` per second; a request that would take it above ``burst`` is refused
with 503 QUERY_LIMIT_EXCEEDED and does not count. Defaults are the non-Enterprise plans:
50 and 2/s.

Operating: each method accumulates execution time in a window that starts with its first
call and resets at ``operating_reset_at`` (start + window, 600 s on the real portal, a whole
second timestamp). While the sum is above ``limit`` the method answers 429
OPERATION_TIME_LIMIT. Tests push a method over the limit with :meth:`OperatingMeter.block`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field


@dataclass
class LeakyBucket:
    """Invariant: ``0 <= level <= burst`` after every :meth:`admit`."""

    burst: float = 50.0
    drain: float = 2.0
    level: float = 0.0
    updated: float = field(default_factory=time.monotonic)

    def admit(self, now: float | None = None) -> bool:
        moment = time.monotonic() if now is None else now
        self.level = max(0.0, self.level - (moment - self.updated) * self.drain)
        self.updated = moment
        if self.burst <= 0:  # disabled
            return True
        if self.level + 1 > self.burst:
            return False
        self.level += 1
        return True


@dataclass
class _Window:
    reset_at: int
    operating: float = 0.0


@dataclass
class OperatingMeter:
    """Per-method accumulated execution time in a sliding window (simplified to one basket)."""

    window: float = 600.0
    limit: float = 480.0
    _windows: dict[str, _Window] = field(default_factory=dict)

    def _current(self, method: str, now: float) -> _Window:
        window = self._windows.get(method)
        if window is None or now >= window.reset_at:
            window = _Window(reset_at=math.ceil(now + self.window))
            self._windows[method] = window
        return window

    def blocked(self, method: str, now: float) -> bool:
        return self._current(method, now).operating > self.limit

    def spend(self, method: str, seconds: float, now: float) -> _Window:
        window = self._current(method, now)
        window.operating += seconds
        return window

    def block(self, method: str, now: float | None = None) -> int:
        """Push ``method`` over the limit until its window resets; returns the reset time."""
        window = self._current(method, time.time() if now is None else now)
        window.operating = self.limit + 1
        return window.reset_at

"""Flood control: Telegram's 429 "Too Many Requests: retry after N".

Two token buckets per bot guard the sending and editing methods: one per chat (default one
message a second with a burst of three) and one for the whole bot (default thirty a second).
A refused call consumes nothing; `retry_after` is the whole seconds until it would pass.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, replace
from typing import Any

from sandbox.telegram.errors import too_many_requests


@dataclass(frozen=True)
class FloodSettings:
    """Rates are per second; a burst is how many calls pass at once after a quiet spell."""

    enabled: bool = True
    per_chat_rate: float = 1.0
    per_chat_burst: int = 3
    global_rate: float = 30.0
    global_burst: int = 30

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> FloodSettings:
        """A copy with `changes` applied; raises ValueError for unknown or invalid fields."""
        unknown = set(changes) - set(asdict(self))
        if unknown:
            raise ValueError(f"unknown flood settings: {sorted(unknown)}")
        typed: dict[str, Any] = {key: _typed(key, value) for key, value in changes.items()}
        return replace(self, **typed)


def _typed(key: str, value: Any) -> bool | float | int:
    if key == "enabled":
        if not isinstance(value, bool):
            raise ValueError("enabled must be true or false")
        return value
    number = float(value)
    if number <= 0:
        raise ValueError(f"{key} must be positive")
    return max(1, int(number)) if key.endswith("burst") else number


class _Bucket:
    def __init__(self, rate: float, capacity: int, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = float(capacity)
        self.updated = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if one is there now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class FloodControl:
    def __init__(self, settings: FloodSettings) -> None:
        self.settings = settings
        self._buckets: dict[tuple[int, int | None], _Bucket] = {}

    def configure(self, settings: FloodSettings) -> None:
        self.settings = settings
        self._buckets.clear()

    def reset(self) -> None:
        self._buckets.clear()

    def check(self, bot_id: int, chat_id: int | None) -> None:
        """Admit one sending call or raise the 429 `ApiError`."""
        if not self.settings.enabled:
            return
        now = time.monotonic()
        buckets = [self._bucket(bot_id, None, now)]
        if chat_id is not None:
            buckets.append(self._bucket(bot_id, chat_id, now))
        wait = max(bucket.wait_time(now) for bucket in buckets)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.take()

    def _bucket(self, bot_id: int, chat_id: int | None, now: float) -> _Bucket:
        key = (bot_id, chat_id)
        bucket = self._buckets.get(key)
        if bucket is None:
            settings = self.settings
            if chat_id is None:
                bucket = _Bucket(settings.global_rate, settings.global_burst, now)
            else:
                bucket = _Bucket(settings.per_chat_rate, settings.per_chat_burst, now)
            self._buckets[key] = bucket
        return bucket

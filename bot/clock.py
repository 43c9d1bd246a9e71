"""The real clock (UTC-aware), optionally shifted or stopped by config for demos and tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    """``now()`` is the system time plus ``shift``; with ``fixed`` it is always that moment
    (plus ``shift``)."""

    def __init__(self, shift: timedelta = timedelta(0), fixed: datetime | None = None) -> None:
        self._shift = shift
        self._fixed = fixed.astimezone(UTC) if fixed is not None else None

    def now(self) -> datetime:
        base = self._fixed if self._fixed is not None else datetime.now(UTC)
        return base + self._shift

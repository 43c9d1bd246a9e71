"""The real clock (UTC-aware), optionally shifted by config for demos and tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    def __init__(self, shift: timedelta = timedelta(0)) -> None:
        self._shift = shift

    def now(self) -> datetime:
        return datetime.now(UTC) + self._shift

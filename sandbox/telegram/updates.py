"""A bot's pending updates, served by getUpdates long polling or pushed to a webhook.

Update ids grow by one and never restart, not even with a new emulator: the first is the
clock in microseconds, above any id an earlier emulator handed out (it would have had to
hand out more than one per microsecond of its life). A bot that keeps the ids it handled
(ours does, in the database) thus never takes a new update for one it saw before a restart
of the sandbox, as Telegram's ids never repeat either. An update stays pending until
confirmed: by a getUpdates whose `offset` is above its id, or by a successful webhook
delivery. A second concurrent getUpdates ends the first with Telegram's 409, the way a
duplicate bot process is detected in production.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from sandbox.telegram.errors import conflict
from sandbox.telegram.model import Signal

MAX_LIMIT = 100
MAX_TIMEOUT = 60.0


class UpdateQueue:
    def __init__(self) -> None:
        self._pending: deque[dict[str, Any]] = deque()
        self._next_id = time.time_ns() // 1_000
        self._poll_generation = 0
        self.signal = Signal()

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self._next_id
        self._next_id += 1
        self._pending.append({"update_id": update_id, kind: payload})
        self.signal.notify()
        return update_id

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def first(self) -> dict[str, Any] | None:
        return self._pending[0] if self._pending else None

    def confirm(self, offset: int) -> None:
        """Forget updates below `offset`; a negative offset keeps the last -offset ones."""
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()
            return
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()

    def clear(self) -> None:
        self._pending.clear()
        self.signal.notify()

    async def poll(self, offset: int | None, limit: int | None, seconds: float) -> list[Any]:
        """getUpdates: confirm, then wait up to `seconds` for something to return."""
        self._poll_generation += 1
        generation = self._poll_generation
        self.signal.notify()  # wakes an older poll so that it ends with 409
        if offset is not None:
            self.confirm(offset)
        deadline = time.monotonic() + min(max(seconds, 0.0), MAX_TIMEOUT)
        while not self._pending and (remaining := deadline - time.monotonic()) > 0:
            await self.signal.wait(remaining)
            if generation != self._poll_generation:
                raise conflict(
                    "terminated by other getUpdates request; "
                    "make sure that only one bot instance is running"
                )
        count = min(max(limit or MAX_LIMIT, 1), MAX_LIMIT)
        return list(self._pending)[:count]

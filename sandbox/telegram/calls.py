"""What the bots asked: a log of every Bot API call, and injected failures.

The log keeps the last `MAX_CALLS` calls with their parameters (JSON strings decoded,
uploads summarized) and outcome, for assertions like "the bot answered the callback with
an alert". A fault makes the next matching calls fail with a chosen error, to test the
bot's handling of Telegram outages (500, 502) or of 429 without waiting for real floods.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sandbox.telegram.errors import ApiError

MAX_CALLS = 10_000


@dataclass(frozen=True)
class CallRecord:
    seq: int
    at: str
    bot_id: int | None
    method: str
    params: dict[str, Any]
    status: int
    ok: bool
    description: str | None = None
    retry_after: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "at": self.at, "bot_id": self.bot_id, "method": self.method,
            "params": self.params, "status": self.status, "ok": self.ok,
            "description": self.description, "retry_after": self.retry_after,
        }  # fmt: skip


class CallLog:
    def __init__(self) -> None:
        self._records: deque[CallRecord] = deque(maxlen=MAX_CALLS)
        self._seq = itertools.count(1)

    def record(
        self, bot_id: int | None, method: str, params: dict[str, Any], error: ApiError | None
    ) -> CallRecord:
        record = CallRecord(
            seq=next(self._seq),
            at=datetime.now(UTC).isoformat(),
            bot_id=bot_id,
            method=method,
            params=params,
            status=200 if error is None else error.error_code,
            ok=error is None,
            description=None if error is None else error.description,
            retry_after=None if error is None else error.retry_after,
        )
        self._records.append(record)
        return record

    def select(
        self, method: str | None = None, since: int = 0, bot_id: int | None = None
    ) -> list[CallRecord]:
        """Calls after seq `since`, optionally of one method (case-insensitive) or bot."""
        wanted = method.lower() if method else None
        return [
            record
            for record in self._records
            if record.seq > since
            and (wanted is None or record.method.lower() == wanted)
            and (bot_id is None or record.bot_id == bot_id)
        ]

    def clear(self) -> None:
        self._records.clear()


@dataclass
class Fault:
    """Fail the next `times` calls of `method` (any method if "*"), optionally in one chat."""

    method: str
    error_code: int = 500
    description: str = "Internal Server Error"
    retry_after: int | None = None
    times: int = 1
    chat_id: int | None = None

    def matches(self, method: str, chat_id: int | None) -> bool:
        method_ok = self.method == "*" or self.method.lower() == method.lower()
        return method_ok and (self.chat_id is None or self.chat_id == chat_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method, "error_code": self.error_code,
            "description": self.description, "retry_after": self.retry_after,
            "times": self.times, "chat_id": self.chat_id,
        }  # fmt: skip


class FaultInjector:
    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        self.faults.clear()

    def take(self, method: str, chat_id: int | None) -> ApiError | None:
        """The error for this call if a fault matches it (and use one of its times)."""
        for fault in self.faults:
            if fault.matches(method, chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return ApiError(fault.error_code, fault.description, fault.retry_after)
        return None

"""Callback data of the register upload flow: short prefixes, ids and a version only.

Never trusted for authorization: the use cases re-check who may act and the register's
version (a stale card is refreshed instead).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class UploadDc(CallbackData, prefix="ud"):
    """The DC chosen for an uploaded file (the file itself waits in FSM data)."""

    dc_id: int


class DraftVerb(StrEnum):
    SUBMIT = "s"
    CANCEL = "c"
    DATES = "d"
    BACK = "b"


class DraftAction(CallbackData, prefix="rd"):
    verb: DraftVerb
    register_id: int
    version: int


class DraftDate(CallbackData, prefix="rdd"):
    """A new payment date, as yyyymmdd."""

    register_id: int
    version: int
    day: int

    @classmethod
    def of(cls, register_id: int, version: int, day: date) -> DraftDate:
        return cls(register_id=register_id, version=version, day=int(day.strftime("%Y%m%d")))

    @property
    def payment_date(self) -> date:
        return date(self.day // 10000, self.day // 100 % 100, self.day % 100)

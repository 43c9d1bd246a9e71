"""Typed callback data. Each prefix is short: Telegram allows 64 bytes in all.

Callback data is never trusted for authorization: use cases re-check who may act.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class MenuAction(CallbackData, prefix="m"):
    action: str


class InvitePerson(CallbackData, prefix="inv"):
    person_id: int

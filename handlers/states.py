"""FSM states of the bot's dialogs (stored in SQL or Redis, so they survive restarts)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class InviteDialog(StatesGroup):
    """An admin looks a person up by name to invite them."""

    name = State()

"""FSM states of the bot's dialogs (stored in SQL or Redis, so they survive restarts)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class InviteDialog(StatesGroup):
    """An admin looks a person up by name to invite them."""

    name = State()


class ApprovalDialog(StatesGroup):
    """A review card waits for typed text. Data: ``register_id``, ``chat_id`` and
    ``message_id`` of the card to edit afterwards; for a rejection also ``item_id``,
    ``position`` and ``page``."""

    reject_reason = State()
    return_reason = State()

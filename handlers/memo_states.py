"""FSM states of the memo dialogs (stored in SQL or Redis: a half-written memo survives a
restart). The dialog's data lives under ``memo`` (see ``handlers.memo_draft``); a pending
reason or search of an approver under ``memo_act`` (memo id and step key)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class MemoDialog(StatesGroup):
    """The author writes (or, after a return, edits) a memo, step by step."""

    title = State()
    text = State()
    files = State()
    executor = State()
    route = State()
    approver = State()  # typing a name to add to the chain
    preview = State()


class MemoAct(StatesGroup):
    """An approver's card waits for typed text: a reason, or a name to add."""

    reject_reason = State()
    return_reason = State()
    add_search = State()

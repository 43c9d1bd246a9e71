"""Callback data of memos: short prefixes and ids, well under Telegram's 64 bytes.

Never trusted for authorization: the use cases re-check who may act on the stored memo, and
a dialog button is honoured only while its dialog is the user's current one.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData


class MenuVerb(StrEnum):
    NEW = "n"
    MINE = "m"
    WAITING = "w"


class MemoMenu(CallbackData, prefix="mm"):
    """Entry points: a new memo, «Мои записки», memos waiting for my decision."""

    verb: MenuVerb


class DialogVerb(StrEnum):
    CANCEL = "x"
    BACK = "b"
    KEEP = "k"  # keep the current value of this step and go on
    FILES_DONE = "fd"
    FILES_CLEAR = "fc"
    UP = "u"  # move approver ``arg`` one place up
    REMOVE = "r"  # remove approver ``arg``
    ADD = "a"
    TOGGLE_GD = "g"
    NEXT = "nx"
    SEND = "s"
    EDIT = "e"  # go to step ``arg`` (see memo_draft.STEPS) from the preview


class DialogTap(CallbackData, prefix="md"):
    verb: DialogVerb
    arg: int = 0


class PickKind(StrEnum):
    EXECUTOR = "e"
    APPROVER = "a"


class PickPerson(CallbackData, prefix="mp"):
    """A person from a name search of the dialog (executor or approver)."""

    kind: PickKind
    person_id: int


class CardVerb(StrEnum):
    OPEN = "o"  # the card as a new message
    REFRESH = "c"  # the card in this message
    APPROVE = "y"
    REJECT = "n"
    RETURN = "b"
    ADD = "a"
    FILES = "f"
    TEXT = "t"
    PDF = "p"
    EDIT = "e"  # the author edits and resubmits a returned memo


class MemoTap(CallbackData, prefix="mt"):
    """A button of a memo's card. ``step`` is the key of the step it was shown for."""

    verb: CardVerb
    memo_id: int
    step: int = 0


class AddPick(CallbackData, prefix="ma"):
    """A person found for «Добавить согласующего» on ``memo_id``'s step ``step``."""

    memo_id: int
    step: int
    person_id: int

"""Callback data of the register review card: short prefixes, ids, a page and, where a
confirmation must match what was shown, the register's version. Packed, each stays well
under Telegram's 64 bytes even with 13-digit ids.

Never trusted for authorization: the use cases re-check who may act and the register's
state; a stale button is answered with the reason and a refreshed card.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData

from domain.register_route import Stage


class CardVerb(StrEnum):
    OPEN = "o"  # send the card as a new message (from the waiting list or a notice)
    SHOW = "c"  # show the card in this message: a page, «Назад», refresh
    APPROVE = "y"
    REJECT = "n"  # switch to the reason picker of an item
    INFO = "i"
    REST = "ra"  # ask to confirm «Одобрить все оставшиеся»
    REST_OK = "rc"  # confirmed at ``version``
    SEND_ON = "s"
    RETURN = "rt"  # ask for the reason of a return to the accountant
    WITHDRAW_ITEM = "w"
    WITHDRAW_ASK = "wa"
    WITHDRAW_OK = "wc"  # confirmed at ``version``
    RESUBMIT = "rs"


class CardTap(CallbackData, prefix="ap"):
    """A button of a register's card. ``item_id`` and ``version`` are 0 when unused;
    ``round`` and ``stage`` (a ``stage_code``) say which stage of which submission the card
    showed, on the buttons that decide it (0: not said)."""

    verb: CardVerb
    register_id: int
    item_id: int = 0
    page: int = 0
    version: int = 0
    round: int = 0
    stage: int = 0

    def seen(self) -> tuple[int, Stage] | None:
        return seen(self.round, self.stage)


class QuickReason(StrEnum):
    BUDGET = "b"
    DUPLICATE = "d"
    POSTPONE = "l"
    DOCUMENTS = "x"
    OTHER = "t"  # «Другая причина»: the reason is typed as a message


class RejectReason(CallbackData, prefix="ar"):
    """A reason picked for rejecting an item (``page``: the card page to come back to)."""

    register_id: int
    item_id: int
    page: int
    reason: QuickReason
    round: int = 0  # as on CardTap: the stage the card showed when ❌ was tapped
    stage: int = 0

    def seen(self) -> tuple[int, Stage] | None:
        return seen(self.round, self.stage)


_STAGES = tuple(Stage)


def stage_code(stage: Stage | None) -> int:
    """A stage as a small number for callback data (0: none)."""
    return _STAGES.index(stage) + 1 if stage is not None else 0


def seen(round_: int, code: int) -> tuple[int, Stage] | None:
    """The (round, stage) a button was made for, or None when it does not say."""
    if round_ <= 0 or not 0 < code <= len(_STAGES):
        return None
    return round_, _STAGES[code - 1]

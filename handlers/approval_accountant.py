"""The accountant's moves on their register's card (PRODUCT §3): withdraw a payment, or
the whole register after a confirmation given on an unchanged card; send a returned
register again."""

from __future__ import annotations

from aiogram.types import Message

from handlers import approval_keyboards as keyboards
from handlers import approval_texts as texts
from handlers.approval_dialogs import remember
from handlers.approval_tap import Tap


async def withdraw_item(tap: Tap) -> None:
    outcome = await tap.cases.withdraw(tap.person, tap.register_id, [tap.item_id])
    await tap.answer(texts.item_withdrawn())
    await tap.show(outcome.card)
    await tap.tell(outcome.notices)


async def ask_withdraw(tap: Tap) -> None:
    card = await tap.cases.open_card(tap.person, tap.register_id, tap.page)
    await tap.answer()
    await tap.edit(texts.confirm_withdraw(card), keyboards.confirm_withdraw(card))


async def withdraw_confirmed(tap: Tap) -> None:
    """Withdrawn only if the register is as the accountant saw it when confirming (checked
    under its lock); else the alert says it changed and the card shows it now."""
    outcome = await tap.cases.withdraw(
        tap.person, tap.register_id, None, expected_version=tap.version
    )
    await tap.answer(texts.register_withdrawn(tap.register_id))
    await tap.show(outcome.card)
    await tap.tell(outcome.notices)


async def resubmit(tap: Tap) -> None:
    outcome = await tap.cases.resubmit(tap.person, tap.register_id)
    await tap.answer(texts.resubmitted(tap.register_id))
    await tap.show(outcome.card)
    if isinstance(tap.query.message, Message):  # this message is now the accountant's card
        await remember(tap.usecases, tap.person, tap.register_id, tap.query.message)
    await tap.tell(outcome.notices)

"""The cutoff in Telegram (PRODUCT §5): the carry-over button of the missed list. The jobs'
messages themselves are sent by `handlers.cutoff_sender.TelegramCutoffSender`; the
reminder's buttons are the review card's own (`CardTap`, verb OPEN).

«Перенести на …» makes a draft register of the missed items and shows it with the usual
draft card (send for approval, change the date, cancel). A second tap, another person's
tap or a crafted callback is answered with the reason, nothing changed.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from domain.errors import DomainError
from handlers import cutoff_views as views
from handlers import register_keyboards, register_views
from handlers.cutoff_callbacks import CarryTap
from handlers.filters import members_only
from handlers.views import localized
from services.cutoff import AlreadyCarried
from services.ports import PersonView
from services.usecases import UseCases

ALERT_LIMIT = 200


def router() -> Router:
    """The carry-over button, for linked active people only."""
    r = members_only(Router(name="cutoff"))
    r.callback_query.register(carry_over, CarryTap.filter())
    return r


async def carry_over(
    query: CallbackQuery, callback_data: CarryTap, person: PersonView, usecases: UseCases
) -> None:
    try:
        result = await usecases.cutoff.carry_over(person, callback_data.register_id)
    except AlreadyCarried as done:
        await query.answer(_alert(localized(done)), show_alert=True)
        if done.into is not None:
            await _show_draft(query, usecases, person, done.into)
        return
    except DomainError as refused:
        await query.answer(_alert(localized(refused)), show_alert=True)
        return
    await query.answer(_alert(views.carried(result)))
    if isinstance(query.message, Message):
        summary = result.summary
        await query.message.answer(
            views.carried(result) + "\n\n" + register_views.card(summary),
            reply_markup=register_keyboards.draft_card(summary),
        )


async def _show_draft(
    query: CallbackQuery, usecases: UseCases, person: PersonView, register_id: int
) -> None:
    """The draft the items went into, if it is still a draft this person may see."""
    if not isinstance(query.message, Message):
        return
    try:
        summary = await usecases.show_register(person, register_id)
    except DomainError:
        return
    markup: InlineKeyboardMarkup | None = register_keyboards.draft_card(summary)
    await query.message.answer(register_views.card(summary), reply_markup=markup)


def _alert(text: str) -> str:
    return text if len(text) <= ALERT_LIMIT else text[: ALERT_LIMIT - 1] + "…"

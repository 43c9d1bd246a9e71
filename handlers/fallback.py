"""The last router: unlinked users learn how to link; everyone else gets a pointer."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from handlers import keyboards, views
from services.ports import PersonView


def router() -> Router:
    r = Router(name="fallback")
    r.message.register(any_message)
    r.callback_query.register(any_callback)
    return r


async def any_message(message: Message, person: PersonView | None) -> None:
    if person is None:
        await message.answer(views.how_to_link(), reply_markup=keyboards.share_phone())
    elif not person.active:
        await message.answer(views.deactivated())
    else:
        await message.answer(views.not_understood())


async def any_callback(query: CallbackQuery, person: PersonView | None) -> None:
    if person is None:
        await query.answer(views.how_to_link_short(), show_alert=True)
    elif not person.active:
        await query.answer(views.deactivated(), show_alert=True)
    else:
        await query.answer(views.not_understood())

"""Keyboard builders; texts come from views."""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.roles import Role
from handlers import views
from handlers.callbacks import InvitePerson, MenuAction
from services.ports import PersonView


def share_phone() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=views.share_phone_button(), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def main_menu(person: PersonView) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if person.has(Role.ADMIN):
        builder.button(text=views.menu_button_invite(), callback_data=MenuAction(action="invite"))
    builder.button(text=views.menu_button_help(), callback_data=MenuAction(action="help"))
    builder.adjust(1)
    return builder.as_markup()


def people_to_invite(people: list[PersonView]) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(text=p.full_name, callback_data=InvitePerson(person_id=p.id).pack())]
        for p in people
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)

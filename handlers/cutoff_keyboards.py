"""Keyboards of the cutoff's messages; texts come from cutoff_views."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers import cutoff_views as views
from handlers.approval_callbacks import CardTap, CardVerb
from handlers.cutoff_callbacks import CarryTap
from services.cutoff import Reminder
from services.cutoff.ports import MissedRegister

MAX_BUTTONS = 8  # a reminder or missed list with more registers shows this many buttons


def reminder(remind: Reminder) -> InlineKeyboardMarkup:
    """One button per register, opening its review card as a new message."""
    builder = InlineKeyboardBuilder()
    for register in remind.registers[:MAX_BUTTONS]:
        builder.button(
            text=views.open_card_button(register, single=len(remind.registers) == 1),
            callback_data=CardTap(verb=CardVerb.OPEN, register_id=register.register_id),
        )
    builder.adjust(1)
    return builder.as_markup()


def carry(registers: Sequence[MissedRegister], carry_to: date) -> InlineKeyboardMarkup | None:
    """«Перенести на <дата>» per register (accountants only)."""
    if not registers:
        return None
    builder = InlineKeyboardBuilder()
    for register in registers[:MAX_BUTTONS]:
        builder.button(
            text=views.carry_button(register, carry_to, single=len(registers) == 1),
            callback_data=CarryTap(register_id=register.register_id),
        )
    builder.adjust(1)
    return builder.as_markup()

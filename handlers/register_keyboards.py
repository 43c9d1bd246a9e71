"""Keyboards of the register upload flow; texts come from register_views."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.register_approval import RegisterStatus
from handlers import approval_texts
from handlers import register_views as views
from handlers.approval_callbacks import CardTap, CardVerb
from handlers.register_callbacks import DraftAction, DraftDate, DraftVerb, UploadDc
from services.register_ports import DealerCenterRef, RegisterSummary

_MAX_DC_BUTTONS = 30


def dc_choices(choices: Sequence[DealerCenterRef]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for dc in choices[:_MAX_DC_BUTTONS]:
        builder.button(text=views.dc_button(dc), callback_data=UploadDc(dc_id=dc.id))
    builder.adjust(1)
    return builder.as_markup()


def draft_card(summary: RegisterSummary) -> InlineKeyboardMarkup | None:
    """«Отправить на согласование», «Изменить дату оплаты», «Отменить» for a draft; once
    sent, «Открыть реестр»: the accountant's own card, where they follow the register and
    may withdraw it or some of its payments."""
    if summary.status is RegisterStatus.IN_APPROVAL:
        tap = CardTap(verb=CardVerb.OPEN, register_id=summary.id)
        button = InlineKeyboardButton(text=approval_texts.open_button(), callback_data=tap.pack())
        return InlineKeyboardMarkup(inline_keyboard=[[button]])
    if summary.status is not RegisterStatus.DRAFT:
        return None
    builder = InlineKeyboardBuilder()
    for text, verb in (
        (views.submit_button(), DraftVerb.SUBMIT),
        (views.change_date_button(), DraftVerb.DATES),
        (views.cancel_button(), DraftVerb.CANCEL),
    ):
        builder.button(text=text, callback_data=_action(summary, verb))
    builder.adjust(1)
    return builder.as_markup()


def date_choices(summary: RegisterSummary, days: Sequence[date]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for day in days:
        builder.button(
            text=views.date_button(day, day == summary.payment_date),
            callback_data=DraftDate.of(summary.id, summary.version, day),
        )
    builder.adjust(3)
    builder.row(
        InlineKeyboardButton(
            text=views.back_button(), callback_data=_action(summary, DraftVerb.BACK).pack()
        )
    )
    return builder.as_markup()


def _action(summary: RegisterSummary, verb: DraftVerb) -> DraftAction:
    return DraftAction(verb=verb, register_id=summary.id, version=summary.version)

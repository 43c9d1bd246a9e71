"""The typed parts of the review card: the reason of a rejection («Другая причина») and of
a return to the accountant. The card's message is kept in FSM data (register, item, page,
chat and message ids), so the card is re-rendered in place once the text arrives."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import MaybeInaccessibleMessageUnion, Message

from domain.errors import DomainError
from domain.register_approval import Decision
from handlers import approval_keyboards as keyboards
from handlers import approval_texts as texts
from handlers import approval_views as views
from handlers.card_editor import CardEditor
from handlers.views import refused
from services.approval_ports import Card, CardMessage, NoticeSender
from services.ports import PersonView
from services.usecases import UseCases


async def start_dialog(
    state: FSMContext,
    dialog: str,
    card: MaybeInaccessibleMessageUnion | None,
    register_id: int,
    page: int,
    **extra: int,
) -> None:
    """Wait for typed text about the card in message ``card``."""
    chat_id = card.chat.id if card else 0
    message_id = card.message_id if card else 0
    await state.set_state(dialog)
    await state.set_data({"register_id": register_id, "page": page, "chat_id": chat_id,
                          "message_id": message_id, **extra})  # fmt: skip


async def reject_reason_typed(
    message: Message,
    *,
    bot: Bot,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
    card_editor: CardEditor | None = None,
) -> None:
    dialog = await _typed_reason(message, state, "item_id")
    if dialog is None:
        return
    reason, data = dialog
    try:
        outcome = await usecases.approvals.decide(
            person, data["register_id"], data["item_id"], Decision.REJECT, reason=reason,
            page=data.get("page", 0),
        )  # fmt: skip
    except DomainError as error:
        await message.answer(refused(error))
        await _show_at(Where(message, bot, card_editor), usecases, person, data, None)
        return
    await _show_at(Where(message, bot, card_editor), usecases, person, data, outcome.card)
    await message.answer(texts.item_rejected(data.get("position", 0), reason))


async def return_reason_typed(
    message: Message,
    *,
    bot: Bot,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
    notice_sender: NoticeSender | None = None,
    card_editor: CardEditor | None = None,
) -> None:
    dialog = await _typed_reason(message, state)
    if dialog is None:
        return
    reason, data = dialog
    try:
        outcome = await usecases.approvals.return_register(person, data["register_id"], reason)
    except DomainError as error:
        await message.answer(refused(error))
        await _show_at(Where(message, bot, card_editor), usecases, person, data, None)
        return
    card = outcome.card and replace(outcome.card, note=texts.return_note(reason))
    await _show_at(Where(message, bot, card_editor), usecases, person, data, card)
    await message.answer(texts.returned(data["register_id"]))
    if notice_sender is not None and outcome.notices:
        await notice_sender.deliver(outcome.notices)


async def _typed_reason(
    message: Message, state: FSMContext, *keys: str
) -> tuple[str, dict[str, Any]] | None:
    """The reason and the dialog's data (which must hold ``keys`` too); None when the text
    is too long (the person is asked again) or the dialog's data is lost."""
    reason = (message.text or "").strip()
    if len(reason) > views.REASON_LIMIT:
        await message.answer(texts.reason_too_long())
        return None
    data = await state.get_data()
    await state.clear()
    if any(key not in data for key in ("register_id", "chat_id", "message_id", *keys)):
        await message.answer(texts.dialog_lost())
        return None
    return reason, data


@dataclass(frozen=True)
class Where:
    """The typed message, and how to edit the card it answers: through the bot's
    `CardEditor` (one edit at a time per card, flood waits) when there is one."""

    message: Message
    bot: Bot
    editor: CardEditor | None


async def _show_at(
    where: Where, usecases: UseCases, person: PersonView, data: dict[str, Any], card: Card | None
) -> None:
    """Re-render the card the dialog started from; if that message is gone, send it anew."""
    register_id = data["register_id"]
    try:
        card = card or await usecases.approvals.open_card(person, register_id, data.get("page", 0))
    except DomainError:
        return
    text, markup = keyboards.screen(card, person)
    chat_id, message_id = data["chat_id"], data["message_id"]
    editor = where.editor or CardEditor()  # a private one still waits out a flood
    try:
        await editor.edit_at(where.bot, chat_id, message_id, text, markup, card.version)
    except TelegramBadRequest:  # the card's message is gone: send the card anew
        sent = await where.message.answer(text, reply_markup=markup)
        await remember(usecases, person, register_id, sent)


async def remember(
    usecases: UseCases, person: PersonView, register_id: int, sent: Message
) -> None:
    await usecases.approvals.cards(CardMessage(register_id, person.id, sent.chat.id,
                                               sent.message_id))  # fmt: skip

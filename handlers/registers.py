"""Register upload in Telegram (PRODUCT §3 «Upload»): a document from a linked person gets
«Проверяю файл…», which is edited into the summary card, the error list, or the DC choice;
then the draft card's buttons: send for approval, change the payment date, cancel.

Documents are taken only outside dialogs (no FSM state), so a memo dialog's attachments
never land here. Handlers only unpack, call one use case and render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ChatAction
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from domain.errors import DomainError
from domain.register_approval import RegisterStatus
from handlers import register_keyboards as keyboards
from handlers import register_views as views
from handlers.filters import members_only
from handlers.register_callbacks import DraftAction, DraftDate, DraftVerb, UploadDc
from handlers.views import localized, refused
from services.approval_ports import NoticeSender
from services.ports import PersonView
from services.register_ports import RegisterSummary
from services.registers import NeedDealerCenter, RegisterChanged, RegisterNotDraft, Rejected
from services.usecases import UseCases

UPLOADS_KEY = "register_uploads"
_KEEP_UPLOADS = 5


def router() -> Router:
    """Register upload and the draft card, for linked active people only."""
    r = members_only(Router(name="registers"))
    r.message.register(document_received, F.document, StateFilter(None))
    r.callback_query.register(dc_chosen, UploadDc.filter())
    r.callback_query.register(draft_action, DraftAction.filter())
    r.callback_query.register(date_chosen, DraftDate.filter())
    return r


@dataclass(frozen=True)
class _Flow:
    """The parts every step of an upload needs."""

    bot: Bot
    person: PersonView
    usecases: UseCases
    state: FSMContext


@dataclass(frozen=True)
class _Upload:
    """What is needed to fetch the file again: Telegram's file_id and the file's name."""

    file_id: str
    filename: str


async def document_received(
    message: Message, bot: Bot, person: PersonView, usecases: UseCases, state: FSMContext
) -> None:
    document = message.document
    assert document is not None
    await usecases.upload_register.precheck(person, document.file_size)
    await bot.send_chat_action(message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    status = await message.answer(views.checking_file())
    upload = _Upload(document.file_id, document.file_name or "file")
    await _process(status, _Flow(bot, person, usecases, state), upload, None)


async def dc_chosen(
    query: CallbackQuery,
    *,
    callback_data: UploadDc,
    bot: Bot,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
) -> None:
    message = query.message
    upload = await _recall(state, message.message_id) if isinstance(message, Message) else None
    if upload is None or not isinstance(message, Message):
        await query.answer(views.upload_expired(), show_alert=True)
        return
    await _forget(state, message.message_id)
    await query.answer()
    await bot.send_chat_action(message.chat.id, ChatAction.UPLOAD_DOCUMENT)
    await message.edit_text(views.checking_file())
    flow = _Flow(bot, person, usecases, state)
    await _process(message, flow, upload, callback_data.dc_id)


async def _process(status: Message, flow: _Flow, upload: _Upload, dc_id: int | None) -> None:
    try:
        data = await _download(flow.bot, upload.file_id)
        outcome = await flow.usecases.upload_register(
            flow.person, upload.filename, data, dc_id, telegram_file_id=upload.file_id
        )
    except DomainError as error:
        await status.edit_text(refused(error))
        return
    if isinstance(outcome, NeedDealerCenter):
        await _remember(flow.state, status.message_id, upload)
        markup = keyboards.dc_choices(outcome.choices)
        await status.edit_text(views.choose_dc(upload.filename), reply_markup=markup)
    elif isinstance(outcome, Rejected):
        text, attach = views.rejected(outcome)
        await status.edit_text(text)
        if attach:
            report = outcome.report.encode("utf-8")
            name = views.report_filename(upload.filename)
            await status.answer_document(BufferedInputFile(report, filename=name))
    else:
        summary = outcome.summary
        await status.edit_text(views.card(summary), reply_markup=keyboards.draft_card(summary))


async def draft_action(
    query: CallbackQuery,
    *,
    callback_data: DraftAction,
    person: PersonView,
    usecases: UseCases,
    notice_sender: NoticeSender | None = None,
) -> None:
    register_id, version = callback_data.register_id, callback_data.version
    note: str | None = None
    try:
        if callback_data.verb is DraftVerb.SUBMIT:
            await _submit(query, register_id, version, person, usecases, notice_sender)
            return
        if callback_data.verb is DraftVerb.CANCEL:
            summary = await usecases.cancel_draft(person, register_id, version)
            note = views.cancelled(summary)
        else:
            summary = _current(await usecases.show_register(person, register_id), version)
            if callback_data.verb is DraftVerb.DATES:
                days = usecases.change_payment_date.choices(summary)
                markup = keyboards.date_choices(summary, days)
                await _edit(query, views.choose_date(summary), markup)
                await query.answer()
                return
    except (RegisterChanged, RegisterNotDraft) as stale:
        await _show_card(query, stale.summary, localized(stale))
        return
    await _show_card(query, summary, note)


async def date_chosen(
    query: CallbackQuery, callback_data: DraftDate, person: PersonView, usecases: UseCases
) -> None:
    try:
        summary = await usecases.change_payment_date(
            person, callback_data.register_id, callback_data.payment_date, callback_data.version
        )
    except (RegisterChanged, RegisterNotDraft) as stale:
        await _show_card(query, stale.summary, localized(stale))
        return
    await _show_card(query, summary, views.date_changed(summary))


async def _submit(  # noqa: PLR0917 — the handler's parts, passed along
    query: CallbackQuery,
    register_id: int,
    version: int,
    person: PersonView,
    usecases: UseCases,
    notice_sender: NoticeSender | None,
) -> None:
    """«Отправить на согласование»: the route starts; its first approvers get the card."""
    try:
        outcome = await usecases.approvals.submit(person, register_id, version)
    except DomainError as refusal:  # changed, no longer a draft, cutoff passed: say why
        summary = await usecases.show_register(person, register_id)
        await _edit(query, views.card(summary), keyboards.draft_card(summary))
        await query.answer(localized(refusal)[:200], show_alert=True)
        return
    summary = await usecases.show_register(person, register_id)
    await _show_card(query, summary, views.submitted(summary))
    if notice_sender is not None and outcome.notices:
        await notice_sender.deliver(outcome.notices)


def _current(summary: RegisterSummary, version: int) -> RegisterSummary:
    """A button of a card older than the register is answered with the fresh card."""
    if summary.status is not RegisterStatus.DRAFT:
        raise RegisterNotDraft(summary)
    if summary.version != version:
        raise RegisterChanged(summary)
    return summary


async def _show_card(query: CallbackQuery, summary: RegisterSummary, note: str | None) -> None:
    await _edit(query, views.card(summary), keyboards.draft_card(summary))
    await query.answer(note[:200] if note else None)


async def _edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise


async def _download(bot: Bot, file_id: str) -> bytes:
    buffer = await bot.download(file_id)
    assert buffer is not None
    return buffer.read()


async def _remember(state: FSMContext, message_id: int, upload: _Upload) -> None:
    uploads: dict[str, Any] = dict((await state.get_data()).get(UPLOADS_KEY) or {})
    uploads[str(message_id)] = {"file_id": upload.file_id, "filename": upload.filename}
    kept = dict(list(uploads.items())[-_KEEP_UPLOADS:])
    await state.update_data({UPLOADS_KEY: kept})


async def _recall(state: FSMContext, message_id: int) -> _Upload | None:
    found = ((await state.get_data()).get(UPLOADS_KEY) or {}).get(str(message_id))
    return _Upload(found["file_id"], found["filename"]) if found else None


async def _forget(state: FSMContext, message_id: int) -> None:
    uploads = dict((await state.get_data()).get(UPLOADS_KEY) or {})
    if uploads.pop(str(message_id), None) is not None:
        await state.update_data({UPLOADS_KEY: uploads})

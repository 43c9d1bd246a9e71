"""Memos in Telegram (PRODUCT §4): the author's dialog - title, text, attachments, executor,
approvers, the «с генеральным директором» toggle, the preview and «Отправить» - and, after
a return, the same dialog prefilled for edit-and-resubmit. The approvers' cards and the
lists are in ``handlers.memo_approval``; `router` includes both.

Include this router before the registers router: a document sent during the dialog is an
attachment (the registers router takes only documents sent outside any dialog).
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from domain.errors import DomainError
from domain.memo_model import ATTACHMENTS_MAX, clean_text, clean_title
from handlers import memo_approval, memo_dialog
from handlers import memo_keyboards as keyboards
from handlers import memo_views as views
from handlers.filters import members_only
from handlers.memo_callbacks import DialogTap, DialogVerb, MemoMenu, MenuVerb, PickKind, PickPerson
from handlers.memo_dialog import Flow, back, forward, plan_for, show, step_of
from handlers.memo_draft import STEPS, DraftData, DraftFile, load, one_at_a_time, store
from handlers.memo_sending import send_draft
from handlers.memo_states import MemoDialog
from handlers.views import localized, refused
from services.memos.ports import MemoNoticeSender
from services.ports import PersonView
from services.usecases import UseCases


def router() -> Router:
    """The memo dialog, the approvers' cards and the memo lists, for members only."""
    r = members_only(Router(name="memos"))
    not_command = ~F.text.startswith("/")
    r.message.register(new_memo, Command("memo"))
    r.message.register(memo_approval.my_memos_command, Command("memos"))
    r.callback_query.register(menu_tapped, MemoMenu.filter())
    r.message.register(title_typed, MemoDialog.title, F.text, not_command)
    r.message.register(text_typed, MemoDialog.text, F.text, not_command)
    r.message.register(file_received, MemoDialog.files, F.document | F.photo)
    r.message.register(person_query, MemoDialog.executor, F.text, not_command)
    r.message.register(person_query, MemoDialog.approver, F.text, not_command)
    r.message.register(misplaced_file, StateFilter(MemoDialog), F.document | F.photo)
    r.callback_query.register(dialog_tapped, DialogTap.filter(), StateFilter(MemoDialog))
    r.callback_query.register(person_picked, PickPerson.filter(), StateFilter(MemoDialog))
    r.callback_query.register(dialog_over, DialogTap.filter())
    r.callback_query.register(dialog_over, PickPerson.filter())
    r.include_router(memo_approval.router())
    return r


def _flow(
    bot: Bot,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
    memo_notice_sender: MemoNoticeSender | None,
) -> Flow:
    return Flow(bot, person, usecases, state, memo_notice_sender)


async def new_memo(
    message: Message,
    *,
    bot: Bot,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
    memo_notice_sender: MemoNoticeSender | None = None,
) -> None:
    flow = _flow(bot, person, usecases, state, memo_notice_sender)
    await state.clear()
    await show(flow, message, "title", DraftData())


async def menu_tapped(
    query: CallbackQuery,
    *,
    callback_data: MemoMenu,
    bot: Bot,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
    memo_notice_sender: MemoNoticeSender | None = None,
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if callback_data.verb is MenuVerb.NEW:
        await new_memo(query.message, bot=bot, person=person, usecases=usecases, state=state,
                       memo_notice_sender=memo_notice_sender)  # fmt: skip
    elif callback_data.verb is MenuVerb.MINE:
        await memo_approval.show_my_memos(query.message, person, usecases)
    else:
        await memo_approval.show_waiting(query.message, person, usecases)


async def title_typed(
    message: Message, bot: Bot, person: PersonView, usecases: UseCases, state: FSMContext
) -> None:
    await _typed(message, _flow(bot, person, usecases, state, None), "title", clean_title)


async def text_typed(
    message: Message, bot: Bot, person: PersonView, usecases: UseCases, state: FSMContext
) -> None:
    await _typed(message, _flow(bot, person, usecases, state, None), "text", clean_text)


async def _typed(message: Message, flow: Flow, field: str, clean: Callable[[str], str]) -> None:
    """A typed title or text: checked by the domain, kept in the dialog, next step."""
    data = await load(flow.state)
    try:
        setattr(data, field, clean(message.text or ""))
    except DomainError as error:
        await message.answer(refused(error))
        return
    await forward(flow, message, field, data)


async def file_received(
    message: Message, person: PersonView, usecases: UseCases, state: FSMContext
) -> None:
    limit = usecases.memos.rules.max_attachment_bytes
    async with one_at_a_time(person.id):
        data = await load(state)
        new = _draft_file(message, len(data.files) + 1)
        if new.size > limit:
            text = views.file_too_big(new.name, limit / (1024 * 1024))
        elif len(data.files) >= ATTACHMENTS_MAX:
            text = views.too_many_files(ATTACHMENTS_MAX)
        else:
            data.files.append(new)
            await store(state, data)
            text = views.file_added(new.name, new.size, len(data.files))
    await message.answer(text, reply_markup=keyboards.files_keyboard(data))


def _draft_file(message: Message, number: int) -> DraftFile:
    if message.document is not None:
        doc = message.document
        name = doc.file_name or f"file_{number}"
        mime = doc.mime_type or "application/octet-stream"
        return DraftFile(name, doc.file_size or 0, mime, file_id=doc.file_id)
    assert message.photo
    photo = message.photo[-1]  # the largest size
    return DraftFile(f"photo_{number}.jpg", photo.file_size or 0, "image/jpeg",
                     file_id=photo.file_id)  # fmt: skip


async def misplaced_file(message: Message) -> None:
    await message.answer(views.files_only_at_files_step())


async def person_query(
    message: Message, person: PersonView, usecases: UseCases, state: FSMContext
) -> None:
    """A name typed for the executor or for an approver to add: the people found."""
    query = (message.text or "").strip()
    kind = PickKind.EXECUTOR
    people = await usecases.search_people(query)
    if await state.get_state() == MemoDialog.approver.state:
        kind, people = PickKind.APPROVER, [p for p in people if p.id != person.id]
    if not people:
        await message.answer(views.nobody_found(query),
                             reply_markup=keyboards.step_keyboard(keep=False))  # fmt: skip
        return
    data = await load(state)
    data.found = {str(p.id): [p.code, p.full_name] for p in people}
    await store(state, data)
    await message.answer(views.choose_person(query),
                         reply_markup=keyboards.people_keyboard(people, kind))  # fmt: skip


async def person_picked(
    query: CallbackQuery,
    *,
    callback_data: PickPerson,
    bot: Bot,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
) -> None:
    flow = _flow(bot, person, usecases, state, None)
    data = await load(state)
    found = data.found.get(str(callback_data.person_id))
    if found is None or not isinstance(query.message, Message):
        await query.answer(views.dialog_over(), show_alert=True)
        return
    code, name = found
    data.names[code] = name
    await query.answer()
    if callback_data.kind is PickKind.EXECUTOR:
        data.executor, data.executor_name = code, name
        await forward(flow, query.message, "executor", data)
        return
    if code not in data.approvers:
        data.approvers.append(code)
    await show(flow, query.message, "route", data)


async def dialog_tapped(
    query: CallbackQuery,
    *,
    callback_data: DialogTap,
    bot: Bot,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
    raw_state: str | None = None,
    memo_notice_sender: MemoNoticeSender | None = None,
) -> None:
    flow = _flow(bot, person, usecases, state, memo_notice_sender)
    message, step = query.message, step_of(raw_state)
    if not isinstance(message, Message) or step is None:
        await query.answer(views.dialog_over(), show_alert=True)
        return
    data, verb = await load(state), callback_data.verb
    if raw_state == MemoDialog.approver.state and verb in (DialogVerb.BACK, DialogVerb.CANCEL):
        await query.answer()
        await show(flow, message, "route", data)
    elif verb is DialogVerb.CANCEL:
        await state.clear()
        await query.answer()
        await memo_dialog.edit_message(message, views.cancelled(), None)
    elif verb is DialogVerb.SEND:
        await send_draft(flow, query, message, data)
    elif verb is DialogVerb.NEXT and (problem := (await plan_for(flow, data)).problem):
        await query.answer(views.short(localized(problem), 200), show_alert=True)
    else:
        await query.answer()
        await _navigate(flow, message, step, data, callback_data)


async def _navigate(
    flow: Flow, message: Message, step: str, data: DraftData, tap: DialogTap
) -> None:
    verb = tap.verb
    if verb is DialogVerb.BACK:
        await back(flow, message, step, data)
    elif verb is DialogVerb.KEEP or verb is DialogVerb.FILES_DONE or verb is DialogVerb.NEXT:
        await forward(flow, message, step, data)
    elif verb is DialogVerb.FILES_CLEAR:
        data.files.clear()
        await show(flow, message, "files", data, edit=True)
    elif verb is DialogVerb.EDIT:
        await show(flow, message, STEPS[min(max(tap.arg, 0), len(STEPS) - 1)], data)
    elif verb is DialogVerb.ADD:
        await flow.state.set_state(MemoDialog.approver)
        await message.answer(
            views.ask_approver(), reply_markup=keyboards.step_keyboard(keep=False)
        )
    else:
        if verb is DialogVerb.UP:
            memo_dialog.move_up(data, tap.arg)
        elif verb is DialogVerb.REMOVE:
            memo_dialog.remove(data, tap.arg)
        elif verb is DialogVerb.TOGGLE_GD:
            data.gd = not data.gd
        await show(flow, message, "route", data, edit=True)


async def dialog_over(query: CallbackQuery) -> None:
    await query.answer(views.dialog_over(), show_alert=True)

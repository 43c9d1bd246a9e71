"""The author's last taps: «Отправить» (download the new files, create the draft, submit)
or «Отправить повторно» after a return, and opening a returned memo for editing."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message

from domain.errors import DomainError
from handlers import memo_views as views
from handlers.memo_dialog import Flow, plan_for, show
from handlers.memo_draft import DraftData, DraftFile
from handlers.memo_notices import TelegramMemoNotices
from handlers.views import localized, refused
from services.memos.ports import MemoNotice, MemoOutcome


async def send_draft(flow: Flow, query: CallbackQuery, preview: Message, data: DraftData) -> None:
    plan = await plan_for(flow, data)
    if plan.problem:
        await query.answer(views.short(localized(plan.problem), 200), show_alert=True)
        return
    await query.answer()
    status = await preview.answer(views.sending())
    try:
        outcome = await _submit(flow, data)
    except DomainError as error:
        await status.edit_text(refused(error))
        return
    await flow.state.clear()
    await preview.edit_reply_markup(reply_markup=None)
    text = views.sent(outcome.card.number, outcome.card.current_approver)
    if outcome.message:
        text = refused(outcome.message)
    await status.edit_text(text)
    await tell(flow, outcome.notices)


async def _submit(flow: Flow, data: DraftData) -> MemoOutcome:
    downloaded: dict[str, bytes] = {}
    for file in data.files:
        if file.stored_id is None and file.file_id is not None:
            buffer = await flow.bot.download(file.file_id)
            assert buffer is not None
            downloaded[file.file_id] = buffer.read()
    draft = data.draft(downloaded)
    memos = flow.usecases.memos
    if data.revise is not None:
        return await memos.resubmit(flow.person, data.revise, draft, data.round)
    memo_id = await memos.create(flow.person, draft, data.key)
    return await memos.submit(flow.person, memo_id)


async def start_revise(flow: Flow, where: Message, memo_id: int) -> None:
    """The returned memo in the dialog, at its preview; every part can be changed."""
    view = await flow.usecases.memos.edit(flow.person, memo_id)
    draft = view.draft
    data = DraftData(
        revise=memo_id, round=view.round, title=draft.title, text=draft.text,
        files=[DraftFile(a.name, a.size, a.mime, stored_id=a.id) for a in view.attachments],
        executor=draft.executor, executor_name=view.executor_name,
        approvers=list(draft.approvers), gd=draft.with_general_director,
        route_ready=True, previewed=True,
    )  # fmt: skip
    await flow.state.clear()
    await show(flow, where, "preview", data)


async def tell(flow: Flow, notices: tuple[MemoNotice, ...]) -> None:
    """Hand the notices to the dispatcher's sender, or send them now without one."""
    if not notices:
        return
    if flow.notices is not None:
        await flow.notices.deliver(notices)
    else:
        await TelegramMemoNotices(flow.bot, flow.usecases).deliver_now(notices)

"""The memo dialog's steps: show a step's prompt, go forward or back, and the route screen.
The order is `handlers.memo_draft.STEPS`; once the preview has been shown, every edit
comes back to it. Handlers in ``handlers.memos`` feed typed text, files and taps here."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message

from handlers import memo_keyboards as keyboards
from handlers import memo_views as views
from handlers.memo_draft import STEPS, DraftData, store
from handlers.memo_states import MemoDialog
from services.memos import RoutePlan
from services.memos.ports import MemoNoticeSender
from services.ports import PersonView
from services.usecases import UseCases

_STATES = {
    "title": MemoDialog.title,
    "text": MemoDialog.text,
    "files": MemoDialog.files,
    "executor": MemoDialog.executor,
    "route": MemoDialog.route,
    "preview": MemoDialog.preview,
}


@dataclass(frozen=True)
class Flow:
    """What every step of the dialog needs."""

    bot: Bot
    person: PersonView
    usecases: UseCases
    state: FSMContext
    notices: MemoNoticeSender | None = None

    @property
    def limit_mb(self) -> float:
        return self.usecases.memos.rules.max_attachment_bytes / (1024 * 1024)


def step_of(raw_state: str | None) -> str | None:
    """The dialog step a raw FSM state stands for (the approver search is the route's)."""
    if raw_state == MemoDialog.approver.state:
        return "route"
    return next((name for name, st in _STATES.items() if st.state == raw_state), None)


async def show(
    flow: Flow, where: Message, step: str, data: DraftData, *, edit: bool = False
) -> None:
    """Make ``step`` current and show its prompt (a new message, or ``where`` edited)."""
    await flow.state.set_state(_STATES[step])
    if step == "route":
        await _prepare_route(flow, data)
    await store(flow.state, data)
    text, markup = await _prompt(flow, step, data)
    if edit:
        await edit_message(where, text, markup)
    else:
        await where.answer(text, reply_markup=markup)


async def _prompt(flow: Flow, step: str, data: DraftData) -> tuple[str, InlineKeyboardMarkup]:
    if step == "title":
        return views.ask_title(data.title), keyboards.step_keyboard(keep=bool(data.title),
                                                                    back=False)  # fmt: skip
    if step == "text":
        return views.ask_text(data.text), keyboards.step_keyboard(keep=bool(data.text))
    if step == "files":
        return views.ask_files(data, flow.limit_mb), keyboards.files_keyboard(data)
    if step == "executor":
        keep = data.executor is not None
        return views.ask_executor(data.executor_name), keyboards.step_keyboard(keep=keep)
    plan = await plan_for(flow, data)
    if step == "route":
        rules = flow.usecases.memos.rules
        return views.route_screen(plan, data.gd), keyboards.route_keyboard(
            data, rules.max_approvers
        )
    return views.preview(data, plan), keyboards.preview_keyboard(data)


async def forward(flow: Flow, where: Message, done: str, data: DraftData) -> None:
    """After ``done`` was filled in: the next step, or back to the preview."""
    if done == "route":
        data.previewed = True
        await show(flow, where, "preview", data)
    elif data.previewed and done != "executor":
        await show(flow, where, "preview", data)
    else:
        await show(flow, where, STEPS[STEPS.index(done) + 1], data)


async def back(flow: Flow, where: Message, current: str, data: DraftData) -> None:
    """One step left (from the preview: the route)."""
    index = STEPS.index(current)
    await show(flow, where, STEPS[max(index - 1, 0)], data)


async def plan_for(flow: Flow, data: DraftData) -> RoutePlan:
    assert data.executor is not None
    plan = await flow.usecases.memos.plan(flow.person, data.executor, data.approvers, data.gd)
    data.names.update({p.code: p.name for p in (*plan.intermediate, *plan.final)})
    return plan


async def _prepare_route(flow: Flow, data: DraftData) -> None:
    """The first time: the suggested approvers (the author's DC and department directors)."""
    if data.route_ready or data.executor is None:
        return
    data.approvers = list(await flow.usecases.memos.plan.suggest(flow.person, data.executor))
    data.route_ready = True


async def edit_message(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as error:
        if "message is not modified" not in error.message:
            raise


def move_up(data: DraftData, index: int) -> None:
    if 0 < index < len(data.approvers):
        data.approvers[index - 1], data.approvers[index] = (
            data.approvers[index],
            data.approvers[index - 1],
        )


def remove(data: DraftData, index: int) -> None:
    if 0 <= index < len(data.approvers):
        del data.approvers[index]

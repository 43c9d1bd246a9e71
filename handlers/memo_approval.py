"""A memo's card in Telegram: «Согласовать», «Отклонить» (reason), «Вернуть на доработку»
(reason), «Добавить согласующего» (search by name), attachments, the full text, the PDF,
and for the author «Изменить и отправить снова»; plus «Мои записки» and the memos waiting
for the person's decision. Each tap unpacks its callback data, calls one use case and
re-renders the card; a refused or stale tap is answered with the reason and a fresh card.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from domain.errors import DomainError
from handlers import memo_keyboards as keyboards
from handlers import memo_views as views
from handlers.memo_callbacks import AddPick, CardVerb, MemoTap
from handlers.memo_card_view import MESSAGE_LIMIT, card_text
from handlers.memo_dialog import Flow, edit_message
from handlers.memo_sending import start_revise, tell
from handlers.memo_states import MemoAct
from handlers.views import localized, refused
from services.memos import MemoFile
from services.memos.ports import MemoCard, MemoNoticeSender, MemoOutcome
from services.ports import PersonView
from services.usecases import UseCases

ACT_KEY = "memo_act"
_PENDING = {s.state for s in (MemoAct.reject_reason, MemoAct.return_reason, MemoAct.add_search)}


def router() -> Router:
    r = Router(name="memo_cards")
    not_command = ~F.text.startswith("/")
    r.callback_query.register(card_tapped, MemoTap.filter())
    r.callback_query.register(add_picked, AddPick.filter())
    r.message.register(reason_typed, MemoAct.reject_reason, F.text, not_command)
    r.message.register(reason_typed, MemoAct.return_reason, F.text, not_command)
    r.message.register(add_search, MemoAct.add_search, F.text, not_command)
    return r


async def my_memos_command(message: Message, person: PersonView, usecases: UseCases) -> None:
    await show_my_memos(message, person, usecases)


async def show_my_memos(where: Message, person: PersonView, usecases: UseCases) -> None:
    rows = await usecases.memos.mine(person)
    text = views.my_memos(rows, person.full_name)
    await where.answer(text[:MESSAGE_LIMIT], reply_markup=keyboards.memo_list(rows))


async def show_waiting(where: Message, person: PersonView, usecases: UseCases) -> None:
    cards = await usecases.memos.waiting(person)
    if not cards:
        await where.answer(views.nothing_waiting())
        return
    for card in cards[:10]:
        await where.answer(card_text(card), reply_markup=keyboards.card_keyboard(card))


async def card_tapped(
    query: CallbackQuery,
    *,
    callback_data: MemoTap,
    bot: Bot,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
    raw_state: str | None = None,
    memo_notice_sender: MemoNoticeSender | None = None,
) -> None:
    if raw_state in _PENDING:  # a tap on any card ends a pending «write the reason»
        await state.clear()
    message = query.message
    if not isinstance(message, Message):
        await query.answer()
        return
    flow = Flow(bot, person, usecases, state, memo_notice_sender)
    tap = callback_data
    try:
        await _tap(flow, query, message, tap)
    except DomainError as error:
        await query.answer(views.short(localized(error), 200), show_alert=True)
        await _refresh(flow, message, tap.memo_id)


async def _tap(flow: Flow, query: CallbackQuery, message: Message, tap: MemoTap) -> None:
    memos, person, verb = flow.usecases.memos, flow.person, tap.verb
    if verb is CardVerb.APPROVE:
        await _moved(flow, query, message, await memos.approve(person, tap.memo_id, tap.step))
    elif verb in (CardVerb.REJECT, CardVerb.RETURN, CardVerb.ADD):
        await _ask(flow, query, message, tap)
    elif verb is CardVerb.EDIT:
        await query.answer()
        await start_revise(flow, message, tap.memo_id)
    elif verb in (CardVerb.FILES, CardVerb.TEXT, CardVerb.PDF):
        await query.answer()
        await _send_files(flow, message, tap)
    else:
        card = await memos.open(person, tap.memo_id)
        await query.answer()
        if verb is CardVerb.OPEN:
            await message.answer(card_text(card), reply_markup=keyboards.card_keyboard(card))
        else:
            await edit_message(message, card_text(card), keyboards.card_keyboard(card))


async def _moved(flow: Flow, query: CallbackQuery, message: Message, outcome: MemoOutcome) -> None:
    """Show the actor the card after their move; tell the others."""
    note = views.short(localized(outcome.message), 200) if outcome.message else None
    await query.answer(note, show_alert=note is not None)
    await edit_message(message, card_text(outcome.card), keyboards.card_keyboard(outcome.card))
    await tell(flow, outcome.notices)


async def _ask(flow: Flow, query: CallbackQuery, message: Message, tap: MemoTap) -> None:
    """Reject, return and add need typed text: check the card still waits for this person
    at this step, then ask."""
    card = await flow.usecases.memos.open(flow.person, tap.memo_id)
    if not card.can_decide or card.current_step_key != tap.step:
        await query.answer(views.stale_card(), show_alert=True)
        await edit_message(message, card_text(card), keyboards.card_keyboard(card))
        return
    states = {CardVerb.REJECT: MemoAct.reject_reason, CardVerb.RETURN: MemoAct.return_reason,
              CardVerb.ADD: MemoAct.add_search}  # fmt: skip
    await flow.state.set_state(states[tap.verb])
    await flow.state.update_data({ACT_KEY: {"memo_id": tap.memo_id, "step": tap.step}})
    await query.answer()
    await message.answer(views.ask_for(tap.verb.value, card.number),
                         reply_markup=keyboards.act_keyboard(tap.memo_id))  # fmt: skip


async def reason_typed(
    message: Message,
    *,
    bot: Bot,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
    raw_state: str | None = None,
    memo_notice_sender: MemoNoticeSender | None = None,
) -> None:
    act = (await state.get_data()).get(ACT_KEY) or {}
    memo_id, step, reason = int(act.get("memo_id", 0)), int(act.get("step", 0)), message.text
    decide = usecases.memos.reject
    if raw_state == MemoAct.return_reason.state:
        decide = usecases.memos.return_memo
    try:
        outcome = await decide(person, memo_id, step, reason or "")
    except DomainError as error:
        await message.answer(refused(error))
        return
    await state.clear()
    if outcome.message:
        await message.answer(refused(outcome.message))
    await message.answer(
        card_text(outcome.card), reply_markup=keyboards.card_keyboard(outcome.card)
    )
    await tell(Flow(bot, person, usecases, state, memo_notice_sender), outcome.notices)


async def add_search(
    message: Message, person: PersonView, usecases: UseCases, state: FSMContext
) -> None:
    act = dict((await state.get_data()).get(ACT_KEY) or {})
    query = (message.text or "").strip()
    people = [p for p in await usecases.search_people(query) if p.id != person.id]
    if not people:
        markup = keyboards.act_keyboard(int(act.get("memo_id", 0)))
        await message.answer(views.nobody_found(query), reply_markup=markup)
        return
    act["found"] = {str(p.id): p.code for p in people}
    await state.update_data({ACT_KEY: act})
    markup = keyboards.add_people_keyboard(people, int(act["memo_id"]), int(act["step"]))
    await message.answer(views.choose_person(query), reply_markup=markup)


async def add_picked(
    query: CallbackQuery,
    *,
    callback_data: AddPick,
    bot: Bot,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
    memo_notice_sender: MemoNoticeSender | None = None,
) -> None:
    act = (await state.get_data()).get(ACT_KEY) or {}
    code = (act.get("found") or {}).get(str(callback_data.person_id))
    if code is None or not isinstance(query.message, Message):
        await query.answer(views.dialog_over(), show_alert=True)
        return
    flow = Flow(bot, person, usecases, state, memo_notice_sender)
    data = callback_data
    try:
        outcome = await usecases.memos.add_approver(person, data.memo_id, data.step, code)
    except DomainError as error:
        await query.answer(views.short(localized(error), 200), show_alert=True)
        return
    await state.clear()
    note = localized(outcome.message) if outcome.message else views.added()
    await query.answer(views.short(note, 200))
    await query.message.answer(card_text(outcome.card),
                               reply_markup=keyboards.card_keyboard(outcome.card))  # fmt: skip
    await tell(flow, outcome.notices)


async def _send_files(flow: Flow, message: Message, tap: MemoTap) -> None:
    memos, person = flow.usecases.memos, flow.person
    if tap.verb is CardVerb.TEXT:
        card = await memos.open(person, tap.memo_id)
        await _send_text(message, card)
        return
    files = await (memos.files(person, tap.memo_id) if tap.verb is CardVerb.FILES else
                   _pdf(flow, tap.memo_id))  # fmt: skip
    if not files:
        await message.answer(views.no_files())
    for file in files:
        await message.answer_document(BufferedInputFile(file.content, filename=file.name))


async def _pdf(flow: Flow, memo_id: int) -> list[MemoFile]:
    found = await flow.usecases.memos.pdf(flow.person, memo_id)
    return [found] if found is not None else []


async def _send_text(message: Message, card: MemoCard) -> None:
    text = views.full_text(card.number, card.title, card.text)
    if len(text) <= MESSAGE_LIMIT:
        await message.answer(text)
        return
    name = f"{card.number or card.memo_id}.txt"
    await message.answer_document(BufferedInputFile(card.text.encode("utf-8"), filename=name))


async def _refresh(flow: Flow, message: Message, memo_id: int) -> None:
    try:
        card = await flow.usecases.memos.open(flow.person, memo_id)
    except DomainError:
        return  # the person may no longer see the memo at all: the alert said why
    await edit_message(message, card_text(card), keyboards.card_keyboard(card))

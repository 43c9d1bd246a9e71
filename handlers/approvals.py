"""The register review card (PRODUCT §3 «Review UI»): one message per register and person,
edited in place. A tap calls one approval use case and re-renders the card; a refused tap
(moved on, cutoff passed, decided by someone else) is answered with the reason and the card
refreshed. Notices go out after the tap was answered (``notice_sender`` in dispatcher data);
card edits go through ``card_editor`` (one at a time per message, newest wins, flood waits).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from domain.errors import DomainError
from domain.register_approval import Decision
from handlers import approval_accountant as accountant
from handlers import approval_keyboards as keyboards
from handlers import approval_texts as texts
from handlers import approval_views as views
from handlers.approval_callbacks import CardTap, CardVerb, QuickReason, RejectReason
from handlers.approval_dialogs import (
    reject_reason_typed,
    remember,
    return_reason_typed,
)
from handlers.approval_tap import Tap
from handlers.card_editor import CardEditor
from handlers.filters import members_only
from handlers.states import ApprovalDialog
from handlers.views import localized
from services.approval_ports import NoticeSender
from services.ports import PersonView
from services.usecases import UseCases

_DIALOGS = {ApprovalDialog.reject_reason.state, ApprovalDialog.return_reason.state}


def router() -> Router:
    """The review card and its dialogs, for members only (the «На согласовании» list is
    in the main menu, ``start.menu_router``)."""
    r = members_only(Router(name="approvals"))
    r.callback_query.register(card_tapped, CardTap.filter())
    r.callback_query.register(reason_picked, RejectReason.filter())
    not_command = ~F.text.startswith("/")
    r.message.register(reject_reason_typed, ApprovalDialog.reject_reason, F.text, not_command)
    r.message.register(return_reason_typed, ApprovalDialog.return_reason, F.text, not_command)
    return r


async def card_tapped(
    query: CallbackQuery,
    *,
    callback_data: CardTap,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
    card_editor: CardEditor,
    raw_state: str | None = None,
    notice_sender: NoticeSender | None = None,
) -> None:
    if raw_state in _DIALOGS:  # a tap anywhere ends a pending «write the reason»
        await state.clear()
    tap = Tap(query, person, usecases, state, notice_sender, card_editor,
               callback_data.register_id, callback_data.item_id, callback_data.page,
               callback_data.version, callback_data.seen())  # fmt: skip
    await _guarded(tap, _VERBS[callback_data.verb])


async def reason_picked(
    query: CallbackQuery,
    *,
    callback_data: RejectReason,
    person: PersonView,
    usecases: UseCases,
    state: FSMContext,
    card_editor: CardEditor,
    notice_sender: NoticeSender | None = None,
) -> None:
    data = callback_data
    tap = Tap(query, person, usecases, state, notice_sender, card_editor, data.register_id,
               data.item_id, data.page, seen=data.seen())  # fmt: skip
    if data.reason is QuickReason.OTHER:
        await _guarded(tap, _ask_reject_reason)
    else:
        await _guarded(tap, _quick_reject(views.QUICK_REASONS[data.reason]))


async def _guarded(tap: Tap, move: Callable[[Tap], Awaitable[None]]) -> None:
    """A refused move is answered with its reason, and the card shows the present state."""
    try:
        await move(tap)
    except DomainError as error:
        await tap.answer(localized(error), alert=True)
        with suppress(DomainError):  # they may no longer see the register: the alert said why
            await tap.show(None)


# --- the moves ---------------------------------------------------------------------------


async def _show(tap: Tap) -> None:
    await tap.show(None)
    await tap.answer()


async def _open(tap: Tap) -> None:
    card = await tap.cases.open_card(tap.person, tap.register_id)
    await tap.answer()
    if isinstance(tap.query.message, Message):
        text, markup = keyboards.screen(card, tap.person)
        sent = await tap.query.message.answer(text, reply_markup=markup)
        await remember(tap.usecases, tap.person, tap.register_id, sent)


async def _approve(tap: Tap) -> None:
    outcome = await tap.cases.decide(
        tap.person, tap.register_id, tap.item_id, Decision.APPROVE, page=tap.page,
        screen=tap.screen, seen=tap.seen,
    )  # fmt: skip
    await tap.answer()
    await tap.show(outcome.card)


async def _still_deciding(tap: Tap) -> bool:
    """Before a dialog starts: may the person still decide? If not, say why and refresh."""
    card = await tap.cases.open_card(tap.person, tap.register_id, tap.page)
    if not keyboards.deciding(card):
        await tap.answer(texts.read_only_reason(card), alert=True)
        await tap.show(card)
    return keyboards.deciding(card)


async def _reject(tap: Tap) -> None:
    if not await _still_deciding(tap):
        return
    item = await tap.cases.details(tap.person, tap.register_id, tap.item_id)
    await tap.answer()
    await tap.edit(texts.reject_picker(item),
                   keyboards.reason_picker(tap.register_id, tap.item_id, tap.page,
                                           tap.seen))  # fmt: skip


def _quick_reject(reason: str) -> Callable[[Tap], Awaitable[None]]:
    """❌ with a quick reason: one tap."""

    async def reject(tap: Tap) -> None:
        outcome = await tap.cases.decide(
            tap.person, tap.register_id, tap.item_id, Decision.REJECT, reason=reason,
            page=tap.page, screen=tap.screen, seen=tap.seen,
        )  # fmt: skip
        await tap.answer()
        await tap.show(outcome.card)

    return reject


async def _ask_reject_reason(tap: Tap) -> None:
    item = await tap.cases.details(tap.person, tap.register_id, tap.item_id)
    await tap.wait_for_text(ApprovalDialog.reject_reason, item_id=item.id, position=item.position)
    await tap.answer()
    await tap.edit(texts.ask_reject_reason(item.position),
                   keyboards.back_to_card(tap.register_id, tap.page))  # fmt: skip


async def _info(tap: Tap) -> None:
    item = await tap.cases.details(tap.person, tap.register_id, tap.item_id)
    await tap.answer()
    await tap.edit(views.details(item, tap.register_id),
                   keyboards.back_to_list(tap.register_id, tap.page))  # fmt: skip


async def _rest(tap: Tap) -> None:
    preview = await tap.cases.preview_rest(tap.person, tap.register_id)
    if not preview.count:
        await tap.answer(texts.nothing_left())
        await tap.show(None)
        return
    await tap.answer()
    await tap.edit(texts.confirm_rest(preview.register_id, preview.count, preview.totals),
                   keyboards.confirm_rest(preview, tap.page))  # fmt: skip


async def _rest_confirmed(tap: Tap) -> None:
    outcome = await tap.cases.approve_rest(tap.person, tap.register_id, tap.version, tap.page)
    await tap.answer(texts.rest_approved())
    await tap.show(outcome.card)


async def _send_on(tap: Tap) -> None:
    outcome = await tap.cases.send_on(tap.person, tap.register_id, tap.seen)
    card = outcome.card
    await tap.answer(texts.sent_on(card) if card else None)
    await tap.show(card)
    await tap.tell(outcome.notices)


async def _ask_return_reason(tap: Tap) -> None:
    if not await _still_deciding(tap):
        return
    await tap.wait_for_text(ApprovalDialog.return_reason)
    await tap.answer()
    await tap.edit(texts.ask_return_reason(tap.register_id),
                   keyboards.back_to_card(tap.register_id, tap.page))  # fmt: skip


_VERBS: dict[CardVerb, Callable[[Tap], Awaitable[None]]] = {
    CardVerb.OPEN: _open,
    CardVerb.SHOW: _show,
    CardVerb.APPROVE: _approve,
    CardVerb.REJECT: _reject,
    CardVerb.INFO: _info,
    CardVerb.REST: _rest,
    CardVerb.REST_OK: _rest_confirmed,
    CardVerb.SEND_ON: _send_on,
    CardVerb.RETURN: _ask_return_reason,
    CardVerb.WITHDRAW_ITEM: accountant.withdraw_item,
    CardVerb.WITHDRAW_ASK: accountant.ask_withdraw,
    CardVerb.WITHDRAW_OK: accountant.withdraw_confirmed,
    CardVerb.RESUBMIT: accountant.resubmit,
}

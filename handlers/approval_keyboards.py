"""Keyboards of the register review card; texts come from approval_texts. An approver who
decides sees ✅ / ❌ / ℹ️ per item and the stage's moves; anyone else sees ℹ️ only, and the
register's accountant also the withdraw buttons while that is still possible."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.register_approval import ItemStatus, RegisterStatus
from domain.register_route import Stage
from handlers import approval_texts as texts
from handlers import approval_views as views
from handlers.approval_callbacks import CardTap, CardVerb, QuickReason, RejectReason, stage_code
from handlers.callbacks import MenuAction
from handlers.card_editor import Screen
from services.approval_ports import Card, WaitingRegister
from services.approvals import RestPreview
from services.ports import PersonView

WAITING_ACTION = "wait"
_WITHDRAWABLE = frozenset({ItemStatus.PENDING, ItemStatus.APPROVED})
_PER_ROW = 4

Row = list[InlineKeyboardButton]


_RENDERED: OrderedDict[tuple[int, int], tuple[Card, Screen]] = OrderedDict()
_RENDERED_KEPT = 32  # the cards rendered last, by identity


def screen(card: Card, viewer: PersonView) -> Screen:
    """The card's text and buttons as ``viewer`` sees it. The taps decided in one batch
    all bring the same card object (``services.approvals.batching``): it is rendered
    once, for the first of them."""
    key = (id(card), viewer.id)
    kept = _RENDERED.get(key)
    if kept is not None and kept[0] is card:
        return kept[1]
    rendered = views.card(card), card_keyboard(card, viewer)
    _RENDERED[key] = (card, rendered)  # holding the card keeps its id from being reused
    if len(_RENDERED) > _RENDERED_KEPT:
        _RENDERED.popitem(last=False)
    return rendered


def is_accountant(card: Card, person: PersonView) -> bool:
    return card.context.kept_by(person.code)


def deciding(card: Card) -> bool:
    return card.can_decide and card.status is RegisterStatus.IN_APPROVAL


def before_cutoff(card: Card) -> bool:
    return card.as_of is None or card.as_of < card.cutoff_at


def card_keyboard(card: Card, viewer: PersonView) -> InlineKeyboardMarkup | None:
    if deciding(card):
        rows = [_decision_row(card, item.id, item.position) for item in card.items]
        rows += [_paging(card), *_stage_moves(card)]
    else:
        rows = _chunks([_tap(texts.info_button(i.position), card, CardVerb.INFO, i.id)
                        for i in card.items])  # fmt: skip
        if is_accountant(card, viewer) and before_cutoff(card):
            rows += _accountant_rows(card)
        else:
            rows.append(_paging(card))
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def _decision_row(card: Card, item_id: int, position: int) -> Row:
    return [
        _tap(texts.approve_button(position), card, CardVerb.APPROVE, item_id),
        _tap(texts.reject_button(position), card, CardVerb.REJECT, item_id),
        _tap(texts.info_button(position), card, CardVerb.INFO, item_id),
    ]


def _stage_moves(card: Card) -> list[Row]:
    rows = []
    if card.undecided:
        rows.append([_tap(texts.approve_rest_button(), card, CardVerb.REST)])
    rows.append([_tap(texts.send_on_button(), card, CardVerb.SEND_ON)])
    rows.append([_tap(texts.return_button(), card, CardVerb.RETURN)])
    return rows


def _accountant_rows(card: Card) -> list[Row]:
    if card.status is RegisterStatus.RETURNED:
        return [
            [_tap(texts.resubmit_button(), card, CardVerb.RESUBMIT)],
            [_tap(texts.withdraw_register_button(), card, CardVerb.WITHDRAW_ASK)],
        ]
    if card.status not in (RegisterStatus.IN_APPROVAL, RegisterStatus.APPROVED):
        return [_paging(card)]
    buttons = [
        _tap(texts.withdraw_item_button(i.position), card, CardVerb.WITHDRAW_ITEM, i.id)
        for i in card.items
        if i.status in _WITHDRAWABLE
    ]
    return [
        *_chunks(buttons),
        _paging(card),
        [_tap(texts.withdraw_register_button(), card, CardVerb.WITHDRAW_ASK)],
    ]


def _paging(card: Card) -> Row:
    if card.pages <= 1:
        return []
    row = []
    if card.page > 0:
        row.append(_tap("◀", card, CardVerb.SHOW, page=card.page - 1))
    row.append(_tap(texts.page_button(card.page, card.pages), card, CardVerb.SHOW))
    if card.page < card.pages - 1:
        row.append(_tap("▶", card, CardVerb.SHOW, page=card.page + 1))
    return row


_STAGE_MOVES = frozenset({CardVerb.APPROVE, CardVerb.REJECT, CardVerb.SEND_ON})


def _tap(
    text: str, card: Card, verb: CardVerb, item_id: int = 0, page: int | None = None
) -> InlineKeyboardButton:
    stamped = verb in _STAGE_MOVES  # a decision means the stage its card showed
    data = CardTap(
        verb=verb, register_id=card.register_id, item_id=item_id,
        page=card.page if page is None else page,
        round=card.round if stamped else 0, stage=stage_code(card.stage) if stamped else 0,
    )  # fmt: skip
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _chunks(buttons: Sequence[InlineKeyboardButton]) -> list[Row]:
    return [list(buttons[i : i + _PER_ROW]) for i in range(0, len(buttons), _PER_ROW)]


def _button(text: str, data: CardTap | RejectReason | MenuAction) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _back(register_id: int, page: int, text: str | None = None) -> Row:
    data = CardTap(verb=CardVerb.SHOW, register_id=register_id, page=page)
    return [_button(text or texts.back_button(), data)]


# --- dialogs on the card ---------------------------------------------------------------------


def reason_picker(
    register_id: int, item_id: int, page: int, seen: tuple[int, Stage] | None = None
) -> InlineKeyboardMarkup:
    """Quick reasons two per row, «Другая причина (написать)» and «Назад»; ``seen``: the
    (round, stage) of the card ❌ was tapped on, carried to the decision."""
    round_, stage = seen if seen is not None else (0, None)
    builder = InlineKeyboardBuilder()
    for reason in QuickReason:
        data = RejectReason(register_id=register_id, item_id=item_id, page=page, reason=reason,
                            round=round_, stage=stage_code(stage))  # fmt: skip
        builder.button(text=views.quick_reason_label(reason), callback_data=data)
    builder.adjust(2, 2, 1)
    builder.row(*_back(register_id, page))
    return builder.as_markup()


def back_to_card(register_id: int, page: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[_back(register_id, page)])


def back_to_list(register_id: int, page: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[_back(register_id, page, texts.back_to_list_button())]
    )


def confirm_rest(preview: RestPreview, page: int) -> InlineKeyboardMarkup:
    data = CardTap(
        verb=CardVerb.REST_OK, register_id=preview.register_id, page=page,
        version=preview.version,
    )  # fmt: skip
    yes = _button(texts.confirm_rest_button(preview.count, preview.totals), data)
    return InlineKeyboardMarkup(inline_keyboard=[[yes], _back(preview.register_id, page)])


def confirm_withdraw(card: Card) -> InlineKeyboardMarkup:
    data = CardTap(
        verb=CardVerb.WITHDRAW_OK, register_id=card.register_id, page=card.page,
        version=card.version,
    )  # fmt: skip
    yes = _button(texts.confirm_withdraw_button(), data)
    return InlineKeyboardMarkup(inline_keyboard=[[yes], _back(card.register_id, card.page)])


# --- notices and the waiting list --------------------------------------------------------------


def notice(kind: str, register_id: int) -> InlineKeyboardMarkup:
    """«Открыть реестр»; a returned register also offers «Отправить снова» / «Отозвать»."""
    rows = []
    if kind == "returned":
        resubmit = CardTap(verb=CardVerb.RESUBMIT, register_id=register_id)
        withdraw = CardTap(verb=CardVerb.WITHDRAW_ASK, register_id=register_id)
        rows.append([_button(texts.resubmit_button(), resubmit)])
        rows.append([_button(texts.withdraw_button(), withdraw)])
    rows.append(
        [_button(texts.open_button(), CardTap(verb=CardVerb.OPEN, register_id=register_id))]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def waiting(registers: Sequence[WaitingRegister]) -> InlineKeyboardMarkup | None:
    rows = [
        [_button(texts.waiting_button(r), CardTap(verb=CardVerb.OPEN, register_id=r.register_id))]
        for r in registers[: texts.MAX_WAITING]
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def menu_waiting_button() -> InlineKeyboardButton:
    return _button(texts.menu_waiting_button(), MenuAction(action=WAITING_ACTION))

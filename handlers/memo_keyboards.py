"""Keyboards of the memo dialog, cards, lists and notices; button texts go through the
catalogs. `memo_menu_buttons` is the fragment the main menu includes."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from domain.memo import MemoStatus
from handlers.memo_callbacks import (
    AddPick,
    CardVerb,
    DialogTap,
    DialogVerb,
    MemoMenu,
    MemoTap,
    MenuVerb,
    PickKind,
    PickPerson,
)
from handlers.memo_draft import STEPS, DraftData
from handlers.memo_views import button_label, initials, short
from services.memos.ports import MemoCard, MemoRow
from services.ports import PersonView

Rows = list[list[InlineKeyboardButton]]


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def _tap(text: str, verb: DialogVerb, arg: int = 0) -> InlineKeyboardButton:
    return _button(text, DialogTap(verb=verb, arg=arg))


def memo_menu_buttons() -> Rows:
    """The main menu's memo rows: a new memo, «Мои записки», memos waiting for me."""
    return [
        [_button(_("📝 Новая служебная записка"), MemoMenu(verb=MenuVerb.NEW))],
        [
            _button(_("🗂 Мои записки"), MemoMenu(verb=MenuVerb.MINE)),
            _button(_("🖊 Записки на согласовании"), MemoMenu(verb=MenuVerb.WAITING)),
        ],
    ]


def _nav(back: bool = True) -> list[InlineKeyboardButton]:
    row = [_tap(_("⬅️ Назад"), DialogVerb.BACK)] if back else []
    return [*row, _tap(_("✖️ Отмена"), DialogVerb.CANCEL)]


def step_keyboard(*, keep: bool, back: bool = True) -> InlineKeyboardMarkup:
    """Title, text and executor prompts: keep the current value, back, cancel."""
    rows: Rows = [[_tap(_("Оставить как есть ➡️"), DialogVerb.KEEP)]] if keep else []
    rows.append(_nav(back))
    return InlineKeyboardMarkup(inline_keyboard=rows)


def files_keyboard(data: DraftData) -> InlineKeyboardMarkup:
    done = _("Готово ➡️") if data.files else _("Без вложений ➡️")
    rows: Rows = [[_tap(done, DialogVerb.FILES_DONE)]]
    if data.files:
        rows.append([_tap(_("🗑 Убрать все вложения"), DialogVerb.FILES_CLEAR)])
    rows.append(_nav())
    return InlineKeyboardMarkup(inline_keyboard=rows)


def people_keyboard(people: Sequence[PersonView], kind: PickKind) -> InlineKeyboardMarkup:
    rows: Rows = [
        [_button(short(p.full_name, 60), PickPerson(kind=kind, person_id=p.id))] for p in people
    ]
    rows.append(_nav())
    return InlineKeyboardMarkup(inline_keyboard=rows)


def route_keyboard(data: DraftData, max_approvers: int) -> InlineKeyboardMarkup:
    rows: Rows = []
    for index, code in enumerate(data.approvers):
        name = short(initials(data.name(code)), 24)
        row = [_tap(f"✖️ {name}", DialogVerb.REMOVE, index)]
        if index > 0:
            row.insert(0, _tap(f"⬆️ {name}", DialogVerb.UP, index))
        rows.append(row)
    if len(data.approvers) < max_approvers:
        rows.append([_tap(_("➕ Добавить согласующего"), DialogVerb.ADD)])
    mark = "☑️" if data.gd else "⬜"
    rows.append([_tap(_("{mark} С генеральным директором").format(mark=mark),
                      DialogVerb.TOGGLE_GD)])  # fmt: skip
    rows.append([_tap(_("Далее ➡️"), DialogVerb.NEXT)])
    rows.append(_nav())
    return InlineKeyboardMarkup(inline_keyboard=rows)


def preview_keyboard(data: DraftData) -> InlineKeyboardMarkup:
    send = _("✅ Отправить повторно") if data.revise is not None else _("✅ Отправить")
    edit = [
        (_("✏️ Тема"), "title"), (_("✏️ Текст"), "text"), (_("📎 Вложения"), "files"),
        (_("👤 Исполнитель"), "executor"), (_("👥 Маршрут"), "route"),
    ]  # fmt: skip
    buttons = [_tap(label, DialogVerb.EDIT, STEPS.index(step)) for label, step in edit]
    rows: Rows = [[_tap(send, DialogVerb.SEND)], buttons[:3], buttons[3:]]
    rows.append(_nav())
    return InlineKeyboardMarkup(inline_keyboard=rows)


def card_keyboard(card: MemoCard) -> InlineKeyboardMarkup:
    def tap(text: str, verb: CardVerb) -> InlineKeyboardButton:
        return _button(text, MemoTap(verb=verb, memo_id=card.memo_id,
                                     step=card.current_step_key or 0))  # fmt: skip

    rows: Rows = []
    if card.can_decide:
        rows.append([tap(_("✅ Согласовать"), CardVerb.APPROVE),
                     tap(_("❌ Отклонить"), CardVerb.REJECT)])  # fmt: skip
        rows.append([tap(_("↩️ Вернуть на доработку"), CardVerb.RETURN)])
        rows.append([tap(_("➕ Добавить согласующего"), CardVerb.ADD)])
    if card.can_resubmit:
        rows.append([tap(_("✏️ Изменить и отправить снова"), CardVerb.EDIT)])
    extra = []
    if card.attachments:
        extra.append(tap(_("📎 Вложения ({n})").format(n=len(card.attachments)), CardVerb.FILES))
    extra.append(tap(_("📄 Полный текст"), CardVerb.TEXT))
    if card.status is MemoStatus.APPROVED and card.has_pdf:
        extra.append(tap(_("🧾 PDF"), CardVerb.PDF))
    rows.append(extra)
    rows.append([tap(_("🔄 Обновить"), CardVerb.REFRESH)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def add_people_keyboard(
    people: Sequence[PersonView], memo_id: int, step: int
) -> InlineKeyboardMarkup:
    rows: Rows = [
        [_button(short(p.full_name, 60), AddPick(memo_id=memo_id, step=step, person_id=p.id))]
        for p in people
    ]
    rows.append([_button(_("✖️ Отмена"), MemoTap(verb=CardVerb.REFRESH, memo_id=memo_id))])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def memo_list(rows: Sequence[MemoRow] | Sequence[MemoCard]) -> InlineKeyboardMarkup:
    """A button per memo opening its card."""
    buttons: Rows = [
        [_button(button_label(r.number, r.title), MemoTap(verb=CardVerb.OPEN, memo_id=r.memo_id))]
        for r in rows
    ]
    buttons.append([_button(_("📝 Новая служебная записка"), MemoMenu(verb=MenuVerb.NEW))])
    return InlineKeyboardMarkup(inline_keyboard=buttons)


def notice_keyboard(kind: str, memo_id: int) -> InlineKeyboardMarkup | None:
    if kind == "returned":
        verb, text = CardVerb.EDIT, _("✏️ Изменить и отправить снова")
    elif kind in {"rejected", "task", "approved"}:
        verb, text = CardVerb.OPEN, _("📄 Открыть записку")
    else:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(text, MemoTap(verb=verb, memo_id=memo_id))]]
    )


def act_keyboard(memo_id: int) -> InlineKeyboardMarkup:
    """Under a «write the reason» / «who to add» prompt: give up and see the card."""
    cancel = _button(_("✖️ Отмена"), MemoTap(verb=CardVerb.REFRESH, memo_id=memo_id))
    return InlineKeyboardMarkup(inline_keyboard=[[cancel]])


def cancel_only() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[_nav(back=False)])

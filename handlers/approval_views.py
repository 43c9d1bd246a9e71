"""Texts of the register review card (PRODUCT §3 «Review UI»), Russian first through the
catalogs. Every user text is HTML-escaped, and every text fits one Telegram message
(4096 UTF-16 units) whatever the register holds: long fields shrink level by level, and a
page drops items only when even the shortest level does not fit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from html import escape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from domain.calendar import format_local, time_left
from domain.money import format_amount
from domain.register_approval import Decision, ItemStatus, RegisterStatus
from domain.register_route import Stage
from handlers.approval_callbacks import QuickReason
from handlers.register_views import MESSAGE_LIMIT, length
from handlers.views import time_left_text
from services.approval_ports import Card, CardItem

__all__ = ["MESSAGE_LIMIT", "length"]

MOSCOW = ZoneInfo("Europe/Moscow")
ALERT_LIMIT = 200
REASON_LIMIT = 500
# Room kept for what Telegram may count differently from us.
_BUDGET = 3900
# (counterparty, purpose, reason) lengths, tried in turn until the page fits.
_ITEM_LEVELS = ((40, 80, 80), (28, 48, 48), (18, 24, 24), (12, 0, 12))
# Longest texts of the details view, tried in turn: (purpose and comment, other fields).
_DETAIL_LEVELS = ((1500, 200), (600, 120), (200, 60), (60, 30))
# Stored as the rejection reason: the company's language, whatever the approver's UI.
QUICK_REASONS: dict[QuickReason, str] = {
    QuickReason.BUDGET: "Нет бюджета",
    QuickReason.DUPLICATE: "Дубль",
    QuickReason.POSTPONE: "Перенести",
    QuickReason.DOCUMENTS: "Нет документов",
}


def esc(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters, then escaped for HTML."""
    return escape(text if len(text) <= limit else text[: max(limit - 1, 0)] + "…", quote=False)


def alert(text: str) -> str:
    """A callback answer (Telegram shows at most 200 characters)."""
    return text if len(text) <= ALERT_LIMIT else text[: ALERT_LIMIT - 1] + "…"


def money(amount: Decimal, currency: str = "RUB") -> str:
    return f"{format_amount(amount)} {'₽' if currency == 'RUB' else escape(currency[:5])}"


def stage_name(stage: Stage) -> str:
    return {
        Stage.DC_DIRECTOR: _("Директор ДЦ"),
        Stage.DEPARTMENT_DIRECTOR: _("Директор департамента"),
        Stage.CHIEF_ACCOUNTANT: _("Главный бухгалтер"),
        Stage.FINANCE_DIRECTOR: _("Финансовый директор"),
        Stage.GENERAL_DIRECTOR: _("Генеральный директор"),
    }[stage]


def quick_reason_label(reason: QuickReason) -> str:
    return {
        QuickReason.BUDGET: _("Нет бюджета"),
        QuickReason.DUPLICATE: _("Дубль"),
        QuickReason.POSTPONE: _("Перенести"),
        QuickReason.DOCUMENTS: _("Нет документов"),
        QuickReason.OTHER: _("Другая причина (написать)"),
    }[reason]


# --- the card ------------------------------------------------------------------------------


def card(card: Card) -> str:
    """Header, the page's items and the footer, within the message limit."""
    for level in _ITEM_LEVELS:
        text = _card_text(card, level, card.items)
        if length(text) <= _BUDGET:
            return text
    items = list(card.items)
    while items and length(text := _card_text(card, _ITEM_LEVELS[-1], items)) > _BUDGET:
        items.pop()
    return text


def _card_text(card: Card, level: tuple[int, int, int], items: Sequence[CardItem]) -> str:
    small = level[0] < 20
    parts = ["\n".join(header(card, small))]
    parts += [_item(item, level) for item in items]
    if len(items) < len(card.items):
        parts.append(_("…ещё платежей на странице: {count} — откройте ℹ️").format(
            count=len(card.items) - len(items)))  # fmt: skip
    footer = _footer(card)
    if footer:
        parts.append(footer)
    return "\n\n".join(parts)


def header(card: Card, small: bool = False) -> list[str]:
    ctx = card.context
    lines = [
        _("📋 <b>Реестр №{id}</b> · {dc} ({city})").format(
            id=card.register_id, dc=esc(ctx.dc_name, 24 if small else 80),
            city=esc(ctx.city, 16 if small else 40)),
        _("Дата оплаты: <b>{day}</b>").format(day=f"{ctx.payment_date:%d.%m.%Y}"),
    ]  # fmt: skip
    if card.status is RegisterStatus.IN_APPROVAL and card.stage is not None:
        lines += [
            _("Этап: <b>{stage}</b>").format(stage=stage_name(card.stage)),
            _("На этапе: <b>{count}</b> на <b>{sum}</b> (в реестре {all} на {total})").format(
                count=card.at_stage_count, sum=money(card.at_stage_total),
                all=card.item_count, total=money(card.total)),
            _("Не решено: <b>{count}</b>").format(count=card.undecided),
            cutoff_line(card),
        ]  # fmt: skip
    else:
        lines.append(_("Платежей: <b>{count}</b> на <b>{total}</b>").format(
            count=card.item_count, total=money(card.total)))  # fmt: skip
    if card.foreign_count:
        lines.append(_("В другой валюте: <b>{count}</b> — в суммы в ₽ не входят").format(
            count=card.foreign_count))  # fmt: skip
    if card.acting_for:
        lines.append(_("Вы решаете за: {name}.").format(
            name=esc(card.acting_for, 24 if small else 60)))  # fmt: skip
    state = state_line(card)
    return [*lines, "", state] if state else lines


def cutoff_line(card: Card) -> str:
    """«⏰ Отсечка 14:00 МСК = 16:00 по вашему времени, осталось 2 ч 5 мин»: in the head
    office's time (``schedule.timezone``) and, where it differs, the viewer's."""
    now = card.as_of or datetime.now(UTC)
    left = time_left(now, card.cutoff_at)
    office_zone = _zone(card.office_timezone)
    office = format_local(card.cutoff_at, office_zone)
    mine = format_local(card.cutoff_at, _zone(card.viewer_timezone))
    same_day = office.date() == format_local(now, office_zone).date()
    at = f"{office:%H:%M} " if same_day else f"{office:%d.%m %H:%M} "
    at += zone_label(office_zone, office)
    if not left:
        return _("⏰ Отсечка {at} — срок прошёл").format(at=at)
    if mine.utcoffset() == office.utcoffset():
        return _("⏰ Отсечка {at}, осталось {left}").format(at=at, left=time_left_text(left))
    return _("⏰ Отсечка {at} = {mine} по вашему времени, осталось {left}").format(
        at=at, mine=mine.strftime("%H:%M"), left=time_left_text(left)
    )


def zone_label(zone: ZoneInfo, moment: datetime) -> str:
    """«МСК» for Moscow time, else the offset («UTC+5»)."""
    if zone.key == MOSCOW.key:
        return _("МСК")
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def state_line(card: Card) -> str | None:
    """Why a card offers no decisions; None while the viewer decides."""
    if card.status is RegisterStatus.IN_APPROVAL:
        if card.can_decide:
            return None
        if card.as_of is not None and card.as_of >= card.cutoff_at:
            return _("⌛ Срок согласования прошёл — решения закрыты.")
        stage = stage_name(card.stage) if card.stage else "—"
        # The same words for the approver who sent it on, the accountant and overseers.
        return _("⏳ Сейчас решает: {stage}").format(stage=stage)
    return {
        RegisterStatus.APPROVED: _("✅ Реестр согласован."),
        RegisterStatus.REJECTED: _("❌ Реестр отклонён: ни один платёж не одобрен."),
        RegisterStatus.RETURNED: _("↩️ Реестр возвращён бухгалтеру на доработку."),
        RegisterStatus.WITHDRAWN: _("🚫 Реестр отозван бухгалтером."),
        RegisterStatus.CLOSED: _("⌛ Закрыт отсечкой: не согласован к сроку."),
        RegisterStatus.CANCELLED: _("🚫 Реестр отменён."),
        RegisterStatus.DRAFT: _("📄 Черновик: ещё не отправлен на согласование."),
    }[card.status]


def _footer(card: Card) -> str:
    lines = []
    if card.pages > 1:
        lines.append(_("Стр. {page}/{pages}").format(page=card.page + 1, pages=card.pages))
    if card.note:
        lines.append(f"<i>{esc(card.note, 300)}</i>")
    return "\n".join(lines)


def _item(item: CardItem, level: tuple[int, int, int]) -> str:
    counterparty, purpose, reason = level
    lines = [
        f"{_mark(item)} <b>№{item.position}</b> {esc(item.counterparty, counterparty)} — "
        f"<b>{money(item.amount, item.currency)}</b>{_flags(item)}"
    ]
    if purpose:
        lines.append(f"<i>{esc(item.purpose, purpose)}</i>")
    if item.reason and (item.decision is Decision.REJECT or item.status is ItemStatus.REJECTED):
        lines.append(_("Причина: {reason}").format(reason=esc(item.reason, reason)))
    return "\n".join(lines)


def _mark(item: CardItem) -> str:
    if item.status is ItemStatus.PENDING:
        return {Decision.APPROVE: "✅", Decision.REJECT: "❌", None: "▫️"}[item.decision]
    return {
        ItemStatus.APPROVED: "✅",
        ItemStatus.REJECTED: "❌",
        ItemStatus.WITHDRAWN: "↩️",
        ItemStatus.MISSED: "⌛",
    }.get(item.status, "▫️")


def _flags(item: CardItem) -> str:
    flags = ("🔥" if item.urgent else "") + ("⚠️" if item.duplicate_note else "")
    flags += "👑" if item.over_threshold else ""
    return f" {flags}" if flags else ""


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):  # a broken zone in the directory must not break the card
        return MOSCOW


# --- one item ------------------------------------------------------------------------------


def details(item: CardItem, register_id: int) -> str:
    """ℹ️: every field of the item, long texts shortened only as far as the limit needs."""
    return _fitted(lambda level: _details(item, register_id, level), _DETAIL_LEVELS)


def _details(item: CardItem, register_id: int, level: tuple[int, int]) -> str:
    long, short = level
    none = _("не указан")
    invoice = esc(item.invoice_number, short) if item.invoice_number else none
    if item.invoice_date:
        invoice += _(" от {day}").format(day=f"{item.invoice_date:%d.%m.%Y}")
    lines = [
        _("ℹ️ <b>Платёж №{n}</b> · реестр №{id}").format(n=item.position, id=register_id),
        _("Контрагент: <b>{name}</b>").format(name=esc(item.counterparty, short)),
        _("ИНН: <code>{inn}</code>").format(inn=esc(item.inn, 20)),
        _("Сумма: <b>{amount}</b>").format(amount=money(item.amount, item.currency)),
        _("Счёт: {invoice}").format(invoice=invoice),
        _("Статья: {category}").format(category=esc(item.category or none, short)),
        _("Срок оплаты: {day}").format(day=f"{item.due_date:%d.%m.%Y}" if item.due_date else none),
    ]
    lines += _detail_marks(item, short)
    lines.append(_("Назначение: {purpose}").format(purpose=esc(item.purpose, long)))
    if item.comment:
        lines.append(_("Комментарий: {comment}").format(comment=esc(item.comment, long)))
    lines.append(_("Решение: {decision}").format(decision=_decision(item, short)))
    return "\n".join(lines)


def _detail_marks(item: CardItem, limit: int) -> list[str]:
    lines = [_("🔥 Срочный платёж")] if item.urgent else []
    if item.over_threshold:
        lines.append(_("👑 Выше порога: идёт генеральному директору"))
    if item.duplicate_note:
        lines.append(_("⚠️ Возможный дубль: {note}").format(note=esc(item.duplicate_note, limit)))
    return lines


def _decision(item: CardItem, limit: int) -> str:
    if item.decision is Decision.APPROVE:
        return _("✅ одобрен")
    if item.decision is Decision.REJECT:
        return _("❌ отклонён: {reason}").format(reason=esc(item.reason or "", limit))
    return _("▫️ ещё не принято")


def _fitted(render: Callable[[tuple[int, int]], str], levels: Sequence[tuple[int, int]]) -> str:
    for level in levels:
        text = render(level)
        if length(text) <= _BUDGET:
            break
    return text

"""Texts of the register upload flow (Russian first, through the catalogs), HTML-escaped, and
always within Telegram's 4096-character message limit whatever the file held."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape

from aiogram.utils.i18n import gettext as _

from domain.money import format_amount
from domain.register_approval import RegisterStatus
from services.register_ports import DealerCenterRef, RegisterSummary
from services.registers import Rejected

MESSAGE_LIMIT = 4096
# Room kept for what Telegram may count differently from us (entities, line breaks).
_BUDGET = 3900
_MAX_CATEGORIES = 12
_MAX_WARNING_CHARS = 300


def length(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji outside the BMP counts twice."""
    return len(text.encode("utf-16-le")) // 2


def checking_file() -> str:
    return _("⏳ Проверяю файл…")


def choose_dc(filename: str) -> str:
    return _("Реестр «{filename}» без ошибок. Для какого дилерского центра он?").format(
        filename=escape(_short(filename, 120))
    )


def dc_button(dc: DealerCenterRef) -> str:
    return f"{_short(dc.name, 40)} ({_short(dc.city, 20)})"


def upload_expired() -> str:
    return _("Файл уже не найден — отправьте реестр ещё раз.")


def rejected(outcome: Rejected) -> tuple[str, bool]:
    """The error list by line; ``True`` when it did not fit and the full report goes as .txt."""
    head = _("❌ <b>Реестр «{filename}» не принят</b> — ошибок: {count}.").format(
        filename=escape(_short(outcome.filename, 120)), count=len(outcome.errors)
    )
    tail = _("Исправьте файл и отправьте его снова: реестр с ошибками не сохраняется.")
    more = _("Полный список ошибок — в файле ниже.")
    lines = [f"• {escape(error)}" for error in outcome.errors]
    full = "\n".join([head, "", *lines, "", tail])
    if length(full) <= _BUDGET:
        return full, False
    shown = _fit(lines, _BUDGET - length(head) - length(tail) - length(more) - 100)
    rest = _("…и ещё {count}").format(count=len(lines) - len(shown))
    return "\n".join([head, "", *shown, rest, "", more, tail]), True


def report_filename(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0] or "register"
    return f"{_short(stem, 60)}_errors.txt"


def card(summary: RegisterSummary) -> str:
    """The summary card: DC, payment date, rows, total, sums by category, warnings."""
    parts = [_header(summary), "", *_figures(summary)]
    categories = _categories(summary)
    if categories:
        parts += ["", _("<b>По статьям:</b>"), *categories]
    text = "\n".join(parts)
    warnings = _warnings(summary, _BUDGET - length(text) - 2)
    if warnings:
        text += "\n\n" + "\n".join(warnings)
    return text


def choose_date(summary: RegisterSummary) -> str:
    return card(summary) + "\n\n" + _("📅 Выберите новую дату оплаты:")


def date_button(day: date, current: bool) -> str:
    weekdays = [_("Пн"), _("Вт"), _("Ср"), _("Чт"), _("Пт"), _("Сб"), _("Вс")]
    text = f"{weekdays[day.weekday()]} {day:%d.%m}"
    return f"• {text} •" if current else text


def submit_button() -> str:
    return _("✅ Отправить на согласование")


def change_date_button() -> str:
    return _("📅 Изменить дату оплаты")


def cancel_button() -> str:
    return _("✖️ Отменить")


def back_button() -> str:
    return _("◀️ Назад")


def submitted(summary: RegisterSummary) -> str:
    return _("Реестр №{id} отправлен на согласование.").format(id=summary.id)


def cancelled(summary: RegisterSummary) -> str:
    return _("Реестр №{id} отменён.").format(id=summary.id)


def date_changed(summary: RegisterSummary) -> str:
    return _("Дата оплаты: {day}.").format(day=f"{summary.payment_date:%d.%m.%Y}")


def _header(summary: RegisterSummary) -> str:
    status = {
        RegisterStatus.DRAFT: _("черновик"),
        RegisterStatus.IN_APPROVAL: _("отправлен на согласование"),
        RegisterStatus.CANCELLED: _("отменён"),
    }.get(summary.status, escape(str(summary.status)))
    icon = {RegisterStatus.IN_APPROVAL: "✅", RegisterStatus.CANCELLED: "🚫"}.get(
        summary.status, "📄"
    )
    return _("{icon} <b>Реестр №{id}</b> — {status}").format(
        icon=icon, id=summary.id, status=status
    )


def _figures(summary: RegisterSummary) -> list[str]:
    lines = [
        _("ДЦ: <b>{dc}</b> ({city})").format(
            dc=escape(_short(summary.dc.name, 100)), city=escape(_short(summary.dc.city, 40))
        ),
        _("Файл: {filename}").format(filename=escape(_short(summary.filename, 100))),
        _("Дата оплаты: <b>{day}</b>").format(day=f"{summary.payment_date:%d.%m.%Y}"),
        _("Платежей: <b>{count}</b>").format(count=summary.item_count),
        _("Сумма: <b>{total}</b>").format(total=_money(summary.total, "RUB")),
    ]
    others = [_money(amount, code) for code, amount in summary.totals.items() if code != "RUB"]
    if others:
        lines.append(_("Также в валюте: {amounts}").format(amounts=escape(", ".join(others))))
    return lines


def _categories(summary: RegisterSummary) -> list[str]:
    lines = [
        _("• {category} — {amount} ({count})").format(
            category=escape(_short(c.category, 60)) if c.category else _("без статьи"),
            amount=_money(c.amount, "RUB"),
            count=c.count,
        )
        for c in summary.by_category[:_MAX_CATEGORIES]
    ]
    hidden = summary.by_category[_MAX_CATEGORIES:]
    if hidden:
        rest = sum((c.amount for c in hidden), Decimal("0.00"))
        lines.append(
            _("• ещё {count} статей — {amount}").format(
                count=len(hidden), amount=_money(rest, "RUB")
            )
        )
    return lines


def _warnings(summary: RegisterSummary, budget: int) -> list[str]:
    if not summary.warnings or budget < 200:
        return []
    head = _("⚠️ <b>Предупреждения ({count}):</b>").format(count=len(summary.warnings))
    lines = [f"• {escape(_short(w, _MAX_WARNING_CHARS))}" for w in summary.warnings]
    shown = _fit(lines, budget - length(head) - 60)
    if len(shown) < len(lines):
        shown.append(_("…и ещё {count}").format(count=len(lines) - len(shown)))
    return [head, *shown]


def _fit(lines: list[str], budget: int) -> list[str]:
    shown: list[str] = []
    used = 0
    for line in lines:
        used += length(line) + 1
        if used > budget:
            break
        shown.append(line)
    return shown


def _money(amount: Decimal, currency: str) -> str:
    sign = "₽" if currency == "RUB" else currency
    return f"{format_amount(amount)} {sign}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""Texts of the cutoff's messages (PRODUCT §5): reminders, the missed list, the carry-over
and the finance digest. Russian first through the catalogs; every user text HTML-escaped;
long lists are split so that no message passes Telegram's 4096 characters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from html import escape
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from domain.calendar import format_local, time_left
from domain.money import format_amount
from formats.exports import ApprovedPayment
from handlers.views import time_left_text
from services.cutoff import CarryResult, Digest, MissedNotice, Reminder
from services.cutoff.ports import DcFigures, Figures, LateRegister, MissedRegister, StageWaiting

BUDGET = 3800  # below 4096, with room for what Telegram counts differently
MAX_REGISTERS_PER_MESSAGE = 8
_CITY_OF_ZONE = {
    "Europe/Kaliningrad": "Калининград", "Europe/Moscow": "Москва", "Europe/Samara": "Самара",
    "Asia/Yekaterinburg": "Екатеринбург", "Asia/Omsk": "Омск",
    "Asia/Novosibirsk": "Новосибирск", "Asia/Krasnoyarsk": "Красноярск",
    "Asia/Irkutsk": "Иркутск", "Asia/Yakutsk": "Якутск", "Asia/Vladivostok": "Владивосток",
    "Asia/Magadan": "Магадан", "Asia/Kamchatka": "Петропавловск-Камчатский",
}  # fmt: skip
_STAGES = {
    "dc_director": "директор ДЦ", "department_director": "директор департамента",
    "chief_accountant": "главный бухгалтер", "finance_director": "финансовый директор",
    "general_director": "генеральный директор",
}  # fmt: skip


def short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, then escaped for HTML."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return escape(cut, quote=False)


def money(amount: Decimal, currency: str = "RUB") -> str:
    return f"{format_amount(amount)} {'₽' if currency == 'RUB' else escape(currency[:5])}"


def zone_label(zone: str, moment: datetime) -> str:
    """«Новосибирск, UTC+7» — the reader's city by zone, and the offset."""
    try:
        local = moment.astimezone(ZoneInfo(zone))
    except (ValueError, KeyError):
        local = moment
    offset = local.utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset is not None else 0
    city = _CITY_OF_ZONE.get(zone, zone.rsplit("/", 1)[-1].replace("_", " "))
    return f"{escape(city)}, UTC{hours:+d}"


def _local(moment: datetime, zone: str) -> datetime:
    try:
        return format_local(moment, ZoneInfo(zone))
    except (ValueError, KeyError):  # a broken zone in the directory must not stop a reminder
        return moment


# --- reminders ------------------------------------------------------------------------


def reminder(remind: Reminder) -> str:
    cutoff = _local(remind.cutoff_at, remind.timezone)
    left = time_left_text(time_left(remind.now, remind.cutoff_at))
    head = _("⏰ <b>Отсечка сегодня в {time}</b> по вашему времени ({zone}) — осталось {left}.")
    lines = [
        head.format(time=f"{cutoff:%H:%M}", zone=zone_label(remind.timezone, cutoff), left=left),
        _("Ждут вашего решения: платежей {count} на {total}, реестров {registers}.").format(
            count=remind.waiting, total=money(remind.total), registers=len(remind.registers)
        ),
        "",
    ]
    lines += [_waiting_line(r) for r in remind.registers[:MAX_REGISTERS_PER_MESSAGE]]
    hidden = len(remind.registers) - MAX_REGISTERS_PER_MESSAGE
    if hidden > 0:
        lines.append(
            _("…и ещё реестров: {count} — все в меню «На согласовании».").format(count=hidden)
        )
    lines += ["", _("Не согласованные к сроку платежи сегодня не будут оплачены.")]
    return "\n".join(lines)


def _waiting_line(register: StageWaiting) -> str:
    if register.undecided:
        state = _("без решения {undecided} из {waiting}").format(
            undecided=register.undecided, waiting=register.waiting
        )
    else:
        state = _("все решены — нажмите «Отправить дальше»")
    return _("• {dc}, реестр №{id}: {state}, {total}").format(
        dc=short(register.dc_name, 40), id=register.register_id, state=state,
        total=money(register.total),
    )  # fmt: skip


def open_card_button(register: StageWaiting, *, single: bool) -> str:
    if single:
        return _("Открыть реестр")
    return _("Открыть: {dc} (№{id})").format(dc=register.dc_name[:28], id=register.register_id)


# --- the cutoff's missed list -----------------------------------------------------------


def missed(notice: MissedNotice) -> list[tuple[str, list[MissedRegister]]]:
    """The notice as messages, each with the registers its carry buttons belong to."""
    day = notice.registers[0].payment_date if notice.registers else notice.carry_to
    head = _("⛔️ <b>Не согласованы к сроку {day}</b> — эти платежи сегодня не оплачиваются.")
    head = head.format(day=f"{day:%d.%m.%Y}")
    tail = (
        _("Кнопка ниже перенесёт их в черновик реестра на {day}: проверьте его и отправьте "
          "на согласование.").format(day=f"{notice.carry_to:%d.%m.%Y}")
        if notice.can_carry else ""
    )  # fmt: skip
    messages: list[tuple[str, list[MissedRegister]]] = []
    blocks: list[str] = []
    chunk: list[MissedRegister] = []
    for register in notice.registers:
        block = _missed_block(register)
        size = sum(len(b) + 2 for b in blocks) + len(block) + len(head) + len(tail)
        if chunk and (size > BUDGET or len(chunk) >= MAX_REGISTERS_PER_MESSAGE):
            messages.append(("\n\n".join([head, *blocks, tail]).strip(), chunk))
            blocks, chunk = [], []
        blocks.append(block)
        chunk.append(register)
    if chunk:
        messages.append(("\n\n".join([head, *blocks, tail]).strip(), chunk))
    return messages


def _missed_block(register: MissedRegister) -> str:
    lines = [
        _("<b>{dc}</b>, реестр №{id}: платежей {count} на {total}").format(
            dc=short(register.dc_name, 60), id=register.register_id, count=register.count,
            total=money(register.total),
        )
    ]  # fmt: skip
    lines += [
        f"  {item.position}. {short(item.counterparty, 40)} — {money(item.amount, item.currency)}"
        for item in register.items
    ]
    if register.count > len(register.items):
        lines.append(_("  …и ещё {count}").format(count=register.count - len(register.items)))
    return "\n".join(lines)


def carry_button(register: MissedRegister, carry_to: date, *, single: bool) -> str:
    if single:
        return _("Перенести на {day}").format(day=f"{carry_to:%d.%m.%Y}")
    return _("Перенести №{id} на {day}").format(id=register.register_id, day=f"{carry_to:%d.%m}")


def carried(result: CarryResult) -> str:
    summary = result.summary
    return _("Перенесено платежей: {count} — в черновик реестра №{id} на {day}.").format(
        count=result.carried, id=summary.id, day=f"{summary.payment_date:%d.%m.%Y}"
    )


# --- the digest ---------------------------------------------------------------------------


def digest(report: Digest) -> list[str]:
    """The digest as one or more messages (split between lines, never inside one)."""
    lines = [_("📊 <b>Сводка за {day}</b>").format(day=f"{report.day:%d.%m.%Y}"), ""]
    lines += [_dc_line(report.total, bold=True), ""]
    if report.dcs:
        lines.append(_("<b>По дилерским центрам</b>"))
        lines += [_dc_line(dc) for dc in report.dcs]
        lines.append("")
    if report.largest:
        lines.append(_("<b>Крупнейшие платежи</b>"))
        lines += [_payment_line(n, p) for n, p in enumerate(report.largest, start=1)]
        lines.append("")
    lines += _late_lines(report.late)
    lines += _file_lines(report)
    return split(lines)


def _figures(figures: Figures) -> str:
    sums = figures.sums or {}
    parts = [money(amount, currency) for currency, amount in sums.items()] or [money(Decimal(0))]
    return f"{figures.count} — {' + '.join(parts)}"


def _dc_line(dc: DcFigures, *, bold: bool = False) -> str:
    name = f"<b>{short(dc.dc_name, 60)}</b>" if bold else short(dc.dc_name, 60)
    parts = [
        _("✅ согласовано {f}").format(f=_figures(dc.approved)),
        _("❌ отклонено {f}").format(f=_figures(dc.rejected)),
        _("⏰ не успели {f}").format(f=_figures(dc.missed)),
    ]
    if dc.open.count:
        parts.append(_("⏳ в работе {f}").format(f=_figures(dc.open)))
    return f"{name}: " + "; ".join(parts)


def _payment_line(number: int, payment: ApprovedPayment) -> str:
    return _("{n}. {amount} — {who} ({dc}, реестр №{id})").format(
        n=number, amount=money(payment.amount, payment.currency),
        who=short(payment.counterparty, 40), dc=short(payment.dc_name, 30),
        id=payment.register_id,
    )  # fmt: skip


def _late_lines(late: Sequence[LateRegister]) -> list[str]:
    if not late:
        return [_("К отсечке все реестры прошли свои этапы."), ""]
    lines = [_("<b>Кто не успел к отсечке</b>")]
    for entry in late:
        people = ", ".join(short(p, 40) for p in entry.people) or _("нет согласующего")
        lines.append(
            _("• {dc}, реестр №{id}, этап «{stage}»: {people} — без решения {undecided} "
              "из {waiting}").format(
                dc=short(entry.dc_name, 40), id=entry.register_id,
                stage=_STAGES.get(entry.stage, entry.stage), people=people,
                undecided=entry.undecided, waiting=entry.waiting,
            )
        )  # fmt: skip
    return [*lines, ""]


def _file_lines(report: Digest) -> list[str]:
    if not report.files:
        return [_("Согласованных платежей на эту дату нет — файлов не будет.")]
    lines = [
        _("Файлы ниже: .xlsx со всеми согласованными платежами и файл 1С для банк-клиента "
          "(платежей {count} на {total}).").format(
            count=report.bank_file_count, total=money(report.bank_file_total))
    ]  # fmt: skip
    if report.without_payer:
        names = ", ".join(short(n, 40) for n in report.without_payer)
        lines.append(
            _("Нет реквизитов плательщика в настройках — платежи не вошли в файл 1С: {dcs}.")
            .format(dcs=names)
        )  # fmt: skip
    if report.foreign_currency:
        lines.append(
            _("Платежи в валюте (только в .xlsx): {count}.").format(count=report.foreign_currency)
        )
    return lines


def split(lines: Sequence[str], budget: int = BUDGET) -> list[str]:
    """Lines joined into messages of at most ``budget`` characters each."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > budget:
            messages.append("\n".join(current).strip())
            current, size = [], 0
        current.append(line[:budget])
        size += len(line) + 1
    if current:
        messages.append("\n".join(current).strip())
    return [m for m in messages if m]

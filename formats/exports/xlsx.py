"""The approved payments of a day as an .xlsx workbook (XlsxWriter), for treasury.

Every text cell is written as a string, never as a formula; a text that begins with
``= + - @`` (or a tab or carriage return) also gets Excel's quote prefix, so it stays text
even when someone edits the cell later (CSV/formula injection). Amounts are numbers with a
two-decimal format, written from the Decimal's exact digits, never through a float (Excel
holds 15 significant digits, which covers every amount below ten trillion roubles); dates
are real dates.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import xlsxwriter

from formats.exports.model import ApprovedPayment

_INJECTION_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MAX_CELL = 32_767  # Excel's limit of characters in a cell
HEADER = (
    ("№", 5), ("ДЦ", 28), ("Реестр", 9), ("№ в реестре", 8), ("День оплаты", 12),
    ("Контрагент", 36), ("ИНН", 14), ("№ счета", 14), ("Дата счета", 12),
    ("Назначение платежа", 60), ("Статья", 20), ("Срок оплаты", 12), ("Срочно", 8),
    ("Сумма", 16), ("Валюта", 7),
)  # fmt: skip
_AMOUNT_COLUMN = 13


def payments_xlsx(payments: Sequence[ApprovedPayment], day: date) -> bytes:
    """A workbook with one sheet «Платежи»: a title, a header, one row per payment, and
    the totals per currency under the last row."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    styles = _Styles(book)
    sheet = book.add_worksheet("Платежи")
    sheet.write_string(0, 0, f"Согласованные платежи на {day:%d.%m.%Y}", styles.title)
    for column, (name, width) in enumerate(HEADER):
        sheet.write_string(2, column, name, styles.header)
        sheet.set_column(column, column, width)
    for offset, payment in enumerate(payments):
        _write_payment(sheet, 3 + offset, offset + 1, payment, styles)
    last = 2 + len(payments)
    sheet.autofilter(2, 0, max(last, 3), len(HEADER) - 1)
    sheet.freeze_panes(3, 0)
    _write_totals(sheet, last + 2, payments, styles)
    book.close()
    return buffer.getvalue()


class _Styles:
    def __init__(self, book: Any) -> None:
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.text = book.add_format({})
        self.quoted = book.add_format({"quote_prefix": True})
        self.day = book.add_format({"num_format": "dd.mm.yyyy"})
        self.money = book.add_format({"num_format": "#,##0.00"})
        self.total = book.add_format({"bold": True, "num_format": "#,##0.00"})
        self.bold = book.add_format({"bold": True})


def _write_payment(
    sheet: Any, row: int, number: int, payment: ApprovedPayment, styles: _Styles
) -> None:
    sheet.write_number(row, 0, number)
    _text(sheet, row, 1, payment.dc_name, styles)
    sheet.write_number(row, 2, payment.register_id)
    sheet.write_number(row, 3, payment.position)
    _date(sheet, row, 4, payment.payment_date, styles)
    _text(sheet, row, 5, payment.counterparty, styles)
    _text(sheet, row, 6, payment.inn, styles)
    _text(sheet, row, 7, payment.invoice_number, styles)
    _date(sheet, row, 8, payment.invoice_date, styles)
    _text(sheet, row, 9, payment.purpose, styles)
    _text(sheet, row, 10, payment.category, styles)
    _date(sheet, row, 11, payment.due_date, styles)
    _text(sheet, row, 12, "да" if payment.urgent else "", styles)
    _amount(sheet, row, _AMOUNT_COLUMN, payment.amount, styles.money)
    _text(sheet, row, 14, payment.currency, styles)


def _write_totals(
    sheet: Any, row: int, payments: Sequence[ApprovedPayment], styles: _Styles
) -> None:
    totals: dict[str, tuple[int, Decimal]] = {}
    for payment in payments:
        count, amount = totals.get(payment.currency, (0, Decimal("0.00")))
        totals[payment.currency] = (count + 1, amount + payment.amount)
    for offset, (currency, (count, amount)) in enumerate(sorted(totals.items())):
        sheet.write_string(row + offset, 5, f"Итого (платежей: {count})", styles.bold)
        _amount(sheet, row + offset, _AMOUNT_COLUMN, amount, styles.total)
        sheet.write_string(row + offset, 14, currency, styles.bold)


def _text(sheet: Any, row: int, column: int, value: str | None, styles: _Styles) -> None:
    if not value:
        return
    text = value[:_MAX_CELL]
    style = styles.quoted if text.startswith(_INJECTION_STARTS) else styles.text
    sheet.write_string(row, column, text, style)


def _date(sheet: Any, row: int, column: int, value: date | None, styles: _Styles) -> None:
    if value is not None:
        sheet.write_datetime(row, column, value, styles.day)


def _amount(sheet: Any, row: int, column: int, amount: Decimal, style: Any) -> None:
    # XlsxWriter writes a number as f"{number:.16G}": a float would show its binary error
    # (99999999999.99 as 99999999999.99001); a Decimal formats exactly ("99999999999.99").
    sheet.write_number(row, column, amount.quantize(Decimal("0.01")), style)

"""Turning the raw cells of one register row into a `PaymentRow`, or into precise problems.

Readers hand over cells in `FIELD_ORDER` (see `domain.register_values` for what a cell is).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from domain.inn import inn_problem
from domain.money import KOPECK, AmountError
from domain.register_values import (
    FieldError,
    cell_amount,
    cell_currency,
    cell_date,
    cell_text,
    cell_urgent,
    date_from_text,
    inn_from_cell,
)
from domain.registers_rows import PaymentRow

__all__ = [
    "FIELD_ORDER",
    "FIELD_TITLES",
    "REQUIRED_FIELDS",
    "FieldError",
    "build_row",
    "cell_amount",
    "cell_date",
    "cell_text",
]

FIELD_ORDER = (
    "counterparty",
    "inn",
    "amount",
    "purpose",
    "invoice_number",
    "invoice_date",
    "category",
    "due_date",
    "urgent",
    "comment",
    "currency",
)
REQUIRED_FIELDS = ("counterparty", "inn", "amount", "purpose")
FIELD_TITLES = {
    "counterparty": "Контрагент",
    "inn": "ИНН",
    "amount": "Сумма",
    "purpose": "Назначение платежа",
    "invoice_number": "№ счета",
    "invoice_date": "Дата счета",
    "category": "Статья ДДС",
    "due_date": "Срок оплаты",
    "urgent": "Срочно",
    "comment": "Комментарий",
    "currency": "Валюта",
}

_QUICK_URGENT: dict[str | None, bool] = {None: False, "": False, "да": True, "Да": True}
_BLANK = ("", None)
_GROUP_SPACES = str.maketrans("", "", " \u00a0\u202f")
_PLAIN_AMOUNT = re.compile(r"\d{1,15}(?:[.,]\d{1,2})?", re.ASCII)
_NOT_A_DATE = date.min  # the quick path's answer for "ask the careful path"
_new_row = tuple.__new__


def build_row(
    line: int, cells: Sequence[object], document_number: str | None = None
) -> tuple[PaymentRow | None, list[str]]:
    """Validate one row. Returns (row, []) when valid, else (None, problems in Russian)."""
    row = _quick_row(line, cells, document_number)
    if row is not None:
        return row, []
    return _careful_row(line, cells, document_number)


def _quick_row(
    line: int, cells: Sequence[object], document_number: str | None
) -> PaymentRow | None:
    """The common shapes only, without exceptions; None sends the row to `_careful_row`.

    Registers are thousands of rows of plain text, float amounts and real dates; this path
    keeps their per-row cost low. Anything else (or anything wrong) takes the careful path,
    which gives the same result for rows this path accepts.
    """
    cp, inn, amount, purpose, inv_no, inv_date, category, due, urgent, comment, currency = cells
    if type(cp) is not str or type(purpose) is not str or type(inn) is not str:
        return None
    value = _quick_amount(amount)
    flag = _QUICK_URGENT.get(urgent) if type(urgent) is str or urgent is None else None
    if value is None or flag is None or inn_problem(inn) is not None:
        return None
    invoice_date = inv_date if type(inv_date) is date else _quick_date(inv_date)
    due_date = due if type(due) is date else _quick_date(due)
    if invoice_date is _NOT_A_DATE or due_date is _NOT_A_DATE:
        return None
    counterparty, text = " ".join(cp.split()), " ".join(purpose.split())
    if not counterparty or not text or currency not in _BLANK:
        return None
    # tuple.__new__ skips the NamedTuple's Python-level __new__; every field is given.
    return _new_row(PaymentRow, (
        line, counterparty, inn, value, text, _optional_text(inv_no), invoice_date, "RUB",
        _optional_text(category), due_date, flag, _optional_text(comment), document_number,
    ))  # fmt: skip


def _optional_text(value: object) -> str | None:
    """`cell_text`, or None for an empty cell."""
    if type(value) is str:
        return " ".join(value.split()) or None
    return None if value is None else cell_text(value) or None


def _quick_amount(value: object) -> Decimal | None:
    if type(value) is float and 0 < value < 1e15:
        if value < 1e13:
            # Whole kopecks exactly when the float is the one nearest to k/100: then k
            # fits a double's 53 bits, and the Decimal is k scaled, as from its text.
            kopecks = round(value * 100)
            return Decimal(kopecks).scaleb(-2) if kopecks / 100 == value else None
        # repr is the shortest text that reads back as the float («1234.5», «0.07», «1e-05»):
        # kopecks at most means one or two digits after its point.
        text = repr(value)
        places = len(text) - text.find(".") - 1
        if places == 2:
            return Decimal(text)
        return Decimal(text + "0") if places == 1 else None
    if type(value) is str:
        if not _PLAIN_AMOUNT.fullmatch(value):
            value = value.translate(_GROUP_SPACES)  # «1 234,56»
            if not _PLAIN_AMOUNT.fullmatch(value):
                return None
        d = Decimal(value.replace(",", "."))
        return d.quantize(KOPECK) if d > 0 else None
    return None


def _quick_date(value: object) -> date | None:
    """A date cell, blank (None), a dd.mm.yyyy-like text, or `_NOT_A_DATE`."""
    if type(value) is date:
        return value
    if value is None or value == "":
        return None
    if type(value) is str:
        text = value.strip()
        return (date_from_text(text) or _NOT_A_DATE) if text else None
    return _NOT_A_DATE


def _careful_row(
    line: int, cells: Sequence[object], document_number: str | None
) -> tuple[PaymentRow | None, list[str]]:
    cp, inn, amount, purpose, inv_no, inv_date, category, due, urgent, comment, currency = cells
    problems: list[str] = []
    counterparty = cell_text(cp)
    if not counterparty:
        problems.append("не указан контрагент")
    inn_text = inn_from_cell(inn)
    inn_error = inn_problem(inn_text)
    if inn_error is not None:
        problems.append(inn_error)
    value = _amount(amount, problems)
    purpose_text = cell_text(purpose)
    if not purpose_text:
        problems.append("не указано назначение платежа")
    dates = _dates(inv_date, due, problems)
    flag, code = _flag_and_currency(urgent, currency, problems)
    if problems or value is None:
        return None, problems
    return PaymentRow(
        line, counterparty, inn_text, value, purpose_text, cell_text(inv_no) or None,
        dates[0], code, cell_text(category) or None, dates[1], flag,
        cell_text(comment) or None, document_number,
    ), problems  # fmt: skip


def _amount(value: object, problems: list[str]) -> Decimal | None:
    try:
        return cell_amount(value)
    except AmountError as error:
        problems.append(str(error))
        return None


def _dates(invoice: object, due: object, problems: list[str]) -> tuple[date | None, date | None]:
    try:
        invoice_date = cell_date(invoice, "дата счета")
    except FieldError as error:
        problems.append(str(error))
        invoice_date = None
    try:
        due_date = cell_date(due, "срок оплаты")
    except FieldError as error:
        problems.append(str(error))
        due_date = None
    return invoice_date, due_date


def _flag_and_currency(urgent: object, currency: object, problems: list[str]) -> tuple[bool, str]:
    flag, code = False, "RUB"
    try:
        flag = cell_urgent(urgent)
    except FieldError as error:
        problems.append(str(error))
    try:
        code = cell_currency(currency)
    except FieldError as error:
        problems.append(str(error))
    return flag, code

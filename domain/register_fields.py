"""Turning the raw cells of one register row into a `PaymentRow`, or into precise problems.

Readers hand over cells in `FIELD_ORDER`; a cell is whatever the file holds: text, a number
(a spreadsheet float), a bool, a date or datetime, or None. Field parsers here never see file
formats, only values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain.inn import inn_problem
from domain.money import KOPECK, AmountError, amount_from_number, parse_amount
from domain.registers_rows import PaymentRow

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

_EXCEL_EPOCH = date(1899, 12, 30)
_DMY = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})")
_YMD = re.compile(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})")
_URGENT_YES = frozenset(
    {"да", "д", "yes", "y", "1", "x", "х", "+", "срочно", "true", "истина", "v"}
)
_QUICK_URGENT: dict[str | None, bool] = {
    None: False,
    "": False,
    "да": True,
    "Да": True,
    "ДА": True,
}
_BLANK = ("", None)
_PLAIN_AMOUNT = re.compile(r"\d{1,15}(?:[.,]\d{1,2})?")
_URGENT_NO = frozenset({"", "нет", "н", "no", "n", "0", "-", "false", "ложь"})
_CURRENCIES = {
    "": "RUB", "rub": "RUB", "rur": "RUB", "руб": "RUB", "руб.": "RUB", "рубль": "RUB",
    "рубли": "RUB", "рублей": "RUB", "₽": "RUB", "р": "RUB", "р.": "RUB", "643": "RUB",
    "usd": "USD", "$": "USD", "доллар": "USD", "доллары": "USD", "долл.": "USD",
    "eur": "EUR", "€": "EUR", "евро": "EUR", "cny": "CNY", "юань": "CNY", "юани": "CNY",
}  # fmt: skip


class FieldError(ValueError):
    """A cell value that cannot be accepted; `str(error)` is a Russian phrase."""


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
    invoice_date = inv_date if type(inv_date) is date else None
    due_date = due if type(due) is date else None
    if (invoice_date is None and inv_date not in _BLANK) or (
        due_date is None and due not in _BLANK
    ):
        return None
    counterparty, text = " ".join(cp.split()), " ".join(purpose.split())
    if not counterparty or not text or currency not in _BLANK:
        return None
    return PaymentRow(
        line, counterparty, inn, value, text, cell_text(inv_no) or None, invoice_date,
        "RUB", cell_text(category) or None, due_date, flag, cell_text(comment) or None,
        document_number,
    )  # fmt: skip


def _quick_amount(value: object) -> Decimal | None:
    if type(value) is float and 0 < value < 1e15:
        d = Decimal(repr(value))
        q = d.quantize(KOPECK)
        return q if q == d else None
    if type(value) is str and _PLAIN_AMOUNT.fullmatch(value):
        d = Decimal(value.replace(",", "."))
        return d.quantize(KOPECK) if d > 0 else None
    return None


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


def cell_text(value: object) -> str:
    """Text of a cell with whitespace collapsed; integral numbers without «.0»."""
    if type(value) is str:
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())


def inn_from_cell(value: object) -> str:
    """The INN as digits. A numeric cell loses leading zeros, so 9/11 digits are padded back."""
    if type(value) is str:
        text = value.strip()
        return text.replace(" ", "") if " " in text else text
    if isinstance(value, float | int) and not isinstance(value, bool):
        number = float(value)
        if not (number.is_integer() and 0 < number < 1e12):
            return cell_text(value)
        digits = str(int(value))
        return digits.zfill(len(digits) + 1) if len(digits) in (9, 11) else digits
    return cell_text(value)


def cell_amount(value: object) -> Decimal:
    """An amount from a text or numeric cell; raises AmountError with a Russian phrase."""
    if type(value) is float or (type(value) is int):
        return amount_from_number(value)
    if type(value) is str:
        return parse_amount(value)
    if value is None:
        raise AmountError("не указана сумма")
    raise AmountError(f"сумма «{cell_text(value)[:40]}» не распознана")


def cell_date(value: object, title: str) -> date | None:
    """A date from a date/datetime cell, an Excel serial number, or text dd.mm.yyyy/yyyy-mm-dd."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool):
        if 25569 <= value < 73051:  # 1970-01-01 .. 2099-12-31
            return _EXCEL_EPOCH + timedelta(days=int(value))
    elif type(value) is str:
        text = value.strip()
        if not text:
            return None
        parsed = _date_from_text(text)
        if parsed is not None:
            return parsed
    raise FieldError(f"{title} «{cell_text(value)[:40]}» — не похоже на дату")


def cell_urgent(value: object) -> bool:
    """«да/yes/1/x/+/срочно» -> True; empty, «нет/no/0/-» -> False; anything else is an error."""
    if value is None or value is False or value == "":
        return False
    if value is True:
        return True
    text = cell_text(value).lower()
    if text in _URGENT_YES:
        return True
    if text in _URGENT_NO:
        return False
    raise FieldError(f"Срочно: «{text[:40]}» — укажите «да» или оставьте пустым")


def cell_currency(value: object) -> str:
    """A currency code: RUB by default; other ISO codes as three latin letters."""
    if value is None or value == "":
        return "RUB"
    text = cell_text(value).lower()
    code = _CURRENCIES.get(text)
    if code is not None:
        return code
    if len(text) == 3 and text.isascii() and text.isalpha():
        return text.upper()
    raise FieldError(f"валюта «{text[:40]}» не распознана")


def _date_from_text(text: str) -> date | None:
    head = text.split(" ", 1)[0].split("T", 1)[0]
    match = _DMY.fullmatch(head)
    if match is not None:
        day, month, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
    elif (match := _YMD.fullmatch(head)) is not None:
        year, month, day = (int(g) for g in match.groups())
    else:
        return None
    try:
        return date(year, month, day) if 1990 <= year <= 2100 else None
    except ValueError:
        return None


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

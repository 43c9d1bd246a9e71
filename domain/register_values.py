"""Single cell values of a register row: text, INN, amount, dates, urgency, currency.

A cell is whatever a file holds: text, a number (a spreadsheet float), a bool, a date or
datetime, or None. These parsers never see file formats, only values; they raise
`FieldError` or `AmountError`, whose text is a Russian phrase without the location.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain.money import AmountError, amount_from_number, parse_amount

_EXCEL_EPOCH = date(1899, 12, 30)
_DMY = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})", re.ASCII)
_YMD = re.compile(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})", re.ASCII)
_URGENT_YES = frozenset(
    {"да", "д", "yes", "y", "1", "x", "х", "+", "срочно", "true", "истина", "v"}
)
_URGENT_NO = frozenset({"", "нет", "н", "no", "n", "0", "-", "false", "ложь"})
_CURRENCIES = {
    "": "RUB", "rub": "RUB", "rur": "RUB", "руб": "RUB", "руб.": "RUB", "рубль": "RUB",
    "рубли": "RUB", "рублей": "RUB", "₽": "RUB", "р": "RUB", "р.": "RUB", "643": "RUB",
    "usd": "USD", "$": "USD", "доллар": "USD", "доллары": "USD", "долл.": "USD",
    "eur": "EUR", "€": "EUR", "евро": "EUR", "cny": "CNY", "юань": "CNY", "юани": "CNY",
}  # fmt: skip


class FieldError(ValueError):
    """A cell value that cannot be accepted; `str(error)` is a Russian phrase."""


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
        parsed = date_from_text(text)
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


def date_from_text(text: str) -> date | None:
    """dd.mm.yyyy, dd.mm.yy, yyyy-mm-dd (also with / or -), optionally followed by a time."""
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

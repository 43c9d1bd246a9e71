"""Money: amounts as `Decimal` with kopecks, parsed from what accountants type or Excel stores.

Floats are never used for arithmetic. A float handed over by a spreadsheet (a numeric cell)
becomes a Decimal through its shortest repr; binary artefacts such as 0.30000000000000004 are
recognised by rounding to 15 significant digits (Excel's own precision), and a value that still
has more than two decimal places is refused rather than silently rounded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal

KOPECK = Decimal("0.01")
# Storage is Numeric(18, 2): at most 16 integer digits.
MAX_AMOUNT = Decimal("9999999999999999.99")

_PLAIN = re.compile(r"\d{1,16}(?:[.,]\d{1,2})?", re.ASCII)
_GROUPED = re.compile(r"\d{1,3}(?:([.,'’])\d{3})+", re.ASCII)
_CURRENCY_MARK = re.compile(r"(?i)₽|руб(?:лей|ля|ль)?\.?|р\.|р$|rub\.?|rur\.?")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\u2007\t\u200b")
_MINUSES = ("-", "\u2212", "\u2013", "\u2014")


class AmountError(ValueError):
    """An amount that cannot be accepted; `str(error)` is a Russian phrase without location."""


def parse_amount(text: str) -> Decimal:
    """Read an amount typed as text: «1 234,56», «1234.56», «1 234 567,00 ₽», «1,234.56».

    Returns a positive Decimal quantized to kopecks; raises `AmountError` otherwise.
    """
    s = text.strip()
    if not s:
        raise AmountError("не указана сумма")
    if _PLAIN.fullmatch(s):
        return _checked(Decimal(s.replace(",", ".")), s)
    return _checked(_parse_decorated(s), s)


def amount_from_number(value: float | int) -> Decimal:
    """Read an amount stored as a number (a spreadsheet cell). Same contract as `parse_amount`."""
    if isinstance(value, bool):
        raise AmountError(f"сумма «{value}» не распознана")
    if isinstance(value, int):
        return _checked(Decimal(value), None)
    if not math.isfinite(value):
        raise AmountError("сумма не распознана")
    d = Decimal(repr(value))
    if 0 < d <= MAX_AMOUNT:
        q = d.quantize(KOPECK)
        if q == d:
            return q
        # Binary artefacts (0.1 + 0.2) vanish at 15 significant digits.
        d = Decimal(format(value, ".15g"))
    return _checked(d, None)


def sum_by_currency(amounts: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """(currency, amount) pairs summed per currency, in the order currencies first appear:
    amounts of different currencies are never added together."""
    totals: dict[str, Decimal] = {}
    for currency, amount in amounts:
        totals[currency] = totals.get(currency, Decimal("0.00")) + amount
    return totals


def format_amount(amount: Decimal) -> str:
    """«1 234 567,89»: non-breaking spaces between thousands, comma before kopecks."""
    sign = "−" if amount < 0 else ""
    whole, _, frac = f"{abs(amount):.2f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.append(whole[-3:])
        whole = whole[:-3]
    groups.append(whole)
    return f"{sign}{chr(0xA0).join(reversed(groups))},{frac}"


def _checked(d: Decimal, typed: str | None) -> Decimal:
    """Positive, within storage range, at most two decimals; quantized to kopecks."""
    if d <= 0:
        raise AmountError(f"сумма {_shown(d, typed)} — должна быть больше нуля")
    if d > MAX_AMOUNT:
        raise AmountError(f"сумма {_shown(d, typed)} — слишком большая")
    q = d.quantize(KOPECK)
    if q != d:
        raise AmountError(f"сумма {_shown(d, typed)} — больше двух знаков после запятой")
    return q


def _shown(d: Decimal, typed: str | None) -> str:
    if typed is not None:
        return typed[:40]
    if abs(d) <= MAX_AMOUNT and d.quantize(KOPECK) == d:
        return format_amount(d)
    return format(d, "f").replace(".", ",")[:40]


def _parse_decorated(s: str) -> Decimal:
    negative, body = _split_sign(s)
    body = _CURRENCY_MARK.sub("", body).translate(_SPACES)
    if not negative and body.startswith(_MINUSES):
        negative, body = True, body[1:]
    number = _normalize_separators(body)
    if number is None:
        raise AmountError(f"сумма «{s[:40]}» не распознана")
    value = Decimal(number)
    return -value if negative else value


def _split_sign(s: str) -> tuple[bool, str]:
    if s.startswith("(") and s.endswith(")"):
        return True, s[1:-1].strip()
    if s.startswith(_MINUSES):
        return True, s[1:].strip()
    return False, s


def _is_digits(s: str) -> bool:
    return s.isascii() and s.isdigit()


def _normalize_separators(body: str) -> str | None:
    """«1.234.567,89», «1,234,567.89», «1'234» -> «1234567.89»...; None if not a number."""
    if not body or len(body) > 40:
        return None
    last = max(body.rfind(","), body.rfind("."))
    if last == -1:
        return _ungroup_integer(body)
    whole, mark, frac = body[:last], body[last], body[last + 1 :]
    if not whole or not _is_digits(frac):
        return None
    if _is_digits(whole):
        return f"{whole}.{frac}"
    grouped = _GROUPED.fullmatch(whole)
    if grouped is None:
        return None
    if grouped.group(1) != mark:
        return f"{_strip_group_marks(whole)}.{frac}"
    # The same mark everywhere, e.g. «1.234.567»: thousands separators only.
    return _ungroup_integer(body)


def _ungroup_integer(body: str) -> str | None:
    if _is_digits(body):
        return body
    grouped = _GROUPED.fullmatch(body)
    if grouped is None:
        return None
    return _strip_group_marks(body)


def _strip_group_marks(text: str) -> str | None:
    marks = {c for c in text if not c.isdigit()}
    return text.replace(marks.pop(), "") if len(marks) == 1 else None

"""Non-blocking checks over parsed payment rows: probable duplicates, overdue, large amounts.

Everything is pure: prior payments (e.g. all DCs' registers of the last 30 days) are handed in
by the caller, who looks them up by `duplicate_key` or by the INNs of the new rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.money import format_amount
from domain.registers_rows import (
    DuplicateKey,
    ParsedRegister,
    PaymentRow,
    RegisterWarning,
    WarningKind,
)

__all__ = ["DuplicateKey"]  # re-exported: callers know it from here

_INVOICE_NOISE = re.compile(r"[\s№#]+")


@dataclass(frozen=True, slots=True)
class PriorItem:
    """A payment already placed in some register; the labels say where, for the warning text.

    E.g. register_label «реестр от 28.11.2026», dc_label «Тойота Центр Екатеринбург».
    """

    inn: str
    invoice_number: str | None
    amount: Decimal
    register_label: str
    dc_label: str
    purpose: str = ""


def duplicate_key(
    inn: str, invoice_number: str | None, amount: Decimal, purpose: str = ""
) -> DuplicateKey:
    """Same INN + invoice number + amount. Without an invoice number the purpose stands in."""
    invoice = invoice_number or ""
    if not invoice.isalnum():
        invoice = _INVOICE_NOISE.sub("", invoice)
    invoice = invoice.casefold().lstrip("0")
    if not invoice:
        invoice = "~" + " ".join(purpose.casefold().split())
    return inn, invoice, amount


def row_key(row: PaymentRow) -> DuplicateKey:
    invoice = row.invoice_number
    if invoice and invoice.isalnum() and invoice[0] != "0":
        return row.inn, invoice.casefold(), row.amount  # the usual case, kept cheap
    return duplicate_key(row.inn, invoice, row.amount, row.purpose)


def row_keys(parsed: ParsedRegister) -> tuple[DuplicateKey, ...]:
    """The duplicate keys of `parsed`'s rows, in row order (the reader's, when it has them)."""
    if len(parsed.duplicate_keys) == len(parsed.rows):
        return parsed.duplicate_keys
    return tuple(map(row_key, parsed.rows))


def duplicates_in_file(
    rows: Sequence[PaymentRow], keys: Sequence[DuplicateKey] | None = None
) -> tuple[RegisterWarning, ...]:
    """One warning per group of rows sharing a duplicate key, in file order. ``keys``, if
    given, are the rows' `row_key`s in row order."""
    first: dict[DuplicateKey, PaymentRow] = {}
    groups: dict[DuplicateKey, list[PaymentRow]] = {}
    for row, key in zip(rows, keys if keys is not None else map(row_key, rows), strict=True):
        seen = first.setdefault(key, row)
        if seen is not row:
            groups.setdefault(key, [seen]).append(row)
    return tuple(
        RegisterWarning(
            WarningKind.DUPLICATE_IN_FILE,
            tuple(r.line for r in group),
            f"{_places(group)}: возможный дубль — {_describe(group[0])}",
        )
        for group in groups.values()
    )


def duplicates_against(
    rows: Sequence[PaymentRow],
    prior: Iterable[PriorItem],
    keys: Sequence[DuplicateKey] | None = None,
) -> tuple[RegisterWarning, ...]:
    """A warning for each row that matches payments already in other (or earlier) registers.

    ``keys``, if given, are the rows' `row_key`s in row order (the caller already has them).
    """
    known: dict[DuplicateKey, list[PriorItem]] = defaultdict(list)
    for item in prior:
        known[duplicate_key(item.inn, item.invoice_number, item.amount, item.purpose)].append(item)
    if not known:
        return ()
    warnings = []
    for row, key in zip(rows, keys if keys is not None else map(row_key, rows), strict=True):
        matches = known.get(key)
        if matches:
            where = "; ".join(f"{m.register_label}, {m.dc_label}" for m in matches[:3])
            more = f" и ещё {len(matches) - 3}" if len(matches) > 3 else ""
            warnings.append(
                RegisterWarning(
                    WarningKind.DUPLICATE_PRIOR,
                    (row.line,),
                    f"{row.location}: возможный дубль — {_describe(row)} уже есть: {where}{more}",
                )
            )
    return tuple(warnings)


def overdue(rows: Sequence[PaymentRow], today: date) -> tuple[RegisterWarning, ...]:
    """Rows whose due date is before `today`."""
    return tuple(
        RegisterWarning(
            WarningKind.DUE_DATE_PASSED,
            (row.line,),
            f"{row.location}: срок оплаты {row.due_date:%d.%m.%Y} прошёл",
        )
        for row in rows
        if row.due_date is not None and row.due_date < today
    )


def over_threshold(rows: Sequence[PaymentRow], threshold: Decimal) -> tuple[RegisterWarning, ...]:
    """RUB rows with amount >= threshold (they also go to the general director)."""
    return tuple(
        RegisterWarning(
            WarningKind.OVER_THRESHOLD,
            (row.line,),
            f"{row.location}: сумма {format_amount(row.amount)} ₽ не меньше порога "
            f"{format_amount(threshold)} ₽ — платёж согласует и генеральный директор",
        )
        for row in rows
        if row.currency == "RUB" and row.amount >= threshold
    )


def _describe(row: PaymentRow) -> str:
    invoice = f", счёт {row.invoice_number}" if row.invoice_number else ""
    return f"ИНН {row.inn}{invoice}, {format_amount(row.amount)} {_currency_sign(row.currency)}"


def _currency_sign(currency: str) -> str:
    return "₽" if currency == "RUB" else currency


def _places(group: Sequence[PaymentRow]) -> str:
    if all(r.document_number is None for r in group):
        lines = [str(r.line) for r in group]
        return f"Строки {', '.join(lines[:-1])} и {lines[-1]}"
    places = [r.location for r in group]
    return f"{', '.join(places[:-1])} и {places[-1]}"

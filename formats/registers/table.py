"""Rows of a table (a sheet or a CSV file) below a found header, turned into payments.

Blank rows are skipped (only the recognised columns count, so a pre-numbered empty template
row is blank). A row with an empty INN cell and a label «Итого», «Всего» or «Total» (outside
the purpose, category and comment columns) is a totals row, not a payment. Below the first
totals row, rows without INN and amount (signatures, notes) are ignored, while rows that have
them are still read as payments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

from domain.money import AmountError, format_amount
from domain.register_checks import DuplicateKey, duplicates_in_file, row_key
from domain.register_fields import build_row, cell_amount
from domain.registers_rows import PaymentRow, RegisterIssue, RegisterWarning, WarningKind
from formats.registers.header import HeaderMatch
from formats.registers.limits import ReadLimits, too_many_rows

_TOTAL_WORDS = ("итого", "всего", "total")
# Receives consecutive slices of the payments found (and their duplicate keys) while the file
# has no errors so far; see `read_register`.
RowSink = Callable[[Sequence[PaymentRow], Sequence[DuplicateKey]], None]
SINK_EVERY = 1000  # payments per slice


@dataclass(frozen=True, slots=True)
class TableResult:
    """Valid rows, row errors, and in-file warnings (duplicates, a totals row that disagrees)."""

    rows: tuple[PaymentRow, ...]
    errors: tuple[RegisterIssue, ...]
    warnings: tuple[RegisterWarning, ...]
    keys: tuple[DuplicateKey, ...]  # the rows' duplicate keys, computed once


def parse_table(
    rows: Sequence[list[Any]],
    lines: Sequence[int],
    header: HeaderMatch,
    limits: ReadLimits,
    sink: RowSink | None = None,
) -> TableResult:
    """Read every row after `header.index`; `lines[i]` is the line the user sees for rows[i].
    ``sink`` gets the payments found so far every `SINK_EVERY`, until a row has errors."""
    width = max(header.columns.values()) + 1
    pick = itemgetter(*header.indices(-1))
    payments: list[PaymentRow] = []
    errors: list[RegisterIssue] = []
    totals: list[tuple[int, object]] = []
    keys: list[DuplicateKey] = []
    failed = 0
    for i in range(header.index + 1, len(rows)):
        row = rows[i]
        if len(row) < width:
            row.extend([""] * (width - len(row)))
        row.append(None)  # index -1: the cell of every absent column
        cells = pick(row)
        inn = cells[1]
        # Hot path: a non-empty INN cell means a payment row; the rest is classified slowly.
        if (type(inn) is not str or not inn or inn[0] <= " ") and _not_a_payment(
            row, cells, header, totals, lines[i]
        ):
            continue
        payment, problems = build_row(lines[i], cells)
        if payment is not None:
            payments.append(payment)
            if sink is not None and len(payments) - len(keys) >= SINK_EVERY and not failed:
                _pass_on(payments, keys, sink)
        else:
            failed += 1
            errors.extend(RegisterIssue(lines[i], f"Строка {lines[i]}: {p}") for p in problems)
    if len(payments) + failed > limits.max_rows:
        raise too_many_rows(limits)
    if sink is not None and not failed and len(payments) > len(keys):
        _pass_on(payments, keys, sink)  # the last slice, before the whole-file checks
    found = tuple(payments)
    keys.extend(map(row_key, found[len(keys) :]))
    warnings = duplicates_in_file(found, keys) + _totals_check(found, totals, bool(errors))
    return TableResult(found, tuple(errors), warnings, tuple(keys))


def _pass_on(payments: list[PaymentRow], keys: list[DuplicateKey], sink: RowSink) -> None:
    """The payments not yet passed to ``sink``, with their keys (kept for the end)."""
    fresh = payments[len(keys) :]
    fresh_keys = list(map(row_key, fresh))
    keys.extend(fresh_keys)
    sink(fresh, fresh_keys)


def _not_a_payment(
    row: list[Any],
    cells: Sequence[object],
    header: HeaderMatch,
    totals: list[tuple[int, object]],
    line: int,
) -> bool:
    """Blank rows, totals rows (recorded in `totals`) and the footer below them."""
    if _is_blank(cells):
        return True
    if not _is_empty(cells[1]):
        return False
    if _is_totals(row, header.free_text_columns):
        totals.append((line, row[header.columns["amount"]]))
        return True
    return bool(totals) and _is_empty(cells[2])  # signatures and notes below «Итого»


def _is_blank(cells: Sequence[object]) -> bool:
    for cell in cells:
        if cell is None or cell == "":
            continue
        if type(cell) is str and cell.isspace():
            continue
        return False
    return True


def _is_empty(cell: object) -> bool:
    return cell is None or cell == "" or (type(cell) is str and cell.isspace())


def _is_totals(row: Sequence[object], free_text: frozenset[int]) -> bool:
    """«Итого», «Всего», «Total» as a label — not inside a purpose or a comment."""
    for index, cell in enumerate(row):
        if type(cell) is str and index not in free_text:
            head = cell.lstrip()[:6].casefold()
            for word in _TOTAL_WORDS:
                if head.startswith(word) and not head[len(word) : len(word) + 1].isalpha():
                    return True
    return False


def _totals_check(
    rows: tuple[PaymentRow, ...], totals: list[tuple[int, object]], has_errors: bool
) -> tuple[RegisterWarning, ...]:
    """A single totals row must agree with the payments (only checked for a clean RUB file)."""
    if len(totals) != 1 or has_errors or any(r.currency != "RUB" for r in rows):
        return ()
    line, cell = totals[0]
    try:
        stated = cell_amount(cell)
    except AmountError:
        return ()
    actual = sum((r.amount for r in rows), Decimal("0.00"))
    if stated == actual:
        return ()
    return (
        RegisterWarning(
            WarningKind.TOTALS_MISMATCH,
            (line,),
            f"Строка {line}: в строке «Итого» {format_amount(stated)} ₽, "
            f"а сумма платежей — {format_amount(actual)} ₽",
        ),
    )

"""The .xlsx register reader (python-calamine, after the zip and extent guards).

Sheet: the first one named like «Реестр»/«Register», else the first visible worksheet.
Formulas are read as their cached values (calamine does). Merged cells: a value merged down
over several data rows belongs to each of them, except the amount, which is never copied (a
merged amount would otherwise be paid twice), so those rows report a missing amount.
Hidden rows are read like any other row — hiding does not delete a payment — and a warning
lists them so that nobody approves a payment they never saw.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TypeVar

import python_calamine as calamine

from domain.registers_rows import (
    ParsedRegister,
    PaymentRow,
    RegisterIssue,
    RegisterWarning,
    SourceFormat,
    WarningKind,
)
from formats.registers.errors import RegisterFileError
from formats.registers.header import find_header, header_not_found, require_columns
from formats.registers.limits import HEADER_SCAN_ROWS, ReadLimits
from formats.registers.sheet_scan import scan_sheet
from formats.registers.table import RowSink, parse_table
from formats.registers.zip_guard import CORRUPT, PROTECTED, open_package

T = TypeVar("T")
MergedRange = tuple[tuple[int, int], tuple[int, int]]


def read_xlsx(data: bytes, limits: ReadLimits, sink: RowSink | None = None) -> ParsedRegister:
    package = open_package(data, limits)
    workbook = _guarded(lambda: calamine.load_workbook(io.BytesIO(data)))
    name = _choose_sheet(workbook)
    if name not in package.sheet_parts:
        raise RegisterFileError(CORRUPT)
    extent = scan_sheet(package.sheet_parts[name], limits)
    sheet = _guarded(lambda: workbook.get_sheet_by_name(name))
    rows: list[list[Any]] = _guarded(lambda: sheet.to_python(skip_empty_area=False))
    merged = _guarded(lambda: sheet.merged_cell_ranges) or []
    header = find_header(rows[:HEADER_SCAN_ROWS])
    if header is None:
        if not any(any(cell not in ("", None) for cell in row) for row in rows):
            raise RegisterFileError(f"Лист «{name}» пустой — в нём нет ни одной строки.")
        raise header_not_found(HEADER_SCAN_ROWS)
    require_columns(header, header.index + 1)
    _spread_merged(rows, merged, header.index, header.columns["amount"])
    table = parse_table(rows, range(1, len(rows) + 1), header, limits, sink)
    if not table.rows and not table.errors:
        raise RegisterFileError(f"На листе «{name}» под заголовком нет ни одного платежа.")
    hidden = _hidden_warning(extent.hidden_rows, table.rows, table.errors)
    return ParsedRegister(
        table.rows, table.errors, table.warnings + hidden, SourceFormat.XLSX,
        sheet_name=name, duplicate_keys=table.keys,
    )  # fmt: skip


def _guarded(call: Callable[[], T]) -> T:
    """calamine raises its own errors, and pyo3 panics derive from BaseException."""
    try:
        return call()
    except (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError):
        raise
    except calamine.PasswordError as error:
        raise RegisterFileError(PROTECTED) from error
    except BaseException as error:
        raise RegisterFileError(CORRUPT) from error


def _choose_sheet(workbook: calamine.CalamineWorkbook) -> str:
    sheets = [
        meta for meta in workbook.sheets_metadata if meta.typ == calamine.SheetTypeEnum.WorkSheet
    ]
    if not sheets:
        raise RegisterFileError("В книге нет ни одного листа с таблицей.")
    visible = [m for m in sheets if m.visible == calamine.SheetVisibleEnum.Visible]
    ordered = visible + [m for m in sheets if m not in visible]
    for meta in ordered:
        folded = meta.name.casefold()
        if "реестр" in folded or "register" in folded:
            return meta.name
    return ordered[0].name


def _spread_merged(
    rows: list[list[Any]], merged: list[MergedRange], header_index: int, amount_col: int
) -> None:
    """Copy a value merged down over data rows into each of them (never the amount)."""
    for (top, left), (bottom, _right) in merged:
        if bottom <= top or top <= header_index or left == amount_col:
            continue
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top + 1, min(bottom, len(rows) - 1) + 1):
            if left < len(rows[r]) and rows[r][left] in ("", None):
                rows[r][left] = value


def _hidden_warning(
    hidden: frozenset[int], rows: tuple[PaymentRow, ...], errors: tuple[RegisterIssue, ...]
) -> tuple[RegisterWarning, ...]:
    if not hidden:
        return ()
    lines = sorted(hidden & ({r.line for r in rows} | {e.line for e in errors}))
    if not lines:
        return ()
    shown = ", ".join(str(n) for n in lines[:10])
    more = f" и ещё {len(lines) - 10}" if len(lines) > 10 else ""
    word = "Строка" if len(lines) == 1 else "Строки"
    verb = "скрыта" if len(lines) == 1 else "скрыты"
    return (
        RegisterWarning(
            WarningKind.HIDDEN_ROWS,
            tuple(lines),
            f"{word} {shown}{more} {verb} в файле, но это платежи — они включены в реестр",
        ),
    )

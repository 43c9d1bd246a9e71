"""A fast look at a worksheet's XML before python-calamine builds its dense grid.

calamine allocates rows x columns cells for the used range, so a sheet holding one value in
A1 and one in XFD1048576 aborts the process. We find the real extent first: in the usual
layout (every cell written as `<c r="...">`) a few C-speed scans suffice; any other layout is
walked with expat. We also collect hidden rows (they are paid too, so we warn about them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from xml.parsers import expat

from formats.registers.errors import RegisterFileError
from formats.registers.limits import ReadLimits, too_many_rows
from formats.registers.zip_guard import CORRUPT

_NAMESPACED_CELL = re.compile(rb":(?:c|row)[\s/>]")
_HIDDEN_ATTR = re.compile(rb'hidden="(?:1|true)"')
_ROW_TAG = re.compile(rb"<row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


@dataclass(frozen=True, slots=True)
class SheetExtent:
    """The last used row (1-based) and column (1-based), and the 1-based hidden rows."""

    rows: int
    columns: int
    hidden_rows: frozenset[int]


def scan_sheet(xml: bytes, limits: ReadLimits) -> SheetExtent:
    """Refuse sheets taller than the row cap or wider than `max_columns`."""
    if _NAMESPACED_CELL.search(xml) is None:
        rows, columns, unusual = _fast_extent(xml, limits)
    else:
        unusual = True
    if unusual:
        rows, columns = _walk_extent(xml)
    if rows > limits.sheet_row_cap:
        raise too_many_rows(limits)
    if columns > limits.max_columns:
        raise RegisterFileError(
            f"В листе заполнено больше {limits.max_columns} столбцов — "
            "удалите лишние столбцы и пришлите файл ещё раз."
        )
    hidden = _hidden_rows(xml) if _HIDDEN_ATTR.search(xml) else frozenset()
    return SheetExtent(rows, columns, hidden)


@lru_cache(maxsize=16)
def _anomaly_pattern(digits: int) -> re.Pattern[bytes]:
    """Cells whose reference has 2+ letters or `digits`+ digits, or that lack `<c r="`."""
    return re.compile(rb'<c(?: r="([A-Z]{2,}\d+|[A-Z]\d{%d,})"|(?! r="[A-Z])[\s/>])' % digits)


@lru_cache(maxsize=16)
def _candidate_pattern(digits: int) -> re.Pattern[bytes]:
    """Every cell that is not `<c r="` + one letter + fewer than `digits` digits + `"`: a
    superset of `_anomaly_pattern`'s matches, found with one test per ordinary cell."""
    return re.compile(rb'<c(?! r="[A-Z]\d{1,%d}")[\s/>]' % (digits - 1))


def _fast_extent(xml: bytes, limits: ReadLimits) -> tuple[int, int, bool]:
    """Extent from the few cells that can exceed the caps; `unusual` asks for a full walk."""
    digits = len(str(limits.sheet_row_cap))
    anomaly = _anomaly_pattern(digits)
    rows, columns = 0, 0
    for candidate in _candidate_pattern(digits).finditer(xml):
        match = anomaly.match(xml, candidate.start())
        if match is None:
            continue
        ref = match.group(1)
        if ref is None:
            return 0, 0, True
        row, column = _split_ref(ref)
        rows, columns = max(rows, row), max(columns, column)
    # Unflagged references have at most one letter and fewer than `digits` digits.
    return rows, max(columns, 26), False


def _split_ref(ref: bytes) -> tuple[int, int]:
    letters = ref.rstrip(b"0123456789")
    column = 0
    for code in letters:
        column = column * 26 + code - 64
    return int(ref[len(letters) :]), column


def _walk_extent(xml: bytes) -> tuple[int, int]:
    """Positions as a reader infers them: explicit references, else one after the previous."""
    state = {"row": 0, "col": 0, "rows": 0, "cols": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            row_ref = attrs.get("r", "")
            state["row"] = int(row_ref) if row_ref.isdigit() else state["row"] + 1
            state["col"] = 0
        elif local == "c":
            cell_ref = attrs.get("r", "").encode("ascii", "replace")
            row, col = (
                _split_ref(cell_ref)
                if cell_ref[:1].isalpha()
                else (state["row"], state["col"] + 1)
            )
            state["row"], state["col"] = max(row, state["row"]), col
            state["rows"], state["cols"] = max(state["rows"], row), max(state["cols"], col)

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    try:
        parser.Parse(xml, True)
    except (expat.ExpatError, ValueError) as error:
        raise RegisterFileError(CORRUPT) from error
    return state["rows"], state["cols"]


def _hidden_rows(xml: bytes) -> frozenset[int]:
    hidden: set[int] = set()
    previous = 0
    for match in _ROW_TAG.finditer(xml):
        attrs = match.group(1)
        number = _ROW_NUMBER.search(attrs)
        previous = int(number.group(1)) if number else previous + 1
        if _HIDDEN_ATTR.search(attrs):
            hidden.add(previous)
    return frozenset(hidden)

"""Driver values for the bulk insert of a draft's items (`SqlRegisterRepository.add_draft`).

Measured on a 10,000-row register: going through the ORM/Core parameter machinery took longer
than reading the file, so one compiled INSERT gets plain driver values (executemany).

SQLite: the values are what `Money`, `Date` and `Boolean` would bind there (integer kopecks,
ISO dates, 0/1). Python's sqlite3 module binds ``None`` and ``bool`` through its adapter
lookup, which formats and clears an AttributeError for every such value: with about five of
them per row that was a third of the insert's time. So flags go in as 0/1, and an absent
optional value as the integer `NULL_MARK`, which the statement turns back into NULL with
``NULLIF(?, 0)``. Every optional column holds text or a date (never an integer), so a stored
value never equals the mark: the table ends up with exactly the values and NULLs a plain
bind gives. PostgreSQL (asyncpg) takes Decimal, date, bool and None as they are.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, literal_column
from sqlalchemy.engine import Dialect

from domain.register_approval import ItemStatus
from models.register_tables import RegisterItem
from services.register_ports import NewRegister

ITEM = cast(Table, RegisterItem.__table__)  # type: ignore[attr-defined]
# The bound columns, in the order of the driver values; ``register_id`` and ``status`` are
# the same for every item, so the statement names them once (two binds fewer per row).
ITEM_PARAMS = (
    "position", "line", "document_number", "counterparty", "inn", "invoice_number",
    "invoice_key", "invoice_date", "purpose", "amount", "currency", "category", "due_date",
    "urgent", "comment", "over_threshold", "duplicate_note",
)  # fmt: skip
# The columns an upload may leave NULL: text or dates only (see NULL_MARK).
OPTIONAL_COLUMNS = frozenset(
    {"document_number", "invoice_number", "invoice_date", "category", "due_date", "comment"}
    | {"duplicate_note"}
)
NULL_MARK = 0
_PENDING = ItemStatus.PENDING.value  # a plain word, written into the statement
KEY_WIDTH = 200  # register_item.invoice_key


def item_insert(dialect: Dialect, register_id: int) -> str:
    """The INSERT of ``register_id``'s new items for ``dialect``; its parameters come in
    ``ITEM_PARAMS`` order."""
    sqlite = dialect.name == "sqlite"
    values: dict[str, Any] = {
        "register_id": literal_column(str(int(register_id))),
        "status": literal_column(f"'{_PENDING}'"),
    }
    for name in ITEM_PARAMS:
        values[name] = (
            func.nullif(bindparam(name), literal_column(str(NULL_MARK)))
            if sqlite and name in OPTIONAL_COLUMNS
            else bindparam(name)
        )
    compiled = insert(ITEM).values(values).compile(dialect=dialect)
    assert tuple(compiled.positiontup or ()) == ITEM_PARAMS
    return compiled.string


def item_rows(draft: NewRegister, start: int, stop: int, *, sqlite: bool) -> list[tuple[Any, ...]]:
    """Driver values in ``ITEM_PARAMS`` order for the rows ``start:stop`` of ``draft``."""
    if sqlite:
        return _sqlite_rows(draft, start, stop)
    notes, over = draft.notes, draft.over_threshold
    return [
        (
            position,
            row.line,
            row.document_number,
            row.counterparty,
            row.inn,
            row.invoice_number,
            key[1][:KEY_WIDTH],
            row.invoice_date,
            row.purpose,
            row.amount,
            row.currency,
            row.category,
            row.due_date,
            row.urgent,
            row.comment,
            row.line in over,
            notes.get(row.line),
        )
        for position, (row, key) in enumerate(
            zip(draft.rows[start:stop], draft.keys[start:stop], strict=True), start + 1
        )
    ]


def _sqlite_rows(draft: NewRegister, start: int, stop: int) -> list[tuple[Any, ...]]:
    notes, over = draft.notes, draft.over_threshold
    days, null = _IsoDays(), NULL_MARK
    return [
        (
            position,
            row.line,
            null if row.document_number is None else row.document_number,
            row.counterparty,
            row.inn,
            null if row.invoice_number is None else row.invoice_number,
            key[1][:KEY_WIDTH],
            days[row.invoice_date],
            row.purpose,
            int(row.amount.scaleb(2)),
            row.currency,
            null if row.category is None else row.category,
            days[row.due_date],
            1 if row.urgent else 0,
            null if row.comment is None else row.comment,
            1 if row.line in over else 0,
            notes.get(row.line, null),
        )
        for position, (row, key) in enumerate(
            zip(draft.rows[start:stop], draft.keys[start:stop], strict=True), start + 1
        )
    ]


class _IsoDays(dict[date | None, str | int]):
    """date -> its ISO text, None -> NULL_MARK; a register repeats a few dozen dates."""

    def __missing__(self, day: date | None) -> str | int:
        value = NULL_MARK if day is None else day.isoformat()
        self[day] = value
        return value

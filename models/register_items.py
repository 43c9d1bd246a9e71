"""Driver values for the bulk insert of a draft's items (`SqlRegisterRepository.add_items`).

The encoders run where the file is read (the parse worker process, see
`services.registers.parsers`): they are plain functions of an `ItemChunk`, named by
`encoder_for`, and what they return is all that crosses to the bot's process.

Measured on a 10,000-row register: going through the ORM/Core parameter machinery took longer
than reading the file, so a compiled INSERT gets plain driver values: on SQLite multi-row
statements of `SQLITE_BLOCK` rows, on PostgreSQL one row per execution (executemany).

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
from decimal import Decimal
from itertools import chain
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, literal_column
from sqlalchemy.engine import Dialect

from domain.register_approval import ItemStatus
from models.register_tables import RegisterItem
from services.register_ports import ItemChunk, ItemEncoder, PreparedItems, StoredKey

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
# Rows per multi-row INSERT on SQLite: 8,500 parameters, far below its cap of 32,766.
SQLITE_BLOCK = 500


def item_insert(dialect: Dialect, register_id: int, rows: int = 1) -> str:
    """The INSERT of ``rows`` new items of ``register_id`` for ``dialect``; its parameters
    come in ``ITEM_PARAMS`` order, row after row."""
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
    if rows == 1:
        return compiled.string
    head, _, row = compiled.string.partition(" VALUES ")
    return f"{head} VALUES {', '.join([row] * rows)}"


WIDTH = len(ITEM_PARAMS)
_INN, _KEY, _AMOUNT = (ITEM_PARAMS.index(name) for name in ("inn", "invoice_key", "amount"))


def stored_keys(items: PreparedItems) -> list[StoredKey]:
    """The duplicate keys of prepared items, as stored (an amount in kopecks either way)."""
    if items.flat:
        return [
            key
            for block in items.values
            for key in zip(
                block[_INN::WIDTH], block[_KEY::WIDTH], block[_AMOUNT::WIDTH], strict=True
            )
        ]
    return [(values[_INN], values[_KEY], _kopecks(values[_AMOUNT])) for values in items.values]


def _kopecks(amount: int | Decimal) -> int:
    return amount if isinstance(amount, int) else int(amount.scaleb(2))


def encoder_for(dialect: str) -> ItemEncoder:
    """The encoder whose values `item_insert` of ``dialect`` takes."""
    return encode_sqlite if dialect == "sqlite" else encode_postgresql


def encode_postgresql(chunk: ItemChunk) -> PreparedItems:
    """asyncpg takes Decimal, date, bool and None as they are."""
    threshold = chunk.ceo_threshold
    return PreparedItems([
        (
            position, row.line, row.document_number, row.counterparty, row.inn,
            row.invoice_number, key[1][:KEY_WIDTH], row.invoice_date, row.purpose, row.amount,
            row.currency, row.category, row.due_date, row.urgent, row.comment,
            row.currency == "RUB" and row.amount >= threshold, None,
        )
        for position, (row, key) in enumerate(
            zip(chunk.rows, chunk.keys, strict=True), chunk.first_position
        )
    ])  # fmt: skip


def encode_sqlite(chunk: ItemChunk) -> PreparedItems:
    """Integer kopecks, ISO dates, 0/1 and `NULL_MARK` for an absent value (see above), in
    blocks of `SQLITE_BLOCK` rows laid end to end: one multi-row INSERT per block binds
    its values at once and inserts them in one step that releases the GIL, where one
    statement per row would take the GIL back after every row."""
    rows = _sqlite_rows(chunk)
    return PreparedItems(
        [
            tuple(chain.from_iterable(rows[start : start + SQLITE_BLOCK]))
            for start in range(0, len(rows), SQLITE_BLOCK)
        ],
        flat=True,
    )


def _sqlite_rows(chunk: ItemChunk) -> list[tuple[Any, ...]]:
    threshold, days, null = chunk.ceo_threshold, _IsoDays(), NULL_MARK
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
            1 if row.currency == "RUB" and row.amount >= threshold else 0,
            null,
        )
        for position, (row, key) in enumerate(
            zip(chunk.rows, chunk.keys, strict=True), chunk.first_position
        )
    ]  # fmt: skip


class _IsoDays(dict[date | None, str | int]):
    """date -> its ISO text, None -> NULL_MARK; a register repeats a few dozen dates."""

    def __missing__(self, day: date | None) -> str | int:
        value = NULL_MARK if day is None else day.isoformat()
        self[day] = value
        return value

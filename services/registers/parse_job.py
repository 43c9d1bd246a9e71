"""The parse job of an upload, wherever it runs (a worker process or a thread): read the
file, pass each slice of payments on as soon as it is read, and once the file is read,
report its errors, or the keys for the 30-day duplicate lookup; given the earlier
payments that match, finish with the warnings and the totals.

Messages, in order: `Items`..., then `Refused` | `RowErrors` | `ReadClean`; after
`ReadClean` the job waits for the earlier payments that match the items' keys (a sequence
of `PriorItem`, or None to stop) and ends with `Finished`. Only plain values travel: the
items are prepared by the repository's encoder where they are read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.register_checks import (
    DuplicateKey,
    PriorItem,
    duplicates_against,
    over_threshold,
    overdue,
    row_keys,
)
from domain.registers_rows import PaymentRow, RegisterWarning, WarningKind
from formats.registers import ReadLimits, RegisterFileError, read_register
from services.register_ports import CategoryGroup, ItemChunk, ItemEncoder, PreparedItems

_DUPLICATES = (WarningKind.DUPLICATE_IN_FILE, WarningKind.DUPLICATE_PRIOR)


@dataclass(frozen=True)
class ParseJob:
    """An uploaded file and what its checks need. ``stream``: pass the items on (False
    while the DC is not chosen yet: nothing will be stored)."""

    filename: str
    data: bytes
    limits: ReadLimits
    today: date
    ceo_threshold: Decimal
    stream: bool = True


@dataclass(frozen=True)
class Items:
    items: ItemChunk | PreparedItems


@dataclass(frozen=True)
class Refused:
    """The file as a whole cannot be read (`RegisterFileError`)."""

    message: str


@dataclass(frozen=True)
class RowErrors:
    messages: tuple[str, ...]


@dataclass(frozen=True)
class ReadClean:
    """Every row is read and passed on, and none has errors: the job now needs the earlier
    payments with the same keys as its items (the storer has the keys from its items)."""


@dataclass(frozen=True)
class Finished:
    """A clean file, checked: everything the draft and its summary need besides the items.
    ``notes`` maps a file line to the duplicate warnings about it."""

    source_format: str
    item_count: int
    totals: dict[str, Decimal]
    groups: tuple[CategoryGroup, ...]
    warnings: tuple[RegisterWarning, ...]
    notes: dict[int, str]


Message = Items | Refused | RowErrors | ReadClean | Finished


def run_parse_job(
    job: ParseJob,
    encoder: ItemEncoder | None,
    send: Callable[[Message], None],
    receive: Callable[[], Sequence[PriorItem] | None],
) -> None:
    """Run ``job``, talking through ``send`` and ``receive`` (see the module docstring)."""
    position = 1

    def pass_on(rows: Sequence[PaymentRow], keys: Sequence[DuplicateKey]) -> None:
        nonlocal position
        chunk = ItemChunk(rows, keys, position, job.ceo_threshold)
        send(Items(encoder(chunk) if encoder is not None else chunk))
        position += len(rows)

    try:
        parsed = read_register(job.filename, job.data, job.limits, pass_on if job.stream else None)
    except RegisterFileError as error:
        send(Refused(error.message))
        return
    if parsed.errors:
        send(RowErrors(tuple(issue.message for issue in parsed.errors)))
        return
    send(ReadClean())
    # While the storer looks the earlier payments up:
    totals, groups = parsed.totals_by_currency(), _groups(parsed.rows)
    known = overdue(parsed.rows, job.today) + over_threshold(parsed.rows, job.ceo_threshold)
    prior = receive()
    if prior is None:
        return
    keys = row_keys(parsed)
    warnings = parsed.warnings + duplicates_against(parsed.rows, prior, keys) + known
    send(
        Finished(
            source_format=str(parsed.source_format),
            item_count=len(parsed.rows),
            totals=totals,
            groups=groups,
            warnings=warnings,
            notes=_duplicate_notes(warnings),
        )
    )


def _groups(rows: Sequence[PaymentRow]) -> tuple[CategoryGroup, ...]:
    """(currency, category, sum, count) of the rows, as `summarize_groups` takes them."""
    amounts: dict[tuple[str, str | None], list[Decimal]] = {}
    for row in rows:
        group = amounts.get((row.currency, row.category))
        if group is None:
            group = amounts[row.currency, row.category] = []
        group.append(row.amount)
    return tuple(
        (currency, category, sum(group, Decimal("0.00")), len(group))
        for (currency, category), group in amounts.items()
    )


def _duplicate_notes(warnings: Sequence[RegisterWarning]) -> dict[int, str]:
    notes: dict[int, str] = {}
    for warning in warnings:
        if warning.kind in _DUPLICATES:
            for line in warning.lines:
                notes[line] = (
                    f"{notes[line]}\n{warning.message}" if line in notes else warning.message
                )
    return notes

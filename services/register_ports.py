"""What the register use cases need from storage, and the views of a register they return.

The SQL adapter is `models.register_repo.SqlRegisterRepository`; `SqlUnitOfWork` carries it
as ``registers``. Repositories never commit: the use case's unit of work does, once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from domain.register_approval import RegisterStatus
from domain.register_checks import DuplicateKey
from domain.registers_rows import PaymentRow, RegisterWarning
from services.ports import UnitOfWork


@dataclass(frozen=True)
class DealerCenterRef:
    """A DC as the upload flow names it."""

    id: int
    code: str
    name: str
    city: str


@dataclass(frozen=True)
class CategoryTotal:
    """The sum and count of one expense category (None: rows without one)."""

    category: str | None
    amount: Decimal
    count: int


@dataclass(frozen=True)
class RegisterSummary:
    """A register as its summary card shows it.

    Invariants: ``totals`` maps currency -> sum of all items in it; ``by_category`` covers
    RUB items only, largest first; ``version`` grows with every change of the register.
    """

    id: int
    version: int
    status: RegisterStatus
    dc: DealerCenterRef
    uploaded_by_id: int
    payment_date: date
    earliest_payment_date: date
    item_count: int
    totals: Mapping[str, Decimal]
    by_category: tuple[CategoryTotal, ...]
    warnings: tuple[str, ...]
    filename: str
    created_at: datetime

    @property
    def total(self) -> Decimal:
        """The RUB total."""
        return self.totals.get("RUB", Decimal("0.00"))


CategoryGroup = tuple[str, str | None, Decimal, int]
"""(currency, category, sum, count) of the items sharing both."""


def summarize_groups(
    groups: Iterable[CategoryGroup],
) -> tuple[dict[str, Decimal], tuple[CategoryTotal, ...]]:
    """Totals per currency, and the RUB categories largest first, for `RegisterSummary`."""
    totals: dict[str, Decimal] = {}
    by_category: list[CategoryTotal] = []
    for currency, category, amount, count in groups:
        totals[currency] = totals.get(currency, Decimal("0.00")) + amount
        if currency == "RUB":
            by_category.append(CategoryTotal(category, amount, int(count)))
    by_category.sort(key=lambda c: (-c.amount, c.category or ""))
    return dict(sorted(totals.items())), tuple(by_category)


@dataclass(frozen=True)
class PriorPayment:
    """An item of an earlier register, as the 30-day duplicate check needs it."""

    inn: str
    invoice_number: str | None
    amount: Decimal
    purpose: str
    register_id: int
    register_created_at: datetime
    dc_code: str
    dc_name: str


@dataclass(frozen=True)
class NewRegisterFile:
    filename: str
    content: bytes
    sha256: str
    telegram_file_id: str | None = None


@dataclass(frozen=True)
class DraftHeader:
    """A draft register as its storing begins, before its items arrive."""

    dc_id: int
    uploaded_by_id: int
    payment_date: date
    created_at: datetime


@dataclass(frozen=True)
class ItemChunk:
    """Consecutive payments of an upload in file order, the first at ``first_position``
    (1-based), with their duplicate keys; RUB items of at least ``ceo_threshold`` also go
    to the general director."""

    rows: Sequence[PaymentRow]
    keys: Sequence[DuplicateKey]
    first_position: int
    ceo_threshold: Decimal


@dataclass(frozen=True)
class PreparedItems:
    """An `ItemChunk` already turned into the repository's driver values by its
    `ItemEncoder`, where the file was read (the parse worker): only plain values travel
    between processes, and the bot's process only inserts them."""

    values: list[tuple[Any, ...]]
    flat: bool = False  # each value holds several rows end to end (one statement each)


ItemEncoder = Callable[[ItemChunk], PreparedItems]
# A duplicate key as the items store it: INN, the invoice key cut to its column's width, and
# the amount in kopecks (cheap to pass around and compare in bulk).
StoredKey = tuple[str, str, int]


@dataclass(frozen=True)
class DraftTotals:
    """What is known of a draft once all its items are stored. ``notes`` maps a file line
    to the duplicate warnings about that item."""

    source_format: str
    item_count: int
    total: Decimal  # RUB
    warnings: Sequence[RegisterWarning]
    notes: Mapping[int, str] = field(default_factory=dict)


class RegisterRepository(Protocol):
    async def dealer_centers_served_by(self, person_id: int) -> Sequence[DealerCenterRef]:
        """The DCs whose books ``person_id`` keeps, by name."""
        ...

    async def accountants_for(self, person_id: int) -> Sequence[tuple[str, str]]:
        """(accountant's full name, DC name) of the DCs ``person_id`` directs."""
        ...

    async def prior_payments(
        self, keys: Collection[StoredKey], since: datetime, excluding: int | None = None
    ) -> Sequence[PriorPayment]:
        """Items whose `domain.register_checks.duplicate_key` (stored) is one of ``keys``, in
        registers of any DC uploaded at or after ``since`` and not cancelled, except
        register ``excluding`` (the one being stored): one query."""
        ...

    async def begin_draft(self, header: DraftHeader, upload: NewRegisterFile) -> int:
        """Store the register (no items yet) and its original file; return its id."""
        ...

    async def add_items(
        self, register_id: int, items: ItemChunk | PreparedItems
    ) -> list[StoredKey]:
        """Store the next items of the register, as they were read; their keys as stored."""
        ...

    async def finish_draft(self, register_id: int, totals: DraftTotals) -> None:
        """Record the count, total, warnings and duplicate notes of the stored items."""
        ...

    async def same_draft(
        self, uploaded_by_id: int, dc_id: int, sha256: str, since: datetime
    ) -> int | None:
        """A draft of the same file for the same DC by the same person since ``since``,
        holding the uploader's row lock so a concurrent twin waits and then finds it."""
        ...

    async def summary(self, register_id: int) -> RegisterSummary | None: ...

    async def change_draft(
        self,
        register_id: int,
        expected_version: int,
        now: datetime,
        *,
        status: RegisterStatus | None = None,
        payment_date: date | None = None,
    ) -> bool:
        """Set the fields given and bump the version, only if the register is still a draft
        at ``expected_version``; False when someone changed it first."""
        ...


class RegisterUnitOfWork(UnitOfWork, Protocol):
    @property
    def registers(self) -> RegisterRepository: ...


RegisterUowFactory = Callable[[], RegisterUnitOfWork]

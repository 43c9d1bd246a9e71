"""What the register use cases need from storage, and the views of a register they return.

The SQL adapter is `models.register_repo.SqlRegisterRepository`; `SqlUnitOfWork` carries it
as ``registers``. Repositories never commit: the use case's unit of work does, once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

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
class NewRegister:
    """A clean parse ready to store as a draft. ``keys`` are the rows' duplicate keys, in
    row order; ``notes`` maps a file line to the duplicate warnings about it;
    ``over_threshold`` holds the lines that also go to the general director."""

    dc_id: int
    uploaded_by_id: int
    payment_date: date
    source_format: str
    rows: Sequence[PaymentRow]
    warnings: Sequence[RegisterWarning]
    file: NewRegisterFile
    created_at: datetime
    keys: Sequence[DuplicateKey]
    notes: Mapping[int, str] = field(default_factory=dict)
    over_threshold: Collection[int] = frozenset()


class RegisterRepository(Protocol):
    async def dealer_centers_served_by(self, person_id: int) -> Sequence[DealerCenterRef]:
        """The DCs whose books ``person_id`` keeps, by name."""
        ...

    async def accountants_for(self, person_id: int) -> Sequence[tuple[str, str]]:
        """(accountant's full name, DC name) of the DCs ``person_id`` directs."""
        ...

    async def prior_payments(
        self, keys: Collection[DuplicateKey], since: datetime
    ) -> Sequence[PriorPayment]:
        """Items whose `domain.register_checks.duplicate_key` is one of ``keys``, in
        registers of any DC uploaded at or after ``since`` and not cancelled: one query."""
        ...

    async def add_draft(self, draft: NewRegister) -> int:
        """Store register, items and file; return the register id."""
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

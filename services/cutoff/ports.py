"""What the daily jobs (PRODUCT §5) need from storage, and what they hand to the Telegram
side to send. The SQL adapter is `models.job_repo.SqlCutoffRepository` (``uow.cutoff``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from domain.register_route import Stage
from formats.exports import ApprovedPayment
from services.approval_ports import ApprovalUnitOfWork
from services.ports import AuditEvent, PersonView
from services.register_ports import RegisterSummary

ZERO = Decimal("0.00")


class Job(StrEnum):
    REMIND = "remind"
    CUTOFF = "cutoff"
    DIGEST = "digest"


@dataclass(frozen=True)
class JobKey:
    """One run of a job: its business date and, for reminders, the minutes before the
    cutoff (0 for the cutoff and the digest)."""

    job: Job
    day: date
    offset: int = 0


@dataclass(frozen=True)
class JobRun:
    """A claimed run as stored; ``finished_at`` None: under way, or died half-way."""

    id: int
    key: JobKey
    instance: str
    started_at: datetime
    finished_at: datetime | None
    result: Mapping[str, object] | None


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a run: ``run`` is ours when ``ours``; otherwise it is the
    run someone else holds. ``took_over``: we took a stale unfinished run over."""

    run: JobRun
    ours: bool
    took_over: bool = False


@dataclass(frozen=True)
class StageWaiting:
    """A register in approval for the day, and its items waiting at the current stage:
    ``waiting`` alive items of the stage, ``undecided`` of them without a decision yet,
    ``total`` the RUB sum of the waiting ones."""

    register_id: int
    dc_name: str
    stage: Stage
    dc_director: str | None
    department_director: str | None
    waiting: int
    undecided: int
    total: Decimal


@dataclass(frozen=True)
class ClosedRegister:
    """A register the cutoff closed: its status and stage before, and how many of its
    waiting items already had a decision at that stage (the rest were undecided)."""

    register_id: int
    old_status: str
    old_stage: str | None
    decided: int


@dataclass(frozen=True)
class MissedItem:
    position: int
    counterparty: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class MissedRegister:
    """A register closed by the cutoff with its missed items (``items``: the first few,
    by position; ``count``/``total``: all of them, RUB total)."""

    register_id: int
    dc_id: int
    dc_name: str
    payment_date: date
    count: int
    total: Decimal
    items: tuple[MissedItem, ...]
    uploaded_by: str
    dc_director: str | None
    department_director: str | None = None


@dataclass(frozen=True)
class FigureRow:
    """Items of one DC in one status and currency: how many and their sum."""

    dc_code: str
    dc_name: str
    status: str
    currency: str
    count: int
    amount: Decimal


@dataclass(frozen=True)
class CarryDraft:
    """The new draft a carry-over makes (its items are copied in SQL)."""

    source_register_id: int
    dc_id: int
    uploaded_by_id: int
    payment_date: date
    created_at: datetime
    note: str


class CutoffRepository(Protocol):
    async def claim(
        self, key: JobKey, instance: str, now: datetime, stale_before: datetime
    ) -> Claim:
        """Insert the run's row (unique per key). When a row exists, take it over only if
        it never finished and started before ``stale_before``."""
        ...

    async def finish(self, run_id: int, now: datetime, result: Mapping[str, object]) -> None: ...
    async def note(self, run_id: int, result: Mapping[str, object]) -> None:
        """Store a partial result on a run still under way (kept if it is taken over)."""
        ...

    async def run_of(self, key: JobKey) -> JobRun | None: ...
    async def waiting(self, day: date) -> Sequence[StageWaiting]:
        """Registers in approval paid on ``day`` with items waiting at their stage."""
        ...

    async def close_day(self, day: date, now: datetime) -> Sequence[ClosedRegister]:
        """Set-based: every pending item of the day's in-approval/returned registers
        becomes missed, and those registers closed (version bumped). Decisions taken at
        their stage are counted before."""
        ...

    async def missed(self, day: date, first: int) -> Sequence[MissedRegister]: ...
    async def audit_many(self, events: Sequence[AuditEvent], now: datetime) -> None:
        """Append the events to the audit chain in order, taking its tip once."""
        ...

    async def accountants(self, dc_ids: Sequence[int]) -> Mapping[int, Sequence[str]]: ...
    async def figures(self, day: date) -> Sequence[FigureRow]: ...
    async def approved_payments(self, day: date) -> Sequence[ApprovedPayment]: ...
    async def lock_register(self, register_id: int) -> tuple[str, date] | None:
        """(status, payment date) of the register, locked until commit."""
        ...

    async def carry_over(self, draft: CarryDraft) -> int | None:
        """Copy the source register's missed items not carried yet (to a register that was
        not cancelled) into a new draft; its id, or None when nothing was left to carry."""
        ...

    async def carried_into(self, register_id: int) -> int | None:
        """The live register the source's missed items were carried into, if any."""
        ...


class CutoffUnitOfWork(ApprovalUnitOfWork, Protocol):
    @property
    def cutoff(self) -> CutoffRepository: ...


# --- what the Telegram side sends ------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One reminder to one approver (or substitute): their registers due today with items
    still waiting for them, and the cutoff read in their own time zone."""

    person: PersonView
    registers: tuple[StageWaiting, ...]
    cutoff_at: datetime
    now: datetime
    timezone: str

    @property
    def waiting(self) -> int:
        return sum(r.waiting for r in self.registers)

    @property
    def undecided(self) -> int:
        return sum(r.undecided for r in self.registers)

    @property
    def total(self) -> Decimal:
        return sum((r.total for r in self.registers), ZERO)


@dataclass(frozen=True)
class MissedNotice:
    """The missed items of a person's registers; ``can_carry`` for accountants, who get a
    button carrying each register's missed items to ``carry_to``."""

    person: PersonView
    registers: tuple[MissedRegister, ...]
    can_carry: bool
    carry_to: date


@dataclass(frozen=True)
class Figures:
    count: int = 0
    sums: Mapping[str, Decimal] | None = None

    @property
    def rub(self) -> Decimal:
        return (self.sums or {}).get("RUB", ZERO)


@dataclass(frozen=True)
class DcFigures:
    """One DC's day (or the total, with ``dc_code`` empty)."""

    dc_code: str
    dc_name: str
    approved: Figures
    rejected: Figures
    missed: Figures
    open: Figures


@dataclass(frozen=True)
class LateRegister:
    """A register the cutoff found still waiting at a stage, and who held that stage."""

    register_id: int
    dc_name: str
    stage: str
    waiting: int
    undecided: int
    people: tuple[str, ...]


@dataclass(frozen=True)
class DigestFile:
    filename: str
    data: bytes
    caption: str


@dataclass(frozen=True)
class Digest:
    """The finance digest of a business day (PRODUCT §5)."""

    day: date
    dcs: tuple[DcFigures, ...]
    total: DcFigures
    largest: tuple[ApprovedPayment, ...]
    late: tuple[LateRegister, ...]
    files: tuple[DigestFile, ...]
    bank_file_count: int = 0
    bank_file_total: Decimal = ZERO
    without_payer: tuple[str, ...] = ()
    foreign_currency: int = 0


class CutoffSender(Protocol):
    """Delivers the jobs' messages (the Telegram side implements it); each returns how many
    people it reached."""

    async def reminders(self, reminders: Sequence[Reminder]) -> int: ...
    async def missed(self, notices: Sequence[MissedNotice]) -> int: ...
    async def digest(self, digest: Digest, recipients: Sequence[PersonView]) -> int: ...


@dataclass(frozen=True)
class CarryResult:
    """The new draft with the carried items (the accountant sends it on as usual)."""

    summary: RegisterSummary
    carried: int
    source_register_id: int

"""The rules an upload follows, what an upload can come to, and the refusals of the register
use cases (each a `DomainError` with a Russian message)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.calendar import BusinessCalendar, CutoffPolicy
from domain.errors import N_, DomainError
from domain.register_approval import RegisterStatus
from formats.registers import ReadLimits
from services.register_ports import DealerCenterRef, RegisterSummary

DEFAULT_CUTOFF = CutoffPolicy(BusinessCalendar(), ZoneInfo("Europe/Moscow"), time(14, 0))


@dataclass(frozen=True)
class RegisterRules:
    """Config of the upload flow: file caps, the general director's threshold, the cutoff
    policy that gives the payment date, the duplicate look-back window, and how far past the
    earliest payment date the accountant may move it.

    Invariants: ``ceo_threshold`` > 0; ``duplicate_window`` and ``date_horizon_days`` > 0.
    """

    limits: ReadLimits = field(default_factory=ReadLimits)
    ceo_threshold: Decimal = Decimal("1000000")
    cutoff: CutoffPolicy = DEFAULT_CUTOFF
    duplicate_window: timedelta = timedelta(days=30)
    date_horizon_days: int = 30

    def __post_init__(self) -> None:
        if self.ceo_threshold <= 0 or self.date_horizon_days <= 0:
            raise ValueError("ceo_threshold and date_horizon_days must be positive")
        if self.duplicate_window <= timedelta(0):
            raise ValueError("duplicate_window must be positive")

    @classmethod
    def from_config(
        cls,
        *,
        max_file_mb: float,
        max_rows: int,
        ceo_threshold: Decimal,
        timezone: str,
        cutoff: time,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
    ) -> RegisterRules:
        """From the ``[registers]`` and ``[schedule]`` sections of the config."""
        calendar = BusinessCalendar(frozenset(holidays), frozenset(workdays))
        return cls(
            limits=ReadLimits.from_config(max_file_mb, max_rows),
            ceo_threshold=ceo_threshold,
            cutoff=CutoffPolicy(calendar, ZoneInfo(timezone), cutoff),
        )


@dataclass(frozen=True)
class NeedDealerCenter:
    """The file is clean, but the accountant serves several DCs: ask which one (and upload
    again with its code)."""

    choices: tuple[DealerCenterRef, ...]


@dataclass(frozen=True)
class Rejected:
    """The file cannot become a register; nothing was stored. ``errors`` are complete Russian
    lines («Строка 14: ...»); ``report`` is the plain-text report for a .txt attachment."""

    filename: str
    errors: tuple[str, ...]
    report: str


@dataclass(frozen=True)
class DraftReady:
    """The register is stored as a draft; the summary card shows it."""

    summary: RegisterSummary


UploadOutcome = NeedDealerCenter | Rejected | DraftReady


class RegisterNotFound(DomainError):
    def __init__(self) -> None:
        super().__init__(N_("Реестр не найден."))


class RegisterChanged(DomainError):
    """The button was pressed on a stale card: the register changed since. ``summary`` is
    its current state, for refreshing the card."""

    def __init__(self, summary: RegisterSummary) -> None:
        super().__init__(N_("Реестр №{number} изменился — карточка обновлена."), number=summary.id)
        self.summary = summary


class RegisterNotDraft(DomainError):
    """The register is no longer a draft (sent or cancelled): a double tap lands here."""

    def __init__(self, summary: RegisterSummary) -> None:
        text = {
            RegisterStatus.IN_APPROVAL: N_("Реестр №{number} уже отправлен на согласование."),
            RegisterStatus.CANCELLED: N_("Реестр №{number} уже отменён."),
        }.get(summary.status, N_("Реестр №{number} уже не черновик."))
        super().__init__(text, number=summary.id)
        self.summary = summary


class FileRefused(DomainError):
    """A file refused before it is read (too big to download)."""


class PaymentDateRefused(DomainError):
    """A payment date that is not a business day, too early or too far ahead."""

"""The daily cutoff (PRODUCT §5): reminders, the cutoff itself, the finance digest, and the
carry-over of missed payments. Each job is an idempotent scan for one business date: it
claims its (job, date[, offset]) row first, so another instance, a restart or a rerun by
hand does nothing new and says so."""

from __future__ import annotations

from dataclasses import dataclass

from services.cutoff.base import (
    CutoffRules,
    CutoffUowFactory,
    JobReport,
    default_instance,
    reminder_offset,
)
from services.cutoff.carry import AlreadyCarried, CarryOver
from services.cutoff.closing import RunCutoff
from services.cutoff.digest import RunDigest
from services.cutoff.ports import (
    CarryResult,
    CutoffSender,
    Digest,
    Job,
    JobKey,
    MissedNotice,
    Reminder,
)
from services.cutoff.reminders import RunReminders
from services.ports import Clock


@dataclass(frozen=True)
class CutoffCases:
    """The cutoff use cases (``usecases.cutoff``)."""

    remind: RunReminders
    cutoff: RunCutoff
    digest: RunDigest
    carry_over: CarryOver
    rules: CutoffRules

    @classmethod
    def build(cls, uow: CutoffUowFactory, clock: Clock, rules: CutoffRules) -> CutoffCases:
        return cls(
            remind=RunReminders(uow, clock, rules),
            cutoff=RunCutoff(uow, clock, rules),
            digest=RunDigest(uow, clock, rules),
            carry_over=CarryOver(uow, clock, rules),
            rules=rules,
        )


__all__ = [
    "AlreadyCarried",
    "CarryOver",
    "CarryResult",
    "CutoffCases",
    "CutoffRules",
    "CutoffSender",
    "Digest",
    "Job",
    "JobKey",
    "JobReport",
    "MissedNotice",
    "Reminder",
    "RunCutoff",
    "RunDigest",
    "RunReminders",
    "default_instance",
    "reminder_offset",
]

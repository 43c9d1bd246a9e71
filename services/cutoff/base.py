"""Shared machinery of the daily jobs: the rules, the report a run gives back, claiming and
finishing a run, and who decides at a register's current stage today."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.calendar import CutoffPolicy
from domain.register_route import Stage, resolve_actor
from domain.roles import Role
from services.cutoff.ports import Claim, CutoffUnitOfWork, JobKey, StageWaiting
from services.ports import Clock

CutoffUowFactory = Callable[[], CutoffUnitOfWork]
_DC_STAGES = {Stage.DC_DIRECTOR, Stage.DEPARTMENT_DIRECTOR}


def day_text(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def default_instance() -> str:
    """Who runs a job, as the ledger records it: host and process id."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


@dataclass(frozen=True)
class CutoffRules:
    """The cutoff policy (calendar, head-office zone, cutoff time); how long an unfinished
    run holds its day before another instance may take it over; how many missed items a
    notice lists per register; how many of the largest payments the digest shows."""

    cutoff: CutoffPolicy
    lease: timedelta = timedelta(minutes=15)
    missed_shown: int = 10
    largest: int = 10


@dataclass(frozen=True)
class JobReport:
    """What a run did, for the CLI and the logs. ``done`` is False when this call did
    nothing (not a business day, too early or late, or the run belongs to someone else);
    ``message`` says which in Russian."""

    key: JobKey
    done: bool
    message: str
    sent: int = 0
    result: Mapping[str, object] = field(default_factory=dict)


def reminder_offset(
    policy: CutoffPolicy, offsets: Sequence[int], day: date, now: datetime
) -> int | None:
    """The reminder slot ``now`` falls in: the smallest offset (minutes before the cutoff)
    whose moment has come, or the largest one before any has; None without offsets."""
    if not offsets:
        return None
    cutoff = policy.cutoff_moment(day)
    due = [m for m in offsets if cutoff - timedelta(minutes=m) <= now]
    return min(due) if due else max(offsets)


class JobUseCase:
    def __init__(self, uow: CutoffUowFactory, clock: Clock, rules: CutoffRules) -> None:
        self._uow, self._clock, self._rules = uow, clock, rules

    @property
    def policy(self) -> CutoffPolicy:
        return self._rules.cutoff

    def _not_business(self, key: JobKey) -> JobReport | None:
        if self.policy.calendar.is_business_day(key.day):
            return None
        return JobReport(key, False, f"{day_text(key.day)} — не рабочий день: делать нечего.")

    async def _claim(self, key: JobKey, instance: str | None) -> Claim:
        now = self._clock.now()
        async with self._uow() as uow:
            claim = await uow.cutoff.claim(
                key, instance or default_instance(), now, now - self._rules.lease
            )
            await uow.commit()
        return claim

    async def _finish(self, run_id: int, result: Mapping[str, object]) -> None:
        async with self._uow() as uow:
            await uow.cutoff.finish(run_id, self._clock.now(), result)
            await uow.commit()

    def _held(self, claim: Claim, title: str) -> JobReport:
        run = claim.run
        started = run.started_at.astimezone(self.policy.head_office_tz)
        if run.finished_at is None:
            state = f"уже выполняется ({run.instance}, начато {started:%d.%m %H:%M:%S})"
        else:
            state = f"уже выполнена ({run.instance}, {started:%d.%m %H:%M:%S})"
        return JobReport(
            run.key, False, f"{title} {state} — ничего не сделано повторно.", 0, run.result or {}
        )

    async def _approvers(
        self, uow: CutoffUnitOfWork, registers: Sequence[StageWaiting], day: date
    ) -> dict[int, tuple[str, ...]]:
        """Register id -> the people who may decide at its stage on ``day``: holders who
        are present, and the substitutes (chains followed) of those who are away."""
        substitutes = await uow.approvals.substitutes(day)
        by_role: dict[Stage, list[str]] = {}
        found: dict[int, tuple[str, ...]] = {}
        for register in registers:
            holders = await self._holders(uow, register, by_role)
            candidates = set(holders)
            for _ in range(len(substitutes) + 1):  # follow substitute chains to the end
                more = {s.substitute for s in substitutes if s.person in candidates}
                if more <= candidates:
                    break
                candidates |= more
            found[register.register_id] = tuple(
                sorted(c for c in candidates if resolve_actor(c, holders, substitutes, day))
            )
        return found

    async def _holders(
        self, uow: CutoffUnitOfWork, register: StageWaiting, by_role: dict[Stage, list[str]]
    ) -> list[str]:
        stage = register.stage
        if stage in _DC_STAGES:
            holder = (
                register.dc_director
                if stage is Stage.DC_DIRECTOR
                else register.department_director
            )
            return [holder] if holder else []
        if stage not in by_role:
            people = await uow.org.people_with_role(Role(stage.value))
            by_role[stage] = [p.code for p in people]
        return by_role[stage]

"""Reminders before the cutoff (PRODUCT §5): every approver, or the substitute of an absent
one, with items still waiting for them in registers due that day gets one message per
reminder offset — count, sum, the time left read in their own zone, a button per card."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from services.cutoff.base import JobReport, JobUseCase, day_text
from services.cutoff.ports import (
    CutoffSender,
    CutoffUnitOfWork,
    Job,
    JobKey,
    Reminder,
    StageWaiting,
)


class RunReminders(JobUseCase):
    """``offset``: minutes before the cutoff this run belongs to (one run per offset)."""

    async def __call__(
        self, day: date, offset: int, sender: CutoffSender, *, instance: str | None = None
    ) -> JobReport:
        key = JobKey(Job.REMIND, day, offset)
        if (skipped := self._not_business(key)) is not None:
            return skipped
        now, cutoff_at = self._clock.now(), self.policy.cutoff_moment(day)
        if now >= cutoff_at:
            return JobReport(
                key, False, f"Отсечка {day_text(day)} уже прошла — напоминать поздно."
            )
        claim = await self._claim(key, instance)
        title = f"Напоминание за {offset} мин до отсечки {day_text(day)}"
        if not claim.ours:
            return self._held(claim, title)
        reminders = await self._reminders(day, now, cutoff_at)
        sent = await sender.reminders(reminders)
        result = {
            "people": len(reminders),
            "sent": sent,
            "registers": len({r.register_id for rem in reminders for r in rem.registers}),
        }
        await self._finish(claim.run.id, result)
        message = f"{title}: напомнили {sent} из {len(reminders)} согласующих."
        return JobReport(key, True, message, sent, result)

    async def _reminders(self, day: date, now: datetime, cutoff_at: datetime) -> list[Reminder]:
        async with self._uow() as uow:
            waiting = await uow.cutoff.waiting(day)
            approvers = await self._approvers(uow, waiting, day)
            per_person: dict[str, list[StageWaiting]] = defaultdict(list)
            for register in waiting:
                for code in approvers[register.register_id]:
                    per_person[code].append(register)
            people = await uow.approvals.people(sorted(per_person))
            return [
                Reminder(
                    person=person,
                    registers=tuple(per_person[person.code]),
                    cutoff_at=cutoff_at,
                    now=now,
                    timezone=await self._zone(uow, person.id),
                )
                for person in people
                if person.active
            ]

    async def _zone(self, uow: CutoffUnitOfWork, person_id: int) -> str:
        zone = await uow.approvals.timezone_of(person_id)
        return zone or self.policy.head_office_tz.key

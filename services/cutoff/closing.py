"""The cutoff (PRODUCT §5): every item of the day not approved through all its stages becomes
«не согласован к сроку», its register closed — in two set-based UPDATEs — with one audit
entry per register; then accountants and DC directors get the list of their missed items.

The people told are read from the stored state (registers of the day closed, items missed),
not from what this run changed, so a run taken over after a crash still tells everyone.
Who left items waiting at the cutoff is written into the run's row in the same transaction
as the close, for the digest. Statements per run: a fixed handful, whatever the items.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime

from domain.register_approval import RegisterStatus
from domain.register_route import Stage
from services.cutoff.base import JobReport, JobUseCase, day_text
from services.cutoff.ports import (
    Claim,
    ClosedRegister,
    CutoffSender,
    CutoffUnitOfWork,
    Job,
    JobKey,
    LateRegister,
    MissedNotice,
    MissedRegister,
    StageWaiting,
)
from services.ports import AuditEvent

SYSTEM = "system"


class RunCutoff(JobUseCase):
    async def __call__(
        self, day: date, sender: CutoffSender, *, instance: str | None = None
    ) -> JobReport:
        key = JobKey(Job.CUTOFF, day)
        if (skipped := self._not_business(key)) is not None:
            return skipped
        cutoff_at = self.policy.cutoff_moment(day)
        if self._clock.now() < cutoff_at:
            local = cutoff_at.astimezone(self.policy.head_office_tz)
            return JobReport(key, False, f"Отсечка {day_text(day)} ещё не наступила: она в "
                             f"{local:%H:%M} ({self.policy.head_office_tz.key}).")  # fmt: skip
        claim = await self._claim(key, instance)
        title = f"Отсечка {day_text(day)}"
        if not claim.ours:
            return self._held(claim, title)
        closed, registers, late = await self._close(day, claim)
        notices = await self._notices(registers, day)
        sent = await sender.missed(notices)
        result = {
            "closed": len(closed),
            "missed": sum(r.count for r in registers),
            "late": late,
            "told": len(notices),
            "sent": sent,
        }
        await self._finish(claim.run.id, result)
        message = (
            f"{title}: закрыто реестров {len(closed)}, не согласовано к сроку платежей "
            f"{result['missed']}; сообщений о них отправлено {sent} из {len(notices)}."
        )
        return JobReport(key, True, message, sent, result)

    async def _close(
        self, day: date, claim: Claim
    ) -> tuple[Sequence[ClosedRegister], Sequence[MissedRegister], list[dict[str, object]]]:
        """Close the day, read back what is missed (every closed register of the day, also
        those an earlier, interrupted run closed), audit and note who was late: one
        transaction."""
        now = self._clock.now()
        async with self._uow() as uow:
            closed = await uow.cutoff.close_day(day, now)
            registers = await uow.cutoff.missed(day, self._rules.missed_shown)
            by_id = {r.register_id: r for r in registers}
            late: list[dict[str, object]] = [
                asdict(entry) for entry in await self._late(uow, closed, by_id, day)
            ]
            earlier = (claim.run.result or {}).get("late")
            if isinstance(earlier, list):  # a run taken over: the first one saw those
                late = earlier + late
            events = [_closed_event(c, by_id.get(c.register_id), day) for c in closed]
            await uow.cutoff.audit_many(events, now)
            await uow.cutoff.note(claim.run.id, {"late": late})
            await uow.commit()
        return closed, registers, late

    async def _late(
        self,
        uow: CutoffUnitOfWork,
        closed: Sequence[ClosedRegister],
        missed: Mapping[int, MissedRegister],
        day: date,
    ) -> list[LateRegister]:
        """Registers closed while waiting at a stage, and who held it. Items waiting in a
        register in approval are always at its current stage, so its missed items are
        exactly those that waited there."""
        waiting = [
            StageWaiting(c.register_id, m.dc_name, Stage(c.old_stage), m.dc_director,
                         m.department_director, m.count, m.count - c.decided, m.total)
            for c in closed
            if c.old_status == RegisterStatus.IN_APPROVAL.value and c.old_stage
            and (m := missed.get(c.register_id)) is not None
        ]  # fmt: skip
        approvers = await self._approvers(uow, waiting, day)
        codes = sorted({code for people in approvers.values() for code in people})
        names = {p.code: p.full_name for p in await uow.approvals.people(codes)}
        return [
            LateRegister(w.register_id, w.dc_name, w.stage.value, w.waiting, w.undecided,
                         tuple(names.get(c, c) for c in approvers[w.register_id]))
            for w in waiting
        ]  # fmt: skip

    async def _notices(self, registers: Sequence[MissedRegister], day: date) -> list[MissedNotice]:
        """Each accountant of a register's DC (and its uploader) and its DC director: the
        missed items of their registers of the day, one notice per person."""
        async with self._uow() as uow:
            accountants = await uow.cutoff.accountants([r.dc_id for r in registers])
            mine: dict[str, dict[int, MissedRegister]] = defaultdict(dict)
            carriers: set[str] = set()
            for register in registers:
                keepers = {register.uploaded_by, *accountants.get(register.dc_id, ())}
                carriers |= keepers
                for code in keepers | ({register.dc_director} - {None}):
                    assert code is not None
                    mine[code][register.register_id] = register
            people = await uow.approvals.people(sorted(mine))
        carry_to = self._carry_date(day, self._clock.now())
        return [
            MissedNotice(p, tuple(mine[p.code].values()), p.code in carriers, carry_to)
            for p in people
            if p.active
        ]

    def _carry_date(self, day: date, now: datetime) -> date:
        following = self.policy.calendar.next_business_day(day)
        return max(following, self.policy.payment_date_for_upload(now))


def _closed_event(
    register: ClosedRegister, missed: MissedRegister | None, day: date
) -> AuditEvent:
    old: dict[str, object] = {"value": register.old_status}
    if register.old_stage:
        old["stage"] = register.old_stage
    return AuditEvent(
        actor=SYSTEM,
        action="register.closed_at_cutoff",
        entity_type="register",
        entity_id=str(register.register_id),
        old=old,
        new={"value": RegisterStatus.CLOSED.value, "missed": missed.count if missed else 0,
             "payment_date": day.isoformat()},
    )  # fmt: skip

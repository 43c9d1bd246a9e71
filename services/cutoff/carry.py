"""Carry-over (PRODUCT §5): with one tap the accountant moves the missed items of a register
closed by the cutoff into a new draft register for the next payment date.

Each copy links to its original (``carried_from_item_id``) and counts how many times the
payment has been carried (``carried_count``). The draft has no file of its own: the
original file stays with the original register, which every copy reaches through its link.
A second tap carries nothing twice; it names the register the items went into. If that
draft is cancelled, its items may be carried again.
"""

from __future__ import annotations

from domain.errors import N_, DomainError
from domain.register_approval import RegisterStatus
from services.cutoff.base import JobUseCase, day_text
from services.cutoff.ports import CarryDraft, CarryResult, CutoffUnitOfWork
from services.errors import NotAllowed
from services.ports import AuditEvent, PersonView
from services.registers.model import RegisterNotFound


class AlreadyCarried(DomainError):
    """Every missed item of the register is in a live draft already (``into``)."""

    def __init__(self, register_id: int, into: int | None) -> None:
        if into:
            text = N_("Платежи реестра №{number} уже перенесены в реестр №{into}.")
        else:
            text = N_("Платежи реестра №{number} уже перенесены.")
        super().__init__(text, number=register_id, into=into)
        self.register_id, self.into = register_id, into


class CarryOver(JobUseCase):
    async def __call__(self, actor: PersonView, register_id: int) -> CarryResult:
        now = self._clock.now()
        async with self._uow() as uow:
            locked = await uow.cutoff.lock_register(register_id)
            if locked is None:
                raise RegisterNotFound()
            status, paid_on = locked
            context = await uow.approvals.context(register_id)
            if not actor.active or not context.kept_by(actor.code):
                raise NotAllowed(
                    N_("Переносить платежи реестра №{number} может бухгалтер ДЦ «{dc}»."),
                    number=register_id, dc=context.dc_name,
                )  # fmt: skip
            if status != RegisterStatus.CLOSED.value:
                raise NotAllowed(
                    N_("Реестр №{number} не закрыт отсечкой: переносить из него нечего."),
                    number=register_id,
                )
            new_date = max(
                self.policy.payment_date_for_upload(now),
                self.policy.calendar.next_business_day(paid_on),
            )
            note = f"Перенесено из реестра №{register_id} на {day_text(paid_on)}"
            draft = CarryDraft(register_id, context.dc_id, actor.id, new_date, now, note)
            new_id = await uow.cutoff.carry_over(draft)
            if new_id is None:
                raise AlreadyCarried(register_id, await uow.cutoff.carried_into(register_id))
            summary = await uow.registers.summary(new_id)
            assert summary is not None
            await self._audit(uow, actor, register_id, new_id, summary.item_count)
            await uow.commit()
        return CarryResult(summary, summary.item_count, register_id)

    async def _audit(
        self, uow: CutoffUnitOfWork, actor: PersonView, source: int, target: int, count: int
    ) -> None:
        now = self._clock.now()
        for entity, old, new in (
            (source, None, {"carried_to": target, "items": count}),
            (target, {"carried_from": source}, {"value": RegisterStatus.DRAFT.value,
                                                "items": count}),
        ):  # fmt: skip
            await uow.audit.append(
                AuditEvent(actor.code, "register.carried_over", "register", str(entity),
                           old=old, new=new),
                now,
            )  # fmt: skip

"""What the accountant does with a draft register before it goes on: look at it, move its
payment date, cancel it, or send it for approval.

Every change is checked against the register's ``version`` (a stale card is refused and
refreshed), writes one audit entry and commits once. A second tap on «Отменить» or
«Отправить» finds the register no longer a draft and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from domain.errors import N_
from domain.register_approval import RegisterStatus
from services.errors import NOT_THE_ACCOUNTANT, NotAllowed
from services.ports import AuditEvent, Clock, PersonView
from services.register_ports import RegisterSummary, RegisterUnitOfWork, RegisterUowFactory
from services.registers.model import (
    PaymentDateRefused,
    RegisterChanged,
    RegisterNotDraft,
    RegisterNotFound,
    RegisterRules,
)


class _DraftUseCase:
    def __init__(self, uow: RegisterUowFactory, clock: Clock, rules: RegisterRules) -> None:
        self._uow, self._clock, self._rules = uow, clock, rules

    async def _load(
        self, uow: RegisterUnitOfWork, actor: PersonView, register_id: int
    ) -> RegisterSummary:
        """The register, if ``actor`` keeps the books of its DC (any status)."""
        summary = await uow.registers.summary(register_id)
        if summary is None:
            raise RegisterNotFound()
        served = await uow.registers.dealer_centers_served_by(actor.id) if actor.active else ()
        if summary.dc.id not in {dc.id for dc in served}:
            raise NotAllowed(NOT_THE_ACCOUNTANT, number=summary.id, dc=summary.dc.name)
        return summary

    async def _load_draft(
        self,
        uow: RegisterUnitOfWork,
        actor: PersonView,
        register_id: int,
        expected_version: int | None,
    ) -> RegisterSummary:
        summary = await self._load(uow, actor, register_id)
        if summary.status is not RegisterStatus.DRAFT:
            raise RegisterNotDraft(summary)
        if expected_version is not None and expected_version != summary.version:
            raise RegisterChanged(summary)
        return summary

    async def _change(
        self,
        uow: RegisterUnitOfWork,
        actor: PersonView,
        summary: RegisterSummary,
        *,
        action: str,
        old: dict[str, Any],
        new: dict[str, Any],
        **fields: Any,
    ) -> RegisterSummary:
        now = self._clock.now()
        if not await uow.registers.change_draft(summary.id, summary.version, now, **fields):
            fresh = await uow.registers.summary(summary.id)
            assert fresh is not None
            raise RegisterChanged(fresh)
        await uow.audit.append(
            AuditEvent(actor.code, action, "register", str(summary.id), old=old, new=new), now
        )
        fresh = await uow.registers.summary(summary.id)
        await uow.commit()
        assert fresh is not None
        return fresh

    def earliest_payment_date(self, summary: RegisterSummary, now: datetime) -> date:
        """Not before the date given at upload, nor before what today's cutoff allows."""
        today_rule = self._rules.cutoff.payment_date_for_upload(now)
        return max(summary.earliest_payment_date, today_rule)


class ShowRegister(_DraftUseCase):
    """The summary of a register for an accountant of its DC (any status)."""

    async def __call__(self, actor: PersonView, register_id: int) -> RegisterSummary:
        async with self._uow() as uow:
            return await self._load(uow, actor, register_id)


class ChangePaymentDate(_DraftUseCase):
    """Move a draft's payment date: a business day, not before the earliest allowed date
    (see `earliest_payment_date`) and at most ``date_horizon_days`` after it."""

    def choices(self, summary: RegisterSummary, count: int = 5) -> tuple[date, ...]:
        """The next ``count`` business days the payment date may be moved to."""
        calendar = self._rules.cutoff.calendar
        day = calendar.business_day_on_or_after(
            self.earliest_payment_date(summary, self._clock.now())
        )
        days = [day]
        while len(days) < count:
            days.append(calendar.next_business_day(days[-1]))
        return tuple(days)

    async def __call__(
        self,
        actor: PersonView,
        register_id: int,
        new_date: date,
        expected_version: int | None = None,
    ) -> RegisterSummary:
        async with self._uow() as uow:
            summary = await self._load_draft(uow, actor, register_id, expected_version)
            self._check(summary, new_date)
            if new_date == summary.payment_date:
                return summary
            return await self._change(
                uow,
                actor,
                summary,
                action="register.payment_date_changed",
                old={"payment_date": summary.payment_date},
                new={"payment_date": new_date},
                payment_date=new_date,
            )

    def _check(self, summary: RegisterSummary, new_date: date) -> None:
        earliest = self.earliest_payment_date(summary, self._clock.now())
        if not self._rules.cutoff.calendar.is_business_day(new_date):
            raise PaymentDateRefused(
                N_("{date:%d.%m.%Y} — нерабочий день, платежей нет. Выберите рабочий день."),
                date=new_date,
            )
        if new_date < earliest:
            raise PaymentDateRefused(
                N_("Дата оплаты не может быть раньше {date:%d.%m.%Y}."), date=earliest
            )
        latest = earliest + timedelta(days=self._rules.date_horizon_days)
        if new_date > latest:
            raise PaymentDateRefused(
                N_("Дата оплаты не может быть позже {date:%d.%m.%Y}."), date=latest
            )


class CancelDraft(_DraftUseCase):
    """«Отменить»: the draft is dropped (kept as cancelled for audit; it no longer counts in
    the duplicate check)."""

    async def __call__(
        self, actor: PersonView, register_id: int, expected_version: int | None = None
    ) -> RegisterSummary:
        async with self._uow() as uow:
            summary = await self._load_draft(uow, actor, register_id, expected_version)
            return await self._change(
                uow,
                actor,
                summary,
                action="register.cancelled",
                old={"status": summary.status},
                new={"status": RegisterStatus.CANCELLED},
                status=RegisterStatus.CANCELLED,
            )

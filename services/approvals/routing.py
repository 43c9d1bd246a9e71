"""Moves of the register as a whole: submit (the route starts), return to the accountant,
resubmit after a return, withdraw the register or some of its items."""

from __future__ import annotations

from domain.errors import N_
from domain.register_approval import RegisterStatus
from services.approval_ports import ApprovalUnitOfWork, Notice, Outcome
from services.approvals.base import ApprovalUseCase, Loaded
from services.approvals.refusals import require_version
from services.ports import PersonView
from services.registers.model import PaymentDateRefused, RegisterChanged, RegisterNotDraft


class SubmitForApproval(ApprovalUseCase):
    """«Отправить на согласование»: a draft enters its route; the first stage's approvers
    get its card. A card older than the draft, a register no longer a draft, or a payment
    date whose cutoff has passed are refused with the fresh summary to show."""

    async def __call__(
        self, actor: PersonView, register_id: int, expected_version: int | None = None
    ) -> Outcome:
        async with self._uow() as uow:
            loaded = await self._load(uow, register_id, actor, lock=True)
            self._require_accountant(loaded, actor, late=None)
            summary = await uow.registers.summary(register_id)
            assert summary is not None
            if summary.status is not RegisterStatus.DRAFT:
                raise RegisterNotDraft(summary)
            if expected_version is not None and summary.version != expected_version:
                raise RegisterChanged(summary)
            if self._cutoff_passed(loaded):
                raise PaymentDateRefused(
                    N_(
                        "Отсечка на {date:%d.%m.%Y} прошла: выберите новую дату оплаты и "
                        "отправьте реестр снова."
                    ),
                    date=summary.payment_date,
                )
            loaded.approval.submit(actor.code)
            await self._record(uow, loaded, actor)
            loaded.acting = await self._acting(uow, loaded.approval, loaded.context, actor)
            notices = await self._notify_stage(uow, loaded)
            card = await self._card(uow, loaded, actor, 0)
            await uow.commit()
        return Outcome(card, tuple(notices))


class ReturnRegister(ApprovalUseCase):
    """An approver sends the whole register back to the accountant with a reason."""

    async def __call__(self, actor: PersonView, register_id: int, reason: str) -> Outcome:
        async with self._uow() as uow:
            loaded = await self._load(uow, register_id, actor, lock=True)
            acting = self._require_acting(loaded, actor)
            loaded.approval.return_to_accountant(acting, reason)
            await self._record(uow, loaded, actor)
            notices = await self._returned_notices(uow, loaded, actor, reason)
            loaded.acting = None
            card = await self._card(uow, loaded, actor, 0)
            await uow.commit()
        return Outcome(card, tuple(notices))

    async def _returned_notices(
        self, uow: ApprovalUnitOfWork, loaded: Loaded, actor: PersonView, reason: str
    ) -> list[Notice]:
        context = loaded.context
        told = Notice("returned", actor, loaded.approval.id, reason=reason, context=context)
        notices = await self._notify_accountant(uow, context, told)
        return [Notice("refresh", actor, loaded.approval.id, context=context), *notices]


class ResubmitRegister(ApprovalUseCase):
    """After a return, the accountant sends the register again: a new round from the
    first stage. Everyone's card is refreshed (none keeps saying «возвращён»), and the first
    stage's approvers get the card of the new round."""

    async def __call__(self, actor: PersonView, register_id: int) -> Outcome:
        async with self._uow() as uow:
            loaded = await self._load(uow, register_id, actor, lock=True)
            self._require_accountant(loaded, actor)
            loaded.approval.resubmit(actor.code)
            await self._record(uow, loaded, actor)
            notices = [
                Notice("refresh", actor, register_id, context=loaded.context),
                *await self._notify_stage(uow, loaded),
            ]
            card = await self._card(uow, loaded, actor, 0)
            await uow.commit()
        return Outcome(card, tuple(notices))


class WithdrawRegister(ApprovalUseCase):
    """The accountant withdraws the register (``item_ids`` None) or some of its items before
    the cutoff; the approvers' cards are refreshed."""

    async def __call__(
        self,
        actor: PersonView,
        register_id: int,
        item_ids: list[int] | None = None,
        *,
        expected_version: int | None = None,
    ) -> Outcome:
        """``expected_version``: the version of the card the withdrawal was confirmed on."""
        async with self._uow() as uow:
            loaded = await self._load(uow, register_id, actor, lock=True)
            self._require_accountant(loaded, actor)
            if expected_version is not None:
                require_version(loaded, expected_version)
            stage_before = loaded.approval.stage
            loaded.approval.withdraw(actor.code, item_ids)
            await self._record(uow, loaded, actor)
            notices: list[Notice] = [Notice("refresh", actor, register_id, context=loaded.context)]
            if loaded.approval.stage is not None and loaded.approval.stage != stage_before:
                notices += await self._notify_stage(uow, loaded)
            card = await self._card(uow, loaded, actor, 0)
            await uow.commit()
        return Outcome(card, tuple(notices))

"""The approver's moves on a register: approve the rest, send it on, return it to the
accountant (deciding one item is in ``batching``). Each is one transaction with its audit
entries; a double tap changes nothing the second time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from domain.money import sum_by_currency
from domain.register_approval import Item, ItemStatus, RegisterStatus
from domain.register_route import HOME_CURRENCY
from services.approval_ports import ApprovalUnitOfWork, Notice, Outcome
from services.approvals.base import ApprovalUseCase, Loaded
from services.approvals.refusals import Seen, require_version, stale_card
from services.ports import PersonView


@dataclass(frozen=True)
class RestPreview:
    """What «Одобрить все оставшиеся» would approve: shown for confirmation. ``totals``:
    the sum per currency, roubles first, so a confirmation never adds dollars to roubles."""

    register_id: int
    version: int
    count: int
    totals: tuple[tuple[str, Decimal], ...]


def totals_by_currency(items: Iterable[Item]) -> tuple[tuple[str, Decimal], ...]:
    """The items' sums per currency, roubles first."""
    sums = sum_by_currency((item.currency, item.amount) for item in items)
    return tuple(sorted(sums.items(), key=lambda pair: (pair[0] != HOME_CURRENCY, pair[0])))


class PreviewApproveRest(ApprovalUseCase):
    async def __call__(self, actor: PersonView, register_id: int) -> RestPreview:
        async with self._uow() as uow:
            loaded = await self._load(uow, register_id, actor, lock=False)
            self._require_acting(loaded, actor)
            rest = loaded.approval.undecided()
        version = loaded.approval.version
        return RestPreview(register_id, version, len(rest), totals_by_currency(rest))


class ApproveRest(ApprovalUseCase):
    """Approve every undecided item of the stage, as confirmed at ``expected_version``."""

    async def __call__(
        self, actor: PersonView, register_id: int, expected_version: int, page: int = 0
    ) -> Outcome:
        async with self._uow() as uow:
            loaded = await self._load(uow, register_id, actor, lock=True)
            acting = self._require_acting(loaded, actor)
            require_version(loaded, expected_version)
            approved = loaded.approval.approve_rest(acting)
            if approved:
                await self._record(uow, loaded, actor)
            card = await self._card(uow, loaded, actor, page)
            await uow.commit()
        return Outcome(card)


class SendOn(ApprovalUseCase):
    """«Отправить дальше»: rejected items end (the accountant is told why), approved ones
    go to the next stage's approvers, or the register is approved."""

    async def __call__(
        self, actor: PersonView, register_id: int, seen: Seen | None = None
    ) -> Outcome:
        """``seen``: the (round, stage) of the card «Отправить дальше» was tapped on."""
        async with self._uow() as uow:
            loaded = await self._load(uow, register_id, actor, lock=True)
            acting = self._require_acting(loaded, actor)
            if stale := stale_card(loaded, seen):
                raise stale
            approval = loaded.approval
            decided = {i.id: i for i in approval.at_stage()}
            stage_before = approval.stage
            approval.send_on(acting)
            await self._record(uow, loaded, actor)
            rejected = {
                i.id for i in approval.items if i.id in decided and i.status is ItemStatus.REJECTED
            }
            notices = await self._tell_after_stage(uow, loaded, actor, rejected)
            # The actor decided the stage just closed; the card shows whether they decide
            # the next one too (usually not: then it is read-only).
            loaded.acting = await self._acting(uow, approval, loaded.context, actor)
            card = await self._card(uow, loaded, actor, 0)
            await uow.commit()
        note = str(stage_before) if stage_before else None
        return Outcome(card, tuple(notices), note)

    async def _tell_after_stage(
        self, uow: ApprovalUnitOfWork, loaded: Loaded, actor: PersonView, rejected: set[int]
    ) -> list[Notice]:
        approval, context = loaded.approval, loaded.context
        notices: list[Notice] = [Notice("refresh", actor, approval.id, context=context)]
        if rejected:
            told = tuple(
                await uow.approvals.card_items(approval.id, approval.round, None, sorted(rejected))
            )
            notices += await self._notify_accountant(
                uow, context, Notice("rejected", actor, approval.id, told, context=context)
            )
        if approval.status in (RegisterStatus.APPROVED, RegisterStatus.REJECTED):
            kind = "approved" if approval.status is RegisterStatus.APPROVED else "rejected_all"
            notices += await self._notify_accountant(
                uow, context, Notice(kind, actor, approval.id, context=context)
            )
        else:
            notices += await self._notify_stage(uow, loaded)
        return notices

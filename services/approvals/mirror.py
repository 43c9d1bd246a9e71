"""The register mirror read back from storage: the state reconcile compares with Bitrix24,
and a re-sync for moves made outside the aggregate (e.g. a set-based close at the cutoff).
The messages of ordinary moves are written by ``ApprovalUseCase._record``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from services.approval_ports import ApprovalUnitOfWork
from services.approvals.base import ApprovalRules, ApprovalUseCase
from services.approvals.records import build_approval
from services.outbox_ports import NewOutboxMessage
from services.register_mirror import MirrorState, RegisterMirror


class MirrorSnapshot(ApprovalUseCase):
    """Implements ``services.register_mirror.RegisterSnapshot`` over the database: the
    registers (and all their payments) as stored now. Empty without a configured mirror;
    unknown registers and drafts are left out."""

    async def __call__(self, register_ids: Sequence[int]) -> Sequence[NewOutboxMessage]:
        mirror = self._rules.mirror
        if mirror is None:
            return []
        messages: list[NewOutboxMessage] = []
        async with self._uow() as uow:
            for register_id in register_ids:
                state = await stored_state(uow, register_id, self._rules, mirror)
                if state is not None:
                    messages += mirror.snapshot(state)
        return messages


async def stored_state(
    uow: ApprovalUnitOfWork, register_id: int, rules: ApprovalRules, mirror: RegisterMirror
) -> MirrorState | None:
    record = await uow.approvals.load(register_id, lock=False)
    if record is None:
        return None
    approval = build_approval(record, rules.route)
    context = await uow.approvals.context(register_id)
    return await mirror.load_state(uow, approval, context)


async def resync_register(
    uow: ApprovalUnitOfWork, register_id: int, rules: ApprovalRules, now: datetime
) -> list[int]:
    """Queue the register's stored state (fields only) inside ``uow``'s transaction, after
    a change made without the aggregate's events; returns the outbox ids (none when
    Bitrix24 is not configured)."""
    if rules.mirror is None:
        return []
    state = await stored_state(uow, register_id, rules, rules.mirror)
    if state is None:
        return []
    return [await uow.outbox.add(m, now) for m in rules.mirror.snapshot(state)]

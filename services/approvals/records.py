"""The approval aggregate to and from storage: a register record becomes the domain's
RegisterApproval, and the aggregate's events become audit entries (PRODUCT §7: who, on
behalf of whom, item, old → new, reason)."""

from __future__ import annotations

from domain.register_approval import Event, Item, RegisterApproval
from domain.register_route import HOME_CURRENCY, RoutePolicy, stages_of
from services.approval_ports import RegisterRecord
from services.ports import AuditEvent


def audit_entry(register_id: int, event: Event) -> AuditEvent:
    """One event of the aggregate as an audit entry of the register."""
    new: dict[str, object] = {}
    old: dict[str, object] = {}
    if event.item_id is not None:
        new["item_id"] = old["item_id"] = event.item_id
    if event.stage is not None:
        new["stage"] = str(event.stage)
    if event.new is not None:
        new["value"] = str(event.new)
    if event.old is not None:
        old["value"] = str(event.old)
    return AuditEvent(
        actor=event.actor,
        action=event.action,
        entity_type="register",
        entity_id=str(register_id),
        on_behalf_of=event.on_behalf_of,
        old=old or None,
        new=new or None,
        reason=event.reason,
    )


def build_approval(record: RegisterRecord, policy: RoutePolicy) -> RegisterApproval:
    """The aggregate from storage. A draft takes its DC's route from the policy now; a
    submitted register keeps the route it was submitted with."""
    route = record.route or policy.route_for(record.dc_code)
    # Two possible answers; worked out once, not per item of a register of hundreds.
    stages = {ceo: stages_of(route, goes_to_ceo=ceo) for ceo in (False, True)}
    items = [
        Item(
            id=r.id,
            position=r.position,
            amount=r.amount,
            status=r.status,
            stages=stages[r.over_threshold or r.currency != HOME_CURRENCY],
            decision=r.decision,
            decided_by=r.decided_by,
            reason=r.reason,
            on_behalf_of=r.on_behalf_of,
            currency=r.currency,
        )
        for r in record.items
    ]
    stage_index = route.index(record.stage) if record.stage in route else None
    return RegisterApproval(
        id=record.id,
        status=record.status,
        route=route,
        items=items,
        stage_index=stage_index,
        round=record.round,
        version=record.version,
    )

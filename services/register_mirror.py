"""The mirror of payment registers in Bitrix24 (PRODUCT §6): what the approval use cases put
into the outbox, built from the same domain events as their audit entries.

Mapping. One smart process (``entity_type_id``) holds two kinds of items, usually in two
funnels (the funnel is the category of the configured stage ids):

- a register is one item: title «Реестр №12 · <DC> · оплата 30.11.2026», the total as its
  amount, a stage per register state (the route stage it waits at, or returned, approved,
  withdrawn, closed);
- each payment of a register is one item of its own: title «№3 · <counterparty> · <amount>»,
  its amount and currency, the INN and payment date in optional user fields, and a stage
  per payment state.

Both carry our id in ``id_field`` («register:12», «register_item:345»: the relay finds an
item it created before instead of adding a second one) and the register's id in
``register_field`` (so a filter on it lists a register with its payments). Product rows of
one item were the alternative and were rejected: a product row is not a CRM object - it has
no stage, no timeline and no user fields - so a decision on one payment could neither move
it nor be commented on it, and every change of rows recalculates the owner's amount and
runs its automation.

A payment's stage is a function of its state: undecided at a route stage -> that stage;
approved at a stage -> where it goes when the stage is sent on (its next stage, or
«approved»); rejected -> «rejected»; a returned register's live payments -> «returned»;
otherwise its status (approved, rejected, withdrawn, missed). So every decision moves the
payment, and sending a stage on moves no payment to a stage it did not show already.

Messages (kind ``b24.register.mirror``), one per changed entity and move, ordered per
entity (``register``/``register_item`` and our id): the ``b24.crm.upsert`` payload
(``entity_type_id``, ``local_id_field``, ``local_id``, ``fields``) plus an optional
``comment`` - plain text for the item's timeline (who decided, on whose behalf, the
reason). Every message carries all of the item's fields, so any one of them can create the
item, and a repeated one changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

from domain.money import format_amount
from domain.register_approval import (
    Decision,
    Event,
    Item,
    ItemStatus,
    RegisterApproval,
    RegisterStatus,
)
from domain.register_route import Stage
from services.approval_ports import ApprovalUnitOfWork, CardItem, RegisterContext
from services.outbox_ports import NewOutboxMessage
from services.register_mirror_texts import event_lines

REGISTER_MIRROR_KIND = "b24.register.mirror"
REGISTER_ENTITY = "register"
ITEM_ENTITY = "register_item"
REGISTER_ENDS = ("returned", "approved", "rejected", "withdrawn", "closed")
ITEM_ENDS = ("approved", "rejected", "withdrawn", "missed", "returned")
ITEM_EVENTS = frozenset({"register.item.decided", "register.item.withdrawn"})
UNMIRRORED = frozenset({RegisterStatus.DRAFT, RegisterStatus.CANCELLED})
TITLE_MAX = 255
_CATEGORY = re.compile(r"^DT\d+_(\d+):")


@dataclass(frozen=True)
class MirrorSettings:
    """Where registers go in Bitrix24 (``[bitrix24.registers]``).

    Invariants: both stage maps hold a stage id for every route stage and every end state
    (``REGISTER_ENDS``/``ITEM_ENDS``); ``id_field`` and ``register_field`` are user fields
    of the smart process ``entity_type_id``.
    """

    entity_type_id: int
    id_field: str
    register_field: str
    register_stages: Mapping[str, str]
    item_stages: Mapping[str, str]
    inn_field: str | None = None
    payment_date_field: str | None = None

    def __post_init__(self) -> None:
        route = [stage.value for stage in Stage]
        for name, stages, ends in (
            ("register_stages", self.register_stages, REGISTER_ENDS),
            ("item_stages", self.item_stages, ITEM_ENDS),
        ):
            missing = [key for key in (*route, *ends) if not stages.get(key)]
            if missing:
                raise ValueError(f"{name}: no stage id for {', '.join(missing)}")
        if not self.id_field or not self.register_field:
            raise ValueError("id_field and register_field are required")


class RegisterSnapshot(Protocol):
    """The mirror messages (fields only, no comments) of registers as they are stored now,
    with all their payments; for ``viza b24 reconcile``."""

    async def __call__(self, register_ids: Sequence[int]) -> Sequence[NewOutboxMessage]: ...


@dataclass(frozen=True)
class MirrorState:
    """A register after a move, with what the messages need besides the aggregate."""

    approval: RegisterApproval
    context: RegisterContext
    items: Sequence[CardItem]
    names: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def by_id(self) -> dict[int, Item]:
        return {item.id: item for item in self.approval.items}


class RegisterMirror:
    """Builds the mirror messages of a register. Stateless apart from its settings; the
    approval use cases hold one (``ApprovalRules.mirror``) only when Bitrix24 is set up."""

    def __init__(self, settings: MirrorSettings) -> None:
        self.settings = settings

    async def record(
        self, uow: ApprovalUnitOfWork, approval: RegisterApproval, context: RegisterContext,
        now: datetime,
    ) -> list[int]:  # fmt: skip
        """Queue the messages of the move just made (``approval.events``) in ``uow``'s
        transaction; returns the outbox ids. Drafts are not mirrored."""
        if not approval.events or approval.status in UNMIRRORED:
            return []
        state = await self.load_state(uow, approval, context, approval.events)
        return [await uow.outbox.add(m, now) for m in self.messages(state, approval.events)]

    async def load_state(
        self, uow: ApprovalUnitOfWork, approval: RegisterApproval, context: RegisterContext,
        events: Sequence[Event] = (),
    ) -> MirrorState:  # fmt: skip
        touched = [e.item_id for e in events if e.action in ITEM_EVENTS and e.item_id]
        only = touched if events and len(touched) == len(events) else None  # item moves
        items = await uow.approvals.card_items(approval.id, approval.round, None, only)
        codes = sorted({c for e in events for c in (e.actor, e.on_behalf_of) if c})
        people = await uow.approvals.people(codes) if codes else []
        return MirrorState(approval, context, items, {p.code: p.full_name for p in people})

    def messages(self, state: MirrorState, events: Sequence[Event]) -> list[NewOutboxMessage]:
        """One message per entity the events touched: the register on register-level
        events (with every payment, as their stages may follow it), a payment on its own
        events; each with the events' lines as its timeline comment."""
        by_item: dict[int, list[Event]] = {}
        whole: list[Event] = []
        for event in events:
            if event.action in ITEM_EVENTS and event.item_id is not None:
                by_item.setdefault(event.item_id, []).append(event)
            else:
                whole.append(event)
        result: list[NewOutboxMessage] = []
        if whole:
            result.append(self.register_message(state, event_lines(whole, state.names)))
        for card in state.items:
            if whole or card.id in by_item:
                lines = event_lines(by_item.get(card.id, []), state.names)
                result.append(self.item_message(state, card, lines))
        return result

    def snapshot(self, state: MirrorState) -> list[NewOutboxMessage]:
        """The register and all its payments as they are, without comments."""
        if state.approval.status in UNMIRRORED:
            return []
        return [self.register_message(state), *(self.item_message(state, c) for c in state.items)]

    # --- one entity ------------------------------------------------------------------------

    def register_message(self, state: MirrorState, comment: str = "") -> NewOutboxMessage:
        approval, context = state.approval, state.context
        total = sum((i.amount for i in state.items if i.currency == "RUB"), Decimal("0.00"))
        day = f"{context.payment_date:%d.%m.%Y}"
        title = f"Реестр №{approval.id} · {context.dc_name} · оплата {day}"
        fields = self._common(title, register_stage(approval), self.settings.register_stages)
        fields |= {"opportunity": str(total), "currencyId": "RUB"}
        if self.settings.payment_date_field:
            fields[self.settings.payment_date_field] = context.payment_date.isoformat()
        return self._message(REGISTER_ENTITY, approval.id, approval.id, fields, comment)

    def item_message(
        self, state: MirrorState, card: CardItem, comment: str = ""
    ) -> NewOutboxMessage:
        approval = state.approval
        item = state.by_id[card.id]
        amount = f"{format_amount(card.amount)} {'₽' if card.currency == 'RUB' else card.currency}"
        title = f"№{card.position} · {card.counterparty} · {amount}"
        fields = self._common(title, item_stage(item, approval), self.settings.item_stages)
        fields |= {"opportunity": str(card.amount), "currencyId": card.currency}
        if self.settings.inn_field:
            fields[self.settings.inn_field] = card.inn
        if self.settings.payment_date_field:
            fields[self.settings.payment_date_field] = state.context.payment_date.isoformat()
        return self._message(ITEM_ENTITY, card.id, approval.id, fields, comment)

    def _common(self, title: str, key: str, stages: Mapping[str, str]) -> dict[str, Any]:
        stage_id = stages[key]
        fields: dict[str, Any] = {
            "title": title[:TITLE_MAX],
            "stageId": stage_id,
            "isManualOpportunity": "Y",  # our amount, not one recalculated from product rows
        }
        if match := _CATEGORY.match(stage_id):
            fields["categoryId"] = int(match.group(1))
        return fields

    def _message(
        self, entity: str, entity_id: int, register_id: int, fields: dict[str, Any], comment: str
    ) -> NewOutboxMessage:
        fields[self.settings.register_field] = f"{REGISTER_ENTITY}:{register_id}"
        payload: dict[str, Any] = {
            "entity_type_id": self.settings.entity_type_id,
            "local_id_field": self.settings.id_field,
            "local_id": f"{entity}:{entity_id}",
            "fields": fields,
        }
        if comment:
            payload["comment"] = comment
        return NewOutboxMessage(entity, str(entity_id), REGISTER_MIRROR_KIND, payload)


def register_stage(approval: RegisterApproval) -> str:
    """The register's stage key: the route stage it waits at, or its end state."""
    if approval.status is RegisterStatus.IN_APPROVAL and approval.stage is not None:
        return approval.stage.value
    return {
        RegisterStatus.RETURNED: "returned",
        RegisterStatus.APPROVED: "approved",
        RegisterStatus.REJECTED: "rejected",
        RegisterStatus.WITHDRAWN: "withdrawn",
    }.get(approval.status, "closed")


def item_stage(item: Item, approval: RegisterApproval) -> str:
    """A payment's stage key (see the module docstring)."""
    if item.status is not ItemStatus.PENDING:
        return item.status.value
    if approval.status is RegisterStatus.RETURNED:
        return "returned"
    if approval.status is not RegisterStatus.IN_APPROVAL:
        return {RegisterStatus.CLOSED: "missed", RegisterStatus.WITHDRAWN: "withdrawn"}.get(
            approval.status, item.stages[0].value
        )
    stage = approval.stage
    if item.decision is Decision.REJECT:
        return "rejected"
    if stage is None or stage not in item.stages:
        return _waiting(item, approval).value
    if item.decision is Decision.APPROVE:
        later = item.stages[item.stages.index(stage) + 1 :]
        return later[0].value if later else "approved"
    return stage.value


def _waiting(item: Item, approval: RegisterApproval) -> Stage:
    """The first of the item's stages not before the register's current one."""
    index = approval.stage_index or 0
    ahead = [s for s in item.stages if s in approval.route[index:]]
    return ahead[0] if ahead else item.stages[-1]

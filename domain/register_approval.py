"""The approval of a payment register: decisions per item and stage, the register's moves
through the transition table of `domain.register_states`, and the events every move records
(PRODUCT §3 «Approval route»).

The aggregate is loaded by a use case, changed here, and stored back with its events in one
transaction. Nothing here knows about Telegram or SQL; authorization of *who* acts at a
stage is resolved before (see `register_route.resolve_actor`) and passed in as `ActingAs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from domain.errors import N_
from domain.register_route import HOME_CURRENCY, ActingAs, Stage
from domain.register_states import (
    TRANSITIONS,
    WITHDRAWABLE,
    Action,
    ApprovalError,
    Decision,
    ItemStatus,
    RegisterStatus,
    TransitionNotAllowed,
)

S = RegisterStatus
# The vocabulary is re-exported: callers know it from here.
__all__ = [
    "TRANSITIONS",
    "WITHDRAWABLE",
    "Action",
    "ApprovalError",
    "Decision",
    "Event",
    "Item",
    "ItemStatus",
    "RegisterApproval",
    "RegisterStatus",
    "TransitionNotAllowed",
]


@dataclass
class Item:
    """An item as the approval sees it. ``stages`` are the stages that apply to it;
    ``decision``/``decided_by`` belong to the register's current stage only."""

    id: int
    position: int
    amount: Decimal
    status: ItemStatus
    stages: tuple[Stage, ...]
    decision: Decision | None = None
    decided_by: str | None = None
    reason: str | None = None
    on_behalf_of: str | None = None
    currency: str = HOME_CURRENCY

    def clear_decision(self) -> None:
        self.decision = self.decided_by = self.reason = self.on_behalf_of = None

    @property
    def alive(self) -> bool:
        return self.status is ItemStatus.PENDING


@dataclass(frozen=True)
class Event:
    """Something the approval did: what the audit log records and notifications tell."""

    action: str
    actor: str
    on_behalf_of: str | None = None
    item_id: int | None = None
    stage: Stage | None = None
    old: str | None = None
    new: str | None = None
    reason: str | None = None


@dataclass
class RegisterApproval:
    """A register under approval.

    Invariants: ``stage_index`` points into ``route`` while in approval (None otherwise);
    the current stage applies to at least one alive item; an item is decided at most once
    per stage by one person (the first decision wins; that person may change it until the
    register is sent on); ``version`` grows with every move.
    """

    id: int
    status: RegisterStatus
    route: tuple[Stage, ...]
    items: list[Item]
    stage_index: int | None = None
    round: int = 1
    version: int = 1
    events: list[Event] = field(default_factory=list)

    # --- queries -------------------------------------------------------------------

    @property
    def stage(self) -> Stage | None:
        return None if self.stage_index is None else self.route[self.stage_index]

    def at_stage(self) -> list[Item]:
        """Alive items the current stage decides on."""
        stage = self.stage
        return [i for i in self.items if i.alive and stage in i.stages]

    def undecided(self) -> list[Item]:
        return [i for i in self.at_stage() if i.decision is None]

    def item(self, item_id: int) -> Item:
        found = next((i for i in self.items if i.id == item_id), None)
        if found is None:
            raise ApprovalError(N_("Такого платежа в реестре нет."))
        return found

    def ensure_open(self) -> None:
        """Raise `TransitionNotAllowed` unless decisions are being taken now."""
        self._check(Action.DECIDE)

    # --- moves ---------------------------------------------------------------------

    def _move(self, action: Action, target: RegisterStatus) -> None:
        allowed = TRANSITIONS.get((self.status, action))
        if allowed is None:
            raise TransitionNotAllowed(self.status, action)
        assert target in allowed, f"{action} cannot lead to {target}"
        self.status = target
        self.version += 1

    def submit(self, by: str) -> None:
        self._move(Action.SUBMIT, S.IN_APPROVAL)
        self.events.append(Event("register.submitted", by, new=S.IN_APPROVAL))
        self._enter_first_stage(by)

    def cancel(self, by: str) -> None:
        self._move(Action.CANCEL, S.CANCELLED)
        self.events.append(Event("register.cancelled", by, old=S.DRAFT, new=S.CANCELLED))

    def decide(
        self, item_id: int, by: ActingAs, decision: Decision, reason: str | None = None
    ) -> bool:
        """Record ``by``'s decision on an item of the current stage. False when it changes
        nothing (a double tap). Raises when someone else decided it first."""
        self._check(Action.DECIDE)
        item = self._current_item(item_id)
        reason = reason.strip() if reason and reason.strip() else None
        if decision is Decision.REJECT and reason is None:
            raise ApprovalError(N_("Укажите причину отклонения."))
        if item.decided_by not in (None, by.person):
            raise ApprovalError(N_("Этот платёж уже решил другой согласующий."))
        if item.decision is decision and item.reason == reason:
            return False
        old = item.decision
        item.decision, item.decided_by = decision, by.person
        item.on_behalf_of = by.on_behalf_of
        item.reason = reason
        self.version += 1
        self.events.append(
            Event("register.item.decided", by.person, by.on_behalf_of, item.id, self.stage,
                  old, decision, item.reason)
        )  # fmt: skip
        return True

    def approve_rest(self, by: ActingAs) -> list[Item]:
        """Approve every undecided item of the current stage; returns them."""
        self._check(Action.DECIDE)
        rest = self.undecided()
        for item in rest:
            self.decide(item.id, by, Decision.APPROVE)
        return rest

    def send_on(self, by: ActingAs) -> Stage | None:
        """Close the current stage: rejected items end, approved ones go to the next stage
        that applies to any of them. Returns that stage, or None when the register is
        approved."""
        self._check(Action.SEND_ON)
        if waiting := self.undecided():
            raise ApprovalError(
                N_("Не решено платежей: {count}. Решите каждый платёж."), count=len(waiting)
            )
        stage = self.stage
        for item in self.at_stage():
            if item.decision is Decision.REJECT:
                item.status = ItemStatus.REJECTED
            elif item.stages[-1] is stage:
                item.status = ItemStatus.APPROVED
        self.events.append(Event("register.sent_on", by.person, by.on_behalf_of, stage=stage))
        return self._advance(by.person)

    def return_to_accountant(self, by: ActingAs, reason: str) -> None:
        if not reason.strip():
            raise ApprovalError(N_("Укажите причину возврата."))
        self._move(Action.RETURN, S.RETURNED)
        self.events.append(
            Event("register.returned", by.person, by.on_behalf_of, stage=self.stage,
                  old=S.IN_APPROVAL, new=S.RETURNED, reason=reason.strip())
        )  # fmt: skip
        self.stage_index = None

    def resubmit(self, by: str) -> None:
        """After a return: the route starts again from the first stage, decisions cleared."""
        self._move(Action.RESUBMIT, S.IN_APPROVAL)
        self.round += 1
        for item in self.items:
            item.clear_decision()
        self.events.append(Event("register.resubmitted", by, old=S.RETURNED, new=S.IN_APPROVAL))
        self._enter_first_stage(by)

    def withdraw(self, by: str, item_ids: list[int] | None = None) -> list[Item]:
        """The accountant withdraws the whole register (``item_ids`` None) or some items."""
        action = Action.WITHDRAW if item_ids is None else Action.WITHDRAW_ITEMS
        self._check(action)
        chosen = [
            i for i in self.items
            if i.status in WITHDRAWABLE and (item_ids is None or i.id in item_ids)
        ]  # fmt: skip
        if item_ids is not None and len(chosen) != len(set(item_ids)):
            raise ApprovalError(N_("Часть платежей уже отклонена или отозвана."))
        for item in chosen:
            self.events.append(Event("register.item.withdrawn", by, item_id=item.id,
                                     old=item.status, new=ItemStatus.WITHDRAWN))  # fmt: skip
            item.status = ItemStatus.WITHDRAWN
        if not any(i.status in WITHDRAWABLE for i in self.items):
            self._move(action, S.WITHDRAWN)
            self.stage_index = None
            self.events.append(Event("register.withdrawn", by, new=S.WITHDRAWN))
        elif self.status is S.IN_APPROVAL and not self.at_stage():
            self._advance(by)
        else:
            self.version += 1
        return chosen

    def close_at_cutoff(self, by: str = "system") -> list[Item]:
        """The cutoff passed: every alive item becomes «не согласован к сроку». (The daily
        job does the same set-based in SQL; this is its reference behaviour.)"""
        self._check(Action.CUTOFF)
        missed = [i for i in self.items if i.alive]
        for item in missed:
            item.status = ItemStatus.MISSED
        self._move(Action.CUTOFF, S.CLOSED)
        self.stage_index = None
        self.events.append(Event("register.closed_at_cutoff", by, new=S.CLOSED))
        return missed

    # --- internals -----------------------------------------------------------------

    def _check(self, action: Action) -> None:
        if (self.status, action) not in TRANSITIONS:
            raise TransitionNotAllowed(self.status, action)

    def _current_item(self, item_id: int) -> Item:
        item = self.item(item_id)
        if not item.alive:
            raise ApprovalError(_NOT_WAITING[item.status], number=item.position)
        if self.stage not in item.stages:
            raise ApprovalError(N_("Платёж №{number} не на вашем этапе."), number=item.position)
        return item

    def _enter_first_stage(self, by: str) -> None:
        self.stage_index = -1
        self._advance(by)

    def _advance(self, by: str) -> Stage | None:
        """Move to the next stage that applies to an alive item, or finish."""
        assert self.stage_index is not None
        for index in range(self.stage_index + 1, len(self.route)):
            stage = self.route[index]
            if any(i.alive and stage in i.stages for i in self.items):
                self.stage_index = index
                for item in self.items:
                    item.clear_decision()
                self.version += 1
                self.events.append(Event("register.stage.entered", by, stage=stage))
                return stage
        self._finish(by)
        return None

    def _finish(self, by: str) -> None:
        """The route is over: approved if any payment came through it, else rejected."""
        if any(i.status is ItemStatus.APPROVED for i in self.items):
            end, action = S.APPROVED, "register.approved"
        else:
            end, action = S.REJECTED, "register.rejected"
        self._move(Action.SEND_ON, end)
        self.stage_index = None
        self.events.append(Event(action, by, old=S.IN_APPROVAL, new=end))


# Why an item that is no longer pending takes no decision (the item's status says).
_NOT_WAITING = {
    ItemStatus.APPROVED: N_("Платёж №{number} уже одобрен."),
    ItemStatus.REJECTED: N_("Платёж №{number} уже отклонён."),
    ItemStatus.WITHDRAWN: N_("Платёж №{number} отозван бухгалтером."),
    ItemStatus.MISSED: N_("Платёж №{number} не согласован к сроку."),
}

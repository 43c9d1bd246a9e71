"""The state of a memo, the questions asked of it and the bookkeeping every move shares;
`domain.memo.Memo` adds the moves themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import N_
from domain.memo_errors import NotTheAuthor, NotYourTurn, StaleDecision
from domain.memo_events import MemoEvent
from domain.memo_model import (
    ApprovalStep,
    Attachment,
    format_memo_number,
    required_reason,
    utc,
)
from domain.memo_route import DEFAULT_MAX_APPROVERS, Route, plan_route
from domain.memo_states import MemoAction, MemoStatus, StepStatus, next_status
from domain.memo_steps import acting_for, decide, in_order, skip_pending, steps_for_route
from domain.org_model import OrgDirectory


@dataclass
class MemoRecord:
    """A memo's content, route and every approval step of every round.

    Invariants: ``round`` is the current round (0 before the first submission); step keys
    are unique and never reused; steps of earlier rounds never change; ``approvers`` is
    the intermediate chain the next round follows; times are UTC; ``events`` holds the
    events not yet drained by `pull_events`.
    """

    author: str
    title: str
    text: str
    executor: str
    created_at: datetime
    attachments: tuple[Attachment, ...] = ()
    approvers: tuple[str, ...] = ()
    with_general_director: bool = False
    status: MemoStatus = MemoStatus.DRAFT
    round: int = 0
    steps: list[ApprovalStep] = field(default_factory=list)
    number: str | None = None
    id: int | None = None
    version: int = 0
    submitted_at: datetime | None = None
    finished_at: datetime | None = None
    events: list[MemoEvent] = field(default_factory=list, repr=False, compare=False)

    # --- queries -------------------------------------------------------------------

    @property
    def current_step(self) -> ApprovalStep | None:
        """The step waiting for a decision; None unless the memo is in approval."""
        if self.status is not MemoStatus.IN_APPROVAL:
            return None
        return next((s for s in self.round_steps() if s.status is StepStatus.PENDING), None)

    def round_steps(self, round_no: int | None = None) -> list[ApprovalStep]:
        """The steps of ``round_no`` (the current round by default) in order."""
        return in_order(self.steps, self.round if round_no is None else round_no)

    def history(self) -> list[ApprovalStep]:
        """Every step of every round, in order."""
        return sorted(self.steps, key=lambda s: (s.round, s.position))

    def route(self, org: OrgDirectory, max_approvers: int = DEFAULT_MAX_APPROVERS) -> Route:
        """The checked route the next round would follow (`RouteError` if it breaks rules)."""
        return plan_route(
            org,
            author=self.author,
            executor=self.executor,
            approvers=self.approvers,
            with_general_director=self.with_general_director,
            max_approvers=max_approvers,
        )

    def can_decide(self, person: str, org: OrgDirectory, now: datetime) -> bool:
        """True when ``person`` may decide the current step at ``now``."""
        step = self.current_step
        if step is None:
            return False
        try:
            acting_for(step, person, self.author, org, now)
        except NotYourTurn:
            return False
        return True

    def assign_number(self, year: int, seq: int) -> str:
        """Give the memo its number, once (storage picks ``seq`` without gaps)."""
        if self.number is not None:
            raise ValueError(f"memo already numbered: {self.number}")
        self.number = format_memo_number(year, seq)
        return self.number

    def pull_events(self) -> list[MemoEvent]:
        """The events recorded since the last call (the unit of work drains them)."""
        events, self.events = self.events, []
        return events

    def _start_round(
        self, action: MemoAction, actor: str, org: OrgDirectory, now: datetime, limit: int
    ) -> MemoEvent:
        self._require_author(actor)
        target = next_status(self.status, action)
        route = self.route(org, limit)
        self.round += 1
        self.steps.extend(steps_for_route(route, self.round, self._next_key()))
        self.submitted_at = utc(now)
        return self._record(action, target, now, actor, awaiting=route.people[0])

    def _end_round(
        self,
        action: MemoAction,
        step_key: int,
        actor: str,
        *,
        org: OrgDirectory,
        now: datetime,
        reason: str,
    ) -> MemoEvent:
        step, behalf = self._current_for(step_key, actor, org, now, action)
        if action is MemoAction.REJECT:
            reason = required_reason(reason, N_("Укажите причину отклонения."))
        else:
            reason = required_reason(reason, N_("Укажите, что нужно доработать."))
        target = next_status(self.status, action)
        status = StepStatus.REJECTED if action is MemoAction.REJECT else StepStatus.RETURNED
        decide(step, status, actor=actor, behalf=behalf, comment=reason, now=now)
        skip_pending(self.round_steps())
        if target.is_final:
            self.finished_at = utc(now)
        return self._record(action, target, now, actor, behalf=behalf, step=step, reason=reason)

    def _current_for(
        self, step_key: int, actor: str, org: OrgDirectory, now: datetime, action: MemoAction
    ) -> tuple[ApprovalStep, str | None]:
        """The current step, if ``step_key`` names it, and for whom ``actor`` acts there.

        A step that exists but no longer waits (an old button) is `StaleDecision`; a move
        the status does not allow is `TransitionNotAllowed`."""
        current = self.current_step
        is_current = current is not None and current.key == step_key
        if not is_current and any(s.key == step_key for s in self.steps):
            raise StaleDecision()
        next_status(self.status, action)
        if current is None or not is_current:
            raise StaleDecision()
        return current, acting_for(current, actor, self.author, org, now)

    def _next_key(self) -> int:
        return max((s.key for s in self.steps), default=0) + 1

    def _require_author(self, actor: str) -> None:
        if actor != self.author:
            raise NotTheAuthor()

    def _record(
        self,
        action: MemoAction,
        target: MemoStatus,
        now: datetime,
        actor: str,
        *,
        behalf: str | None = None,
        step: ApprovalStep | None = None,
        awaiting: str | None = None,
        reason: str | None = None,
        changes: dict[str, object] | None = None,
    ) -> MemoEvent:
        event = MemoEvent(
            action=action,
            at=utc(now),
            actor=actor,
            old_status=self.status,
            new_status=target,
            round=self.round,
            on_behalf_of=behalf,
            step_key=step.key if step is not None else None,
            approver=step.approver if step is not None else None,
            awaiting=awaiting,
            reason=reason,
            changes=changes or {},
        )
        self.status = target
        self.version += 1
        self.events.append(event)
        return event

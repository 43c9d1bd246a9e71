"""The memo («служебная записка») aggregate: content, route, rounds of approval steps, and
every move through the transition table of `domain.memo_states` (PRODUCT §4).

This module is the memo flow's front door: the names of its sibling modules that callers
need are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from domain.memo_errors import (
    ApproverRefused,
    InvalidMemoNumber,
    MemoContentError,
    NoFinalApprover,
    NotTheAuthor,
    NotYourTurn,
    ReasonRequired,
    RouteError,
    StaleDecision,
    TransitionNotAllowed,
)
from domain.memo_events import MemoEvent, jsonable_change
from domain.memo_model import (
    ApprovalStep,
    Attachment,
    check_attachments,
    clean_comment,
    clean_text,
    clean_title,
    format_memo_number,
    parse_memo_number,
    utc,
)
from domain.memo_record import MemoRecord
from domain.memo_route import (
    DEFAULT_MAX_APPROVERS,
    Route,
    RouteStop,
    final_approvers,
    plan_route,
    suggested_approvers,
)
from domain.memo_states import (
    TRANSITIONS,
    MemoAction,
    MemoStatus,
    StepKind,
    StepStatus,
    next_status,
)
from domain.memo_steps import (
    check_addition,
    decide,
    insert_approver,
    pending_after,
)
from domain.org_model import OrgDirectory

__all__ = [
    "DEFAULT_MAX_APPROVERS",
    "TRANSITIONS",
    "ApprovalStep",
    "ApproverRefused",
    "Attachment",
    "InvalidMemoNumber",
    "Memo",
    "MemoAction",
    "MemoContentError",
    "MemoEvent",
    "MemoStatus",
    "NoFinalApprover",
    "NotTheAuthor",
    "NotYourTurn",
    "ReasonRequired",
    "Route",
    "RouteError",
    "RouteStop",
    "StaleDecision",
    "StepKind",
    "StepStatus",
    "TransitionNotAllowed",
    "final_approvers",
    "format_memo_number",
    "next_status",
    "parse_memo_number",
    "plan_route",
    "suggested_approvers",
]

_A = MemoAction
_REVISABLE = ("title", "text", "executor", "attachments", "approvers", "with_general_director")


@dataclass
class Memo(MemoRecord):
    """A memo and its whole approval history, moved only through `TRANSITIONS`.

    Invariants (beyond `MemoRecord`'s): an illegal move raises `TransitionNotAllowed` and
    changes nothing; every move appends one `MemoEvent` and bumps ``version``; in approval
    the current step is the first pending step of the current round, and only its approver
    or their substitute of the day decides it; a button for a step that no longer waits
    gets `StaleDecision`.
    """

    @classmethod
    def draft(
        cls,
        org: OrgDirectory,
        *,
        author: str,
        title: str,
        text: str,
        executor: str,
        now: datetime,
        attachments: Sequence[Attachment] = (),
        approvers: Sequence[str] = (),
        with_general_director: bool = False,
        max_approvers: int = DEFAULT_MAX_APPROVERS,
    ) -> Memo:
        """A new draft; content and route are checked now, as the preview shows them."""
        memo = cls(
            author=org.person(author).code,
            title=clean_title(title),
            text=clean_text(text),
            executor=executor,
            created_at=utc(now),
            attachments=check_attachments(tuple(attachments)),
            approvers=tuple(approvers),
            with_general_director=with_general_director,
        )
        memo.route(org, max_approvers)
        return memo

    # --- the author's moves ------------------------------------------------------------

    def submit(
        self,
        *,
        actor: str,
        org: OrgDirectory,
        now: datetime,
        max_approvers: int = DEFAULT_MAX_APPROVERS,
    ) -> MemoEvent:
        """Send the draft for approval: round 1 starts at its first step."""
        return self._start_round(_A.SUBMIT, actor, org, now, max_approvers)

    def resubmit(
        self,
        *,
        actor: str,
        org: OrgDirectory,
        now: datetime,
        max_approvers: int = DEFAULT_MAX_APPROVERS,
    ) -> MemoEvent:
        """Send a returned memo again: a new round over the same chain (approvers added in
        earlier rounds included; the final approver follows the current executor)."""
        return self._start_round(_A.RESUBMIT, actor, org, now, max_approvers)

    def revise(
        self,
        *,
        actor: str,
        org: OrgDirectory,
        now: datetime,
        title: str | None = None,
        text: str | None = None,
        executor: str | None = None,
        attachments: Sequence[Attachment] | None = None,
        approvers: Sequence[str] | None = None,
        with_general_director: bool | None = None,
        max_approvers: int = DEFAULT_MAX_APPROVERS,
    ) -> MemoEvent:
        """Change a draft or a returned memo (only the fields given), checked like a draft."""
        self._require_author(actor)
        target = next_status(self.status, _A.REVISE)
        candidate = replace(
            self,
            title=self.title if title is None else clean_title(title),
            text=self.text if text is None else clean_text(text),
            executor=self.executor if executor is None else executor,
            attachments=self.attachments if attachments is None else tuple(attachments),
            approvers=self.approvers if approvers is None else tuple(approvers),
            with_general_director=(
                self.with_general_director
                if with_general_director is None
                else with_general_director
            ),
            steps=[],
            events=[],
        )
        check_attachments(candidate.attachments)
        candidate.route(org, max_approvers)
        changes: dict[str, object] = {}
        for name in _REVISABLE:
            if getattr(candidate, name) != getattr(self, name):
                changes[name] = jsonable_change(getattr(candidate, name))
                setattr(self, name, getattr(candidate, name))
        return self._record(_A.REVISE, target, now, actor, changes=changes)

    # --- the approvers' moves ----------------------------------------------------------

    def approve(
        self,
        *,
        actor: str,
        step_key: int,
        org: OrgDirectory,
        now: datetime,
        comment: str | None = None,
    ) -> MemoEvent:
        """Approve the current step: the next step becomes current, or the memo is approved."""
        step, behalf = self._current_for(step_key, actor, org, now, _A.APPROVE)
        comment = clean_comment(comment)
        later = pending_after(self.steps, step)
        action = _A.APPROVE if later is not None else _A.APPROVE_LAST
        target = next_status(self.status, action)
        decide(step, StepStatus.APPROVED, actor=actor, behalf=behalf, comment=comment, now=now)
        if later is None:
            self.finished_at = utc(now)
        awaiting = later.approver if later is not None else None
        return self._record(
            action, target, now, actor, behalf=behalf, step=step, awaiting=awaiting, reason=comment
        )

    def reject(
        self, *, actor: str, step_key: int, org: OrgDirectory, now: datetime, reason: str
    ) -> MemoEvent:
        """Reject the memo (a reason is required): it ends here; later steps are skipped."""
        return self._end_round(_A.REJECT, step_key, actor, org=org, now=now, reason=reason)

    def return_for_rework(
        self, *, actor: str, step_key: int, org: OrgDirectory, now: datetime, reason: str
    ) -> MemoEvent:
        """Return the memo to the author (a reason is required); later steps are skipped and
        the author may revise and resubmit."""
        return self._end_round(_A.RETURN, step_key, actor, org=org, now=now, reason=reason)

    def add_approver(
        self,
        *,
        actor: str,
        step_key: int,
        person: str,
        org: OrgDirectory,
        now: datetime,
        max_approvers: int = DEFAULT_MAX_APPROVERS,
    ) -> MemoEvent:
        """Insert ``person`` as an intermediate approver right after the current step (a
        final approver's addition goes right before them: the added person decides first,
        then the memo comes back). Refused, saying why, when the round already holds
        ``max_approvers`` intermediate approvers, holds ``person``, or ``person`` is the
        author."""
        step, behalf = self._current_for(step_key, actor, org, now, _A.ADD_APPROVER)
        target = next_status(self.status, _A.ADD_APPROVER)
        steps = self.round_steps()
        check_addition(steps, person, self.author, org, max_approvers)
        added = insert_approver(
            steps, step, key=self._next_key(), person=person, added_by=actor, org=org
        )
        self.steps.append(added)
        self.approvers = tuple(
            s.approver for s in self.round_steps() if s.kind is StepKind.INTERMEDIATE
        )
        current = self.current_step
        awaiting = current.approver if current is not None else None
        return self._record(
            _A.ADD_APPROVER, target, now, actor, behalf=behalf, step=added, awaiting=awaiting
        )

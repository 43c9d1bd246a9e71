"""Rules on the approval steps of one round: who may act, deciding, inserting an approver.
Plain functions over `ApprovalStep` rows; `domain.memo.Memo` calls them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from domain.errors import N_
from domain.memo_errors import ApproverRefused, NotYourTurn
from domain.memo_model import ApprovalStep, utc
from domain.memo_route import Route, primary_role
from domain.memo_states import StepKind, StepStatus
from domain.org_model import OrgDirectory


def in_order(steps: Iterable[ApprovalStep], round_no: int) -> list[ApprovalStep]:
    """The steps of round ``round_no`` by position."""
    return sorted((s for s in steps if s.round == round_no), key=lambda s: s.position)


def steps_for_route(route: Route, round_no: int, first_key: int) -> list[ApprovalStep]:
    """Fresh pending steps of a new round following ``route``."""
    return [
        ApprovalStep(
            key=first_key + index,
            round=round_no,
            position=index + 1,
            approver=stop.person,
            kind=stop.kind,
            role=stop.role,
        )
        for index, stop in enumerate(route.stops)
    ]


def acting_for(
    step: ApprovalStep, actor: str, author: str, org: OrgDirectory, now: datetime
) -> str | None:
    """For whom ``actor`` decides ``step``: None when they are its approver; the approver
    when ``actor`` is the approver's substitute on the head-office date of ``now``.

    `NotYourTurn` for anyone else, and for the author acting as a substitute (nobody
    approves their own memo through a substitution).
    """
    if actor == step.approver:
        return None
    if actor == author:
        raise NotYourTurn(N_("Автор не может принимать решение по своей записке."))
    day = utc(now).astimezone(org.head_office_zone).date()
    assignee, behalf = org.effective_assignee(step.approver, day)
    if actor == assignee and behalf is not None:
        return step.approver
    name = org.person(assignee).name
    if behalf is None:
        raise NotYourTurn(N_("Сейчас решение по записке принимает {name}."), name=name)
    raise NotYourTurn(
        N_("Сейчас решение по записке принимает {name} (за {behalf})."),
        name=name,
        behalf=org.person(behalf).name,
    )


def decide(
    step: ApprovalStep,
    status: StepStatus,
    *,
    actor: str,
    behalf: str | None,
    comment: str | None,
    now: datetime,
) -> None:
    """Record a decision on ``step``."""
    step.status = status
    step.decided_by = actor
    step.on_behalf_of = behalf
    step.comment = comment
    step.decided_at = utc(now)


def skip_pending(steps: Iterable[ApprovalStep]) -> None:
    """Mark the steps nobody reached as skipped (the round ended early)."""
    for step in steps:
        if step.status is StepStatus.PENDING:
            step.status = StepStatus.SKIPPED


def pending_after(steps: Iterable[ApprovalStep], step: ApprovalStep) -> ApprovalStep | None:
    """The first pending step after ``step`` in its round, if any."""
    later = (
        s
        for s in in_order(steps, step.round)
        if s.position > step.position and s.status is StepStatus.PENDING
    )
    return next(later, None)


def check_addition(
    round_steps: list[ApprovalStep],
    person: str,
    author: str,
    org: OrgDirectory,
    max_approvers: int,
) -> None:
    """`ApproverRefused` (saying why) unless ``person`` may be added to this round."""
    name = org.person(person).name
    intermediate = sum(1 for s in round_steps if s.kind is StepKind.INTERMEDIATE)
    if intermediate >= max_approvers:
        raise ApproverRefused(
            N_(
                "Нельзя добавить согласующего: в цепочке уже {count} из {limit} "
                "возможных (итоговый согласующий не считается)."
            ),
            count=intermediate,
            limit=max_approvers,
        )
    if any(s.approver == person for s in round_steps):
        raise ApproverRefused(N_("{name} уже есть в цепочке согласования."), name=name)
    if person == author:
        raise ApproverRefused(N_("Автор записки не может быть её согласующим."))


def insert_approver(
    round_steps: list[ApprovalStep],
    current: ApprovalStep,
    *,
    key: int,
    person: str,
    added_by: str,
    org: OrgDirectory,
) -> ApprovalStep:
    """A new intermediate step right after ``current`` (right before it when ``current``
    is a final step, so that the final approver still decides last); later positions move
    down by one."""
    position = current.position + (1 if current.kind is StepKind.INTERMEDIATE else 0)
    for other in round_steps:
        if other.position >= position:
            other.position += 1
    return ApprovalStep(
        key=key,
        round=current.round,
        position=position,
        approver=person,
        kind=StepKind.INTERMEDIATE,
        role=primary_role(org, person),
        added_by=added_by,
    )

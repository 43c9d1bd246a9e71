"""A memo as one person sees it: the card the Telegram side renders (names, roles and times
in the viewer's zone; never person codes)."""

from __future__ import annotations

from datetime import datetime, tzinfo

from domain.memo import ApprovalStep, Memo, StepKind, StepStatus
from domain.memo_route import primary_role
from domain.memo_states import MemoStatus
from domain.memo_steps import acting_for
from domain.org_model import OrgDirectory
from domain.roles import Role
from services.memos.ports import CardStep, LoadedMemo, MemoCard

NO_ROLE = "Сотрудник"  # for Bitrix24 task texts; the card words it in the viewer's language


def person_name(org: OrgDirectory, code: str | None) -> str | None:
    """The person's full name (the code itself for someone no longer in the directory)."""
    if code is None:
        return None
    person = org.find_person(code)
    return person.name if person is not None else code


def role_of(org: OrgDirectory, code: str) -> Role | None:
    """The person's main company role; None for someone without one (or no longer here)."""
    return primary_role(org, code) if org.find_person(code) is not None else None


def role_title(org: OrgDirectory, code: str) -> str:
    """`role_of` in Russian (Bitrix24 task texts)."""
    role = role_of(org, code)
    return role.title_ru if role is not None else NO_ROLE


def decider_for(memo: Memo, org: OrgDirectory, viewer: str, now: datetime) -> str | None:
    """For whom ``viewer`` decides the current step: the approver's code, ``viewer`` itself
    when they are the approver; None when they may not decide it now."""
    step = memo.current_step
    if step is None or not memo.can_decide(viewer, org, now):
        return None
    return acting_for(step, viewer, memo.author, org, now) or viewer


def build_card(
    loaded: LoadedMemo, org: OrgDirectory, viewer: str, now: datetime, *, has_pdf: bool = False
) -> MemoCard:
    """The card of ``loaded`` for ``viewer`` (a person code) at ``now``."""
    memo = loaded.memo
    assert memo.id is not None
    zone = org.zone_of(viewer) if org.find_person(viewer) else org.head_office_zone
    current = memo.current_step
    decides_for = decider_for(memo, org, viewer, now)
    return MemoCard(
        memo_id=memo.id,
        version=memo.version,
        number=memo.number,
        status=memo.status,
        round=memo.round,
        title=memo.title,
        text=memo.text,
        author=person_name(org, memo.author) or memo.author,
        executor=person_name(org, memo.executor) or memo.executor,
        executor_role=role_of(org, memo.executor),
        with_general_director=memo.with_general_director,
        created_at=memo.created_at.astimezone(zone),
        attachments=loaded.attachments,
        steps=tuple(_step(org, s, current, zone) for s in memo.history()),
        current_step_key=current.key if current is not None else None,
        current_approver=_awaited_name(memo, org, now),
        can_decide=decides_for is not None,
        acting_for=person_name(org, decides_for) if decides_for not in (None, viewer) else None,
        is_author=viewer == memo.author,
        bitrix_task_id=loaded.bitrix_task_id,
        has_pdf=has_pdf or (loaded.pdf_sha256 is not None),
    )


def _awaited_name(memo: Memo, org: OrgDirectory, now: datetime) -> str | None:
    step = memo.current_step
    if step is None:
        return None
    assignee, behalf = awaited(memo, org, now)
    name = person_name(org, assignee) or assignee
    if behalf is not None:
        name += f" (за {person_name(org, behalf)})"
    return name


def awaited(memo: Memo, org: OrgDirectory, now: datetime) -> tuple[str, str | None]:
    """Who decides the current step today: (assignee, on behalf of whom or None)."""
    step = memo.current_step
    assert step is not None
    day = now.astimezone(org.head_office_zone).date()
    if org.find_person(step.approver) is None:
        return step.approver, None
    return org.effective_assignee(step.approver, day)


def _step(
    org: OrgDirectory, step: ApprovalStep, current: ApprovalStep | None, zone: tzinfo
) -> CardStep:
    decided_at = step.decided_at.astimezone(zone) if step.decided_at is not None else None
    return CardStep(
        round=step.round,
        position=step.position,
        approver=person_name(org, step.approver) or step.approver,
        role=step.role,
        status=step.status,
        final=step.kind is StepKind.FINAL,
        decided_by=person_name(org, step.decided_by),
        on_behalf_of=person_name(org, step.on_behalf_of),
        comment=step.comment,
        decided_at=decided_at,
        added_by=person_name(org, step.added_by),
        pending=step.status is StepStatus.PENDING,
        current=current is not None and current.key == step.key,
    )


def is_involved(memo: Memo, code: str) -> bool:
    """The author, the executor, or anyone on the chain of any round."""
    people = {memo.author, memo.executor, *memo.approvers}
    for step in memo.steps:
        people.update(p for p in (step.approver, step.decided_by, step.added_by) if p)
    return code in people


def finished(memo: Memo) -> bool:
    return memo.status in (MemoStatus.APPROVED, MemoStatus.REJECTED)

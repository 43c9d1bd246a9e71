"""Build the `MemoDocument` the PDF shows from a `Memo` and the org directory."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.calendar import format_local
from domain.memo import ApprovalStep, Memo, StepKind
from domain.memo_route import primary_role
from domain.org import OrgDirectory
from formats.memo_pdf import DocumentAttachment, DocumentStep, MemoDocument

NO_ROLE = "Сотрудник"
FINAL_MARK = "итоговый согласующий"


def memo_document(
    memo: Memo, org: OrgDirectory, *, audit_hash: str, zone: ZoneInfo | None = None
) -> MemoDocument:
    """The PDF content of a numbered ``memo``: every step of every round in order.

    Times are shown in ``zone`` when given, else each in the zone of the person concerned
    (the author for the creation date, whoever decided for a step). ``audit_hash`` is the
    hash of the memo's last audit entry.
    """
    if memo.number is None:
        raise ValueError("the memo has no number yet")
    return MemoDocument(
        number=memo.number,
        author=_name(org, memo.author),
        author_role=_role_title(org, memo.author),
        created_at=_local(org, memo.created_at, memo.author, zone),
        title=memo.title,
        text=memo.text,
        executor=_name(org, memo.executor),
        executor_role=_role_title(org, memo.executor),
        status=memo.status.title_ru,
        audit_hash=audit_hash,
        attachments=tuple(
            DocumentAttachment(name=a.name, size=a.size, sha256=a.sha256) for a in memo.attachments
        ),
        steps=tuple(_step(org, step, zone) for step in memo.history()),
    )


def _step(org: OrgDirectory, step: ApprovalStep, zone: ZoneInfo | None) -> DocumentStep:
    actor = step.decided_by or step.approver
    role = step.role.title_ru if step.role is not None else NO_ROLE
    if step.kind is StepKind.FINAL:
        role = f"{role}, {FINAL_MARK}"
    decided_at = None
    if step.decided_at is not None:
        decided_at = _local(org, step.decided_at, actor, zone)
    return DocumentStep(
        round=step.round,
        position=step.position,
        approver=_name(org, actor),
        role=role,
        decision=step.status.title_ru,
        decided_at=decided_at,
        on_behalf_of=_name(org, step.on_behalf_of) if step.on_behalf_of else None,
        comment=step.comment,
    )


def _name(org: OrgDirectory, code: str) -> str:
    person = org.find_person(code)
    return person.name if person is not None else code


def _role_title(org: OrgDirectory, code: str) -> str:
    if org.find_person(code) is None:
        return NO_ROLE
    role = primary_role(org, code)
    return role.title_ru if role is not None else NO_ROLE


def _local(org: OrgDirectory, moment: datetime, person: str, zone: ZoneInfo | None) -> datetime:
    if zone is None:
        zone = org.zone_of(person) if org.find_person(person) else org.head_office_zone
    return format_local(moment, zone)

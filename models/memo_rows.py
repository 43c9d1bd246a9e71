"""Rows <-> the memo aggregate. Storage holds person ids; the domain speaks person codes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.memo import ApprovalStep, Attachment, Memo, MemoStatus, StepKind, StepStatus
from domain.roles import Role
from models.memo_tables import MemoRow, MemoStepRow


def memo_fields(memo: Memo, ids: Mapping[str, int]) -> dict[str, Any]:
    """The memo row's columns the aggregate owns."""
    return {
        "number": memo.number,
        "author_id": ids[memo.author],
        "executor_id": ids[memo.executor],
        "title": memo.title,
        "text": memo.text,
        "approvers": list(memo.approvers),
        "with_general_director": memo.with_general_director,
        "status": memo.status.value,
        "round": memo.round,
        "version": memo.version,
        "created_at": memo.created_at,
        "submitted_at": memo.submitted_at,
        "finished_at": memo.finished_at,
    }


def step_fields(step: ApprovalStep, ids: Mapping[str, int]) -> dict[str, Any]:
    def person(code: str | None) -> int | None:
        return ids[code] if code is not None else None

    return {
        "key": step.key,
        "round": step.round,
        "position": step.position,
        "approver_id": ids[step.approver],
        "kind": step.kind.value,
        "role": step.role.value if step.role is not None else None,
        "status": step.status.value,
        "decided_by_id": person(step.decided_by),
        "on_behalf_of_id": person(step.on_behalf_of),
        "comment": step.comment,
        "decided_at": step.decided_at,
        "added_by_id": person(step.added_by),
    }


def to_memo(
    row: MemoRow,
    steps: Sequence[MemoStepRow],
    attachments: Sequence[Attachment],
    codes: Mapping[int, str],
) -> Memo:
    """The aggregate as stored (no pending events)."""

    def person(person_id: int | None) -> str | None:
        return codes[person_id] if person_id is not None else None

    return Memo(
        author=codes[row.author_id],
        title=row.title,
        text=row.text,
        executor=codes[row.executor_id],
        created_at=row.created_at,
        attachments=tuple(attachments),
        approvers=tuple(row.approvers or ()),
        with_general_director=row.with_general_director,
        status=MemoStatus(row.status),
        round=row.round,
        steps=[
            ApprovalStep(
                key=s.key,
                round=s.round,
                position=s.position,
                approver=codes[s.approver_id],
                kind=StepKind(s.kind),
                role=Role(s.role) if s.role else None,
                status=StepStatus(s.status),
                decided_by=person(s.decided_by_id),
                on_behalf_of=person(s.on_behalf_of_id),
                comment=s.comment,
                decided_at=s.decided_at,
                added_by=person(s.added_by_id),
            )
            for s in sorted(steps, key=lambda s: (s.round, s.position))
        ],
        number=row.number,
        id=row.id,
        version=row.version,
        submitted_at=row.submitted_at,
        finished_at=row.finished_at,
    )

"""Shared test data for the memo flow: the sample org and memos in every status."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.memo import Attachment, Memo, MemoStatus
from domain.org import OrgDirectory, load_org_toml
from domain.roles import Role

SAMPLE = Path(__file__).parent.parent / "domain" / "org_sample.toml"
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
# Sokolov (DC director of ekb-kia) is away 2026-12-14..25; Petrov decides for him.
DURING_LEAVE = datetime(2026, 12, 15, 9, 0, tzinfo=UTC)
SHA = "ab" * 32


def sample_org() -> OrgDirectory:
    return load_org_toml(SAMPLE.read_text(encoding="utf-8"))


def with_roles(org: OrgDirectory, code: str, roles: set[Role]) -> OrgDirectory:
    """The org with ``code``'s company roles replaced."""
    people = tuple(
        dataclasses.replace(p, roles=frozenset(roles)) if p.code == code else p for p in org.people
    )
    return dataclasses.replace(org, people=people)


def attachment(name: str = "счёт.pdf", size: int = 1024) -> Attachment:
    return Attachment(name=name, size=size, sha256=SHA, mime="application/pdf")


def draft(
    org: OrgDirectory,
    *,
    author: str = "egorov",
    executor: str = "smirnova",
    approvers: tuple[str, ...] = ("sidorov", "petrov"),
    with_general_director: bool = False,
) -> Memo:
    """A memo by a sales manager of ekb-toyota; with an accountant executor its final
    approver is the finance director, so both directors are intermediate approvers."""
    return Memo.draft(
        org,
        author=author,
        title="Оплата выставочного стенда",
        text="Прошу оплатить аренду стенда на автосалоне.",
        executor=executor,
        now=NOW,
        attachments=[attachment()],
        approvers=approvers,
        with_general_director=with_general_director,
    )


def memo_in(status: MemoStatus, org: OrgDirectory) -> Memo:
    """A memo in ``status`` (approval chain sidorov -> petrov -> findir)."""
    memo = draft(org)
    if status is MemoStatus.DRAFT:
        return memo
    memo.submit(actor="egorov", org=org, now=NOW)
    if status is MemoStatus.IN_APPROVAL:
        return memo
    step = current_key(memo)
    later = NOW + timedelta(hours=1)
    if status is MemoStatus.REJECTED:
        memo.reject(actor="sidorov", step_key=step, org=org, now=later, reason="Дорого")
    elif status is MemoStatus.RETURNED:
        memo.return_for_rework(
            actor="sidorov", step_key=step, org=org, now=later, reason="Приложите смету"
        )
    else:
        approve_all(memo, org, later)
    assert memo.status is status
    return memo


def current_key(memo: Memo) -> int:
    step = memo.current_step
    assert step is not None
    return step.key


def approve_all(memo: Memo, org: OrgDirectory, now: datetime = NOW) -> None:
    """Every remaining step approved by its own approver."""
    while (step := memo.current_step) is not None:
        memo.approve(actor=step.approver, step_key=step.key, org=org, now=now)

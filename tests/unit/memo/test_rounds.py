"""Return for rework, revise and resubmit: rounds, and a history that keeps every round."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.memo import (
    MemoContentError,
    MemoStatus,
    NotTheAuthor,
    RouteError,
    StaleDecision,
    StepKind,
    StepStatus,
    TransitionNotAllowed,
)
from tests.unit.memo.builders import NOW, attachment, current_key, draft, memo_in, sample_org

ORG = sample_org()
T1, T2, T3 = (NOW + timedelta(hours=n) for n in (1, 2, 3))


def test_a_resubmitted_memo_starts_a_new_round_over_the_same_chain() -> None:
    memo = memo_in(MemoStatus.IN_APPROVAL, ORG)
    memo.approve(actor="sidorov", step_key=current_key(memo), org=ORG, now=T1)
    memo.add_approver(
        actor="petrov", step_key=current_key(memo), person="kuznetsov", org=ORG, now=T1
    )
    memo.return_for_rework(
        actor="petrov", step_key=current_key(memo), org=ORG, now=T2, reason="Нужна смета"
    )
    memo.revise(actor="egorov", org=ORG, now=T2, attachments=[attachment("смета.xlsx")])
    event = memo.resubmit(actor="egorov", org=ORG, now=T3)

    assert (memo.status, memo.round, event.awaiting) == (MemoStatus.IN_APPROVAL, 2, "sidorov")
    assert [(s.round, s.approver, s.status) for s in memo.history()] == [
        (1, "sidorov", StepStatus.APPROVED),
        (1, "petrov", StepStatus.RETURNED),
        (1, "kuznetsov", StepStatus.SKIPPED),
        (1, "findir", StepStatus.SKIPPED),
        (2, "sidorov", StepStatus.PENDING),
        (2, "petrov", StepStatus.PENDING),
        (2, "kuznetsov", StepStatus.PENDING),
        (2, "findir", StepStatus.PENDING),
    ]
    assert memo.round_steps(1)[1].comment == "Нужна смета"
    assert len({s.key for s in memo.steps}) == 8


def test_an_old_round_button_is_already_decided_after_resubmission() -> None:
    memo = memo_in(MemoStatus.RETURNED, ORG)
    old = memo.history()[0].key
    memo.resubmit(actor="egorov", org=ORG, now=T1)
    with pytest.raises(StaleDecision):
        memo.approve(actor="sidorov", step_key=old, org=ORG, now=T2)
    memo.approve(actor="sidorov", step_key=current_key(memo), org=ORG, now=T2)


def test_a_memo_can_go_through_three_rounds_and_then_be_approved() -> None:
    memo = memo_in(MemoStatus.RETURNED, ORG)
    memo.resubmit(actor="egorov", org=ORG, now=T1)
    memo.return_for_rework(
        actor="sidorov", step_key=current_key(memo), org=ORG, now=T1, reason="Ещё раз"
    )
    memo.resubmit(actor="egorov", org=ORG, now=T2)
    while (step := memo.current_step) is not None:
        memo.approve(actor=step.approver, step_key=step.key, org=ORG, now=T3)
    assert memo.status is MemoStatus.APPROVED
    assert memo.round == 3
    assert [len(memo.round_steps(n)) for n in (1, 2, 3)] == [3, 3, 3]


def test_changing_the_executor_changes_the_final_approver_of_the_next_round() -> None:
    memo = memo_in(MemoStatus.RETURNED, ORG)
    event = memo.revise(
        actor="egorov", org=ORG, now=T1, executor="kuznetsov", approvers=["sidorov"]
    )
    memo.resubmit(actor="egorov", org=ORG, now=T1)
    assert [(s.approver, s.kind) for s in memo.round_steps()] == [
        ("sidorov", StepKind.INTERMEDIATE),
        ("petrov", StepKind.FINAL),
    ]
    assert event.changes == {"executor": "kuznetsov", "approvers": ["sidorov"]}


def test_a_revision_that_breaks_the_route_changes_nothing() -> None:
    memo = memo_in(MemoStatus.RETURNED, ORG)
    events, version = len(memo.events), memo.version
    # petrov becomes the final approver while still listed as an intermediate one
    with pytest.raises(RouteError, match="последним"):
        memo.revise(actor="egorov", org=ORG, now=T1, executor="kuznetsov")
    assert memo.executor == "smirnova"
    assert (len(memo.events), memo.version) == (events, version)


def test_only_the_author_revises_and_resubmits() -> None:
    memo = memo_in(MemoStatus.RETURNED, ORG)
    with pytest.raises(NotTheAuthor):
        memo.revise(actor="sidorov", org=ORG, now=T1, title="Другая тема")
    with pytest.raises(NotTheAuthor):
        memo.resubmit(actor="sidorov", org=ORG, now=T1)


def test_a_memo_in_approval_cannot_be_edited() -> None:
    memo = memo_in(MemoStatus.IN_APPROVAL, ORG)
    with pytest.raises(TransitionNotAllowed, match="На согласовании"):
        memo.revise(actor="egorov", org=ORG, now=T1, title="Другая тема")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "Укажите тему"),
        ("title", "Т" * 201, "длиннее 200"),
        ("text", "\n\n", "Напишите текст"),
        ("text", "т" * 10_001, "длиннее 10000"),
    ],
)
def test_blank_or_oversized_content_is_refused(field: str, value: str, message: str) -> None:
    memo = draft(ORG)
    with pytest.raises(MemoContentError, match=message):
        if field == "title":
            memo.revise(actor="egorov", org=ORG, now=T1, title=value)
        else:
            memo.revise(actor="egorov", org=ORG, now=T1, text=value)

"""The memo state machine: the table itself, and every (status, action) on a real memo."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from datetime import timedelta

import pytest

from domain.memo import (
    TRANSITIONS,
    Memo,
    MemoAction,
    MemoStatus,
    TransitionNotAllowed,
    next_status,
)
from domain.org import OrgDirectory
from tests.unit.memo.builders import NOW, approve_all, memo_in, sample_org

ORG = sample_org()
LATER = NOW + timedelta(hours=2)
EXPECTED = {
    (MemoStatus.DRAFT, MemoAction.REVISE): MemoStatus.DRAFT,
    (MemoStatus.DRAFT, MemoAction.SUBMIT): MemoStatus.IN_APPROVAL,
    (MemoStatus.IN_APPROVAL, MemoAction.APPROVE): MemoStatus.IN_APPROVAL,
    (MemoStatus.IN_APPROVAL, MemoAction.APPROVE_LAST): MemoStatus.APPROVED,
    (MemoStatus.IN_APPROVAL, MemoAction.REJECT): MemoStatus.REJECTED,
    (MemoStatus.IN_APPROVAL, MemoAction.RETURN): MemoStatus.RETURNED,
    (MemoStatus.IN_APPROVAL, MemoAction.ADD_APPROVER): MemoStatus.IN_APPROVAL,
    (MemoStatus.RETURNED, MemoAction.REVISE): MemoStatus.RETURNED,
    (MemoStatus.RETURNED, MemoAction.RESUBMIT): MemoStatus.IN_APPROVAL,
}
PAIRS = list(itertools.product(MemoStatus, MemoAction))


def test_the_table_is_exactly_the_documented_one() -> None:
    assert dict(TRANSITIONS) == EXPECTED


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_next_status_follows_the_table_and_refuses_the_rest(
    status: MemoStatus, action: MemoAction
) -> None:
    if (status, action) in EXPECTED:
        assert next_status(status, action) is EXPECTED[status, action]
    else:
        with pytest.raises(TransitionNotAllowed) as caught:
            next_status(status, action)
        assert (caught.value.status, caught.value.action) == (status.value, action.value)
        assert status.title_ru in caught.value.message


def _key(memo: Memo) -> int:
    # A key no step has: an illegal decision is refused by the table, not as stale.
    step = memo.current_step
    return step.key if step is not None else 999


def _leave_one_step(memo: Memo, org: OrgDirectory) -> None:
    """Approve all but the last pending step, so that the next approval is the last."""
    while len([s for s in memo.round_steps() if s.status == "pending"]) > 1:
        step = memo.current_step
        assert step is not None
        memo.approve(actor=step.approver, step_key=step.key, org=org, now=NOW)
    memo.pull_events()


def _approver_of(memo: Memo) -> str:
    step = memo.current_step
    return step.approver if step is not None else "sidorov"


MOVES: dict[MemoAction, Callable[[Memo, OrgDirectory], object]] = {
    MemoAction.SUBMIT: lambda m, o: m.submit(actor="egorov", org=o, now=LATER),
    MemoAction.RESUBMIT: lambda m, o: m.resubmit(actor="egorov", org=o, now=LATER),
    MemoAction.REVISE: lambda m, o: m.revise(actor="egorov", org=o, now=LATER, title="Новая"),
    MemoAction.APPROVE: lambda m, o: m.approve(
        actor=_approver_of(m), step_key=_key(m), org=o, now=LATER
    ),
    MemoAction.APPROVE_LAST: lambda m, o: m.approve(
        actor=_approver_of(m), step_key=_key(m), org=o, now=LATER
    ),
    MemoAction.REJECT: lambda m, o: m.reject(
        actor=_approver_of(m), step_key=_key(m), org=o, now=LATER, reason="Нет бюджета"
    ),
    MemoAction.RETURN: lambda m, o: m.return_for_rework(
        actor=_approver_of(m), step_key=_key(m), org=o, now=LATER, reason="Уточните сумму"
    ),
    MemoAction.ADD_APPROVER: lambda m, o: m.add_approver(
        actor=_approver_of(m), step_key=_key(m), person="kazna", org=o, now=LATER
    ),
}


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_every_move_on_a_real_memo_follows_the_table(
    status: MemoStatus, action: MemoAction
) -> None:
    memo = memo_in(status, ORG)
    if action is MemoAction.APPROVE_LAST:
        _leave_one_step(memo, ORG)
    memo.pull_events()
    if (status, action) not in EXPECTED:
        before = copy.deepcopy(memo)
        with pytest.raises(TransitionNotAllowed):
            MOVES[action](memo, ORG)
        assert memo == before  # an illegal move changes nothing
        assert memo.events == []
        return
    version = memo.version
    MOVES[action](memo, ORG)
    assert memo.status is EXPECTED[status, action]
    [event] = memo.pull_events()
    assert (event.action, event.old_status, event.new_status) == (
        action,
        status,
        EXPECTED[status, action],
    )
    assert memo.version == version + 1


def test_an_approved_or_rejected_memo_is_final() -> None:
    assert {s for s in MemoStatus if s.is_final} == {MemoStatus.APPROVED, MemoStatus.REJECTED}


def test_the_last_approval_approves_the_memo_and_stamps_the_finish() -> None:
    memo = memo_in(MemoStatus.IN_APPROVAL, ORG)
    approve_all(memo, ORG, LATER)
    assert memo.status is MemoStatus.APPROVED
    assert memo.finished_at == LATER
    assert [e.name for e in memo.pull_events()] == [
        "memo.submitted",
        "memo.step_approved",
        "memo.step_approved",
        "memo.approved",
    ]

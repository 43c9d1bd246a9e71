"""Decisions on a memo: who may decide, stale buttons, reasons, substitutes, events."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.audit import AuditEntry, jsonable, seal
from domain.memo import (
    MemoStatus,
    NotYourTurn,
    ReasonRequired,
    StaleDecision,
    StepStatus,
)
from tests.unit.memo.builders import (
    DURING_LEAVE,
    NOW,
    current_key,
    draft,
    memo_in,
    sample_org,
)

ORG = sample_org()
LATER = NOW + timedelta(hours=1)


def test_each_approver_in_turn_gets_the_memo_and_the_last_approves_it() -> None:
    memo = memo_in(MemoStatus.IN_APPROVAL, ORG)
    awaiting = []
    for actor in ("sidorov", "petrov", "findir"):
        event = memo.approve(actor=actor, step_key=current_key(memo), org=ORG, now=LATER)
        awaiting.append(event.awaiting)
    assert awaiting == ["petrov", "findir", None]
    assert memo.status is MemoStatus.APPROVED
    assert [(s.approver, s.status, s.decided_by) for s in memo.history()] == [
        ("sidorov", StepStatus.APPROVED, "sidorov"),
        ("petrov", StepStatus.APPROVED, "petrov"),
        ("findir", StepStatus.APPROVED, "findir"),
    ]
    assert all(s.decided_at == LATER and s.on_behalf_of is None for s in memo.history())


def test_someone_else_is_told_who_decides_now() -> None:
    memo = memo_in(MemoStatus.IN_APPROVAL, ORG)
    for intruder in ("petrov", "findir", "kazna"):
        with pytest.raises(NotYourTurn, match="принимает Сидоров Николай Викторович"):
            memo.approve(actor=intruder, step_key=current_key(memo), org=ORG, now=LATER)
    assert memo.current_step is not None
    assert memo.current_step.approver == "sidorov"
    assert not memo.can_decide("petrov", ORG, LATER)
    assert memo.can_decide("sidorov", ORG, LATER)


def test_a_second_tap_on_the_same_button_is_already_decided() -> None:
    memo = memo_in(MemoStatus.IN_APPROVAL, ORG)
    key = current_key(memo)
    memo.approve(actor="sidorov", step_key=key, org=ORG, now=LATER)
    version = memo.version
    with pytest.raises(StaleDecision, match="Уже решено"):
        memo.approve(actor="sidorov", step_key=key, org=ORG, now=LATER)
    with pytest.raises(StaleDecision):
        memo.reject(actor="sidorov", step_key=key, org=ORG, now=LATER, reason="передумал")
    assert memo.version == version


@pytest.mark.parametrize("status", [MemoStatus.APPROVED, MemoStatus.REJECTED])
def test_a_button_of_a_finished_memo_is_already_decided(status: MemoStatus) -> None:
    memo = memo_in(status, ORG)
    first = memo.history()[0]
    with pytest.raises(StaleDecision):
        memo.approve(actor=first.approver, step_key=first.key, org=ORG, now=LATER)


def test_an_unknown_step_of_a_memo_in_approval_is_stale() -> None:
    memo = memo_in(MemoStatus.IN_APPROVAL, ORG)
    with pytest.raises(StaleDecision):
        memo.approve(actor="sidorov", step_key=12345, org=ORG, now=LATER)


def test_rejection_needs_a_reason_and_ends_the_memo() -> None:
    memo = memo_in(MemoStatus.IN_APPROVAL, ORG)
    key = current_key(memo)
    with pytest.raises(ReasonRequired, match="причину отклонения"):
        memo.reject(actor="sidorov", step_key=key, org=ORG, now=LATER, reason="   ")
    assert memo.version == 1  # refused: nothing moved
    event = memo.reject(actor="sidorov", step_key=key, org=ORG, now=LATER, reason=" Дорого ")
    assert memo.status is MemoStatus.REJECTED
    assert memo.finished_at == LATER
    assert event.reason == "Дорого"
    assert [s.status for s in memo.history()] == [
        StepStatus.REJECTED,
        StepStatus.SKIPPED,
        StepStatus.SKIPPED,
    ]
    assert memo.history()[0].comment == "Дорого"


def test_a_return_needs_a_reason_and_sends_the_memo_back_to_the_author() -> None:
    memo = memo_in(MemoStatus.IN_APPROVAL, ORG)
    key = current_key(memo)
    with pytest.raises(ReasonRequired, match="что нужно доработать"):
        memo.return_for_rework(actor="sidorov", step_key=key, org=ORG, now=LATER, reason="")
    event = memo.return_for_rework(
        actor="sidorov", step_key=key, org=ORG, now=LATER, reason="Приложите смету"
    )
    assert memo.status is MemoStatus.RETURNED
    assert memo.finished_at is None
    assert memo.current_step is None
    assert (event.approver, event.reason) == ("sidorov", "Приложите смету")


def test_an_approval_may_carry_a_comment() -> None:
    memo = memo_in(MemoStatus.IN_APPROVAL, ORG)
    memo.approve(actor="sidorov", step_key=current_key(memo), org=ORG, now=LATER, comment=" ок ")
    assert memo.history()[0].comment == "ок"


def test_a_substitute_decides_on_behalf_of_the_absent_approver() -> None:
    memo = draft(ORG, approvers=("sokolov",))
    memo.submit(actor="egorov", org=ORG, now=DURING_LEAVE)
    assert memo.can_decide("petrov", ORG, DURING_LEAVE)
    event = memo.approve(actor="petrov", step_key=current_key(memo), org=ORG, now=DURING_LEAVE)
    step = memo.history()[0]
    assert (step.approver, step.decided_by, step.on_behalf_of) == ("sokolov", "petrov", "sokolov")
    assert (event.actor, event.on_behalf_of) == ("petrov", "sokolov")


def test_the_absent_approver_may_still_decide_himself() -> None:
    memo = draft(ORG, approvers=("sokolov",))
    memo.submit(actor="egorov", org=ORG, now=DURING_LEAVE)
    memo.approve(actor="sokolov", step_key=current_key(memo), org=ORG, now=DURING_LEAVE)
    assert memo.history()[0].on_behalf_of is None


def test_outside_the_leave_the_substitute_may_not_decide() -> None:
    memo = draft(ORG, approvers=("sokolov",))
    memo.submit(actor="egorov", org=ORG, now=NOW)
    with pytest.raises(NotYourTurn, match="Соколов Игорь Дмитриевич"):
        memo.approve(actor="petrov", step_key=current_key(memo), org=ORG, now=NOW)


def test_during_the_leave_others_are_told_the_substitute_decides() -> None:
    memo = draft(ORG, approvers=("sokolov",))
    memo.submit(actor="egorov", org=ORG, now=DURING_LEAVE)
    with pytest.raises(NotYourTurn, match=r"Петров Сергей Иванович \(за Соколов"):
        memo.approve(actor="kazna", step_key=current_key(memo), org=ORG, now=DURING_LEAVE)


def test_the_author_may_not_decide_his_own_memo_as_a_substitute() -> None:
    memo = draft(ORG, author="petrov", executor="smirnova", approvers=("sokolov",))
    memo.submit(actor="petrov", org=ORG, now=DURING_LEAVE)
    with pytest.raises(NotYourTurn, match="Автор не может"):
        memo.approve(actor="petrov", step_key=current_key(memo), org=ORG, now=DURING_LEAVE)


def test_the_general_director_signs_his_own_memo_when_nobody_is_above_him() -> None:
    memo = draft(ORG, author="gendir", executor="kuznetsov", approvers=())
    memo.submit(actor="gendir", org=ORG, now=NOW)
    memo.approve(actor="gendir", step_key=current_key(memo), org=ORG, now=LATER)
    assert memo.status is MemoStatus.APPROVED


def test_every_event_can_be_sealed_into_the_audit_chain() -> None:
    memo = memo_in(MemoStatus.IN_APPROVAL, ORG)
    memo.approve(actor="sidorov", step_key=current_key(memo), org=ORG, now=LATER)
    memo.return_for_rework(
        actor="petrov", step_key=current_key(memo), org=ORG, now=LATER, reason="Смета"
    )
    memo.revise(actor="egorov", org=ORG, now=LATER, text="Смета приложена.", attachments=[])
    prev = "0" * 64
    for seq, event in enumerate(memo.pull_events(), start=1):
        entry = AuditEntry(
            seq=seq,
            occurred_at=event.at,
            actor=event.actor,
            action=event.name,
            entity_type="memo",
            entity_id="1",
            on_behalf_of=event.on_behalf_of,
            old=event.audit_old(),
            new=event.audit_new(),
            reason=event.reason,
        )
        prev = seal(entry, prev).hash
    assert jsonable(event.audit_new()) == {
        "status": "returned",
        "round": 1,
        "changes": {"text": "Смета приложена.", "attachments": []},
    }

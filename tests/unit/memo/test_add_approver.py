"""«Добавить согласующего»: where the step goes, who may add, and the limits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.memo import ApproverRefused, Memo, MemoStatus, NotYourTurn, StaleDecision, StepKind
from domain.roles import Role
from tests.unit.memo.builders import DURING_LEAVE, NOW, current_key, draft, sample_org

ORG = sample_org()
LATER = NOW + timedelta(hours=1)


def _submitted(approvers: tuple[str, ...] = ("sidorov", "petrov")) -> Memo:
    memo = draft(ORG, approvers=approvers)
    memo.submit(actor="egorov", org=ORG, now=NOW)
    return memo


def _chain(memo: Memo) -> list[str]:
    return [s.approver for s in memo.round_steps()]


def test_the_added_approver_comes_right_after_the_current_one() -> None:
    memo = _submitted()
    event = memo.add_approver(
        actor="sidorov", step_key=current_key(memo), person="kuznetsov", org=ORG, now=LATER
    )
    assert _chain(memo) == ["sidorov", "kuznetsov", "petrov", "findir"]
    assert [s.position for s in memo.round_steps()] == [1, 2, 3, 4]
    added = memo.round_steps()[1]
    assert (added.kind, added.role, added.added_by) == (
        StepKind.INTERMEDIATE,
        Role.DC_DIRECTOR,
        "sidorov",
    )
    assert (event.approver, event.awaiting, event.name) == (
        "kuznetsov",
        "sidorov",
        "memo.approver_added",
    )
    memo.approve(actor="sidorov", step_key=current_key(memo), org=ORG, now=LATER)
    assert memo.current_step is not None
    assert memo.current_step.approver == "kuznetsov"


def test_only_the_current_approver_may_add() -> None:
    memo = _submitted()
    with pytest.raises(NotYourTurn):
        memo.add_approver(
            actor="petrov", step_key=current_key(memo), person="kazna", org=ORG, now=LATER
        )
    with pytest.raises(NotYourTurn):
        memo.add_approver(
            actor="egorov", step_key=current_key(memo), person="kazna", org=ORG, now=LATER
        )


def test_a_fifth_intermediate_approver_is_refused_saying_why() -> None:
    # The end-to-end story: three approvers, one adds a fourth, a fifth is refused.
    memo = _submitted(("sidorov", "petrov", "kuznetsov"))
    memo.add_approver(
        actor="sidorov", step_key=current_key(memo), person="glavbuh", org=ORG, now=LATER
    )
    memo.approve(actor="sidorov", step_key=current_key(memo), org=ORG, now=LATER)
    with pytest.raises(ApproverRefused, match="уже 4 из 4"):
        memo.add_approver(
            actor="glavbuh", step_key=current_key(memo), person="kazna", org=ORG, now=LATER
        )
    assert _chain(memo) == ["sidorov", "glavbuh", "petrov", "kuznetsov", "findir"]


def test_the_limit_is_a_parameter() -> None:
    memo = _submitted(("sidorov", "petrov"))
    with pytest.raises(ApproverRefused, match="уже 2 из 2"):
        memo.add_approver(
            actor="sidorov",
            step_key=current_key(memo),
            person="kazna",
            org=ORG,
            now=LATER,
            max_approvers=2,
        )


@pytest.mark.parametrize(
    ("person", "message"),
    [
        ("petrov", "Петров Сергей Иванович уже есть в цепочке"),
        ("findir", "Фёдорова Елена Викторовна уже есть в цепочке"),  # the final approver
        ("sidorov", "Сидоров Николай Викторович уже есть в цепочке"),  # himself
        ("egorov", "Автор записки не может быть её согласующим"),
    ],
)
def test_a_person_already_in_the_chain_or_the_author_is_refused(person: str, message: str) -> None:
    memo = _submitted()
    version = memo.version
    with pytest.raises(ApproverRefused, match=message):
        memo.add_approver(
            actor="sidorov", step_key=current_key(memo), person=person, org=ORG, now=LATER
        )
    assert memo.version == version
    assert len(memo.steps) == 3


def test_a_final_approver_adds_before_himself_and_still_decides_last() -> None:
    memo = _submitted(())
    event = memo.add_approver(
        actor="findir", step_key=current_key(memo), person="glavbuh", org=ORG, now=LATER
    )
    assert _chain(memo) == ["glavbuh", "findir"]
    assert event.awaiting == "glavbuh"
    memo.approve(actor="glavbuh", step_key=current_key(memo), org=ORG, now=LATER)
    memo.approve(actor="findir", step_key=current_key(memo), org=ORG, now=LATER)
    assert memo.status is MemoStatus.APPROVED


def test_a_button_pressed_before_an_addition_still_works() -> None:
    # The step keys stay; only positions move.
    memo = _submitted()
    key = current_key(memo)
    memo.add_approver(actor="sidorov", step_key=key, person="kazna", org=ORG, now=LATER)
    memo.approve(actor="sidorov", step_key=key, org=ORG, now=LATER)
    with pytest.raises(StaleDecision):
        memo.add_approver(actor="sidorov", step_key=key, person="kazna", org=ORG, now=LATER)


def test_a_substitute_may_add_on_behalf_of_the_approver() -> None:
    memo = draft(ORG, approvers=("sokolov",))
    memo.submit(actor="egorov", org=ORG, now=DURING_LEAVE)
    event = memo.add_approver(
        actor="petrov", step_key=current_key(memo), person="kazna", org=ORG, now=DURING_LEAVE
    )
    assert (event.actor, event.on_behalf_of) == ("petrov", "sokolov")
    assert memo.round_steps()[1].added_by == "petrov"

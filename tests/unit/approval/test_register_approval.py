"""The register approval as data: the whole transition table, a per-DC route, decisions
per stage, send-on, return, withdraw (the route's own rules: test_register_route)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from domain.register_approval import (
    TRANSITIONS,
    Action,
    ApprovalError,
    Decision,
    Item,
    ItemStatus,
    RegisterApproval,
    RegisterStatus,
    TransitionNotAllowed,
)
from domain.register_route import (
    DEFAULT_ROUTE,
    ActingAs,
    RoutePolicy,
    Stage,
    parse_route,
)

POLICY = RoutePolicy(ceo_threshold=Decimal("1000000"))
DIRECTOR = ActingAs("sidorov")
CHIEF = ActingAs("glavbuh")
FINDIR = ActingAs("findir")
GENDIR = ActingAs("gendir")


def register(*amounts: str, route=DEFAULT_ROUTE, status=RegisterStatus.DRAFT) -> RegisterApproval:
    items = [
        Item(n, n, Decimal(a), ItemStatus.PENDING, POLICY.item_stages(route, Decimal(a)))
        for n, a in enumerate(amounts, start=1)
    ]
    return RegisterApproval(id=1, status=status, route=route, items=items)


def in_approval(*amounts: str, **kwargs) -> RegisterApproval:
    reg = register(*amounts, **kwargs)
    reg.submit("ivanova")
    reg.events.clear()
    return reg


def pass_stage(reg: RegisterApproval, who: ActingAs) -> None:
    reg.approve_rest(who)
    reg.send_on(who)


def reject_all(reg: RegisterApproval) -> None:
    for item in reg.undecided():
        reg.decide(item.id, DIRECTOR, Decision.REJECT, "Нет бюджета")
    reg.send_on(DIRECTOR)


# --- the transition table --------------------------------------------------------------


def in_status(status: RegisterStatus) -> RegisterApproval:
    reg = register("100.00", "2000000.00")
    if status is RegisterStatus.DRAFT:
        return reg
    reg.submit("ivanova")
    moves = {
        RegisterStatus.IN_APPROVAL: lambda: None,
        RegisterStatus.RETURNED: lambda: reg.return_to_accountant(DIRECTOR, "исправьте"),
        RegisterStatus.WITHDRAWN: lambda: reg.withdraw("ivanova"),
        RegisterStatus.APPROVED: lambda: [pass_stage(reg, w) for w in (DIRECTOR, CHIEF, FINDIR,
                                                                        GENDIR)],
        RegisterStatus.REJECTED: lambda: reject_all(reg),
        RegisterStatus.CANCELLED: None,
        RegisterStatus.CLOSED: None,
    }  # fmt: skip
    move = moves[status]
    if move is None:  # not reachable by these moves: set directly
        reg.status, reg.stage_index = status, None
    else:
        move()
    assert reg.status is status
    return reg


def act(reg: RegisterApproval, action: Action) -> None:
    calls = {
        Action.SUBMIT: lambda: reg.submit("ivanova"),
        Action.CANCEL: lambda: reg.cancel("ivanova"),
        Action.DECIDE: lambda: reg.decide(1, DIRECTOR, Decision.APPROVE),
        Action.SEND_ON: lambda: (reg.approve_rest(DIRECTOR), reg.send_on(DIRECTOR)),
        Action.RETURN: lambda: reg.return_to_accountant(DIRECTOR, "нет документов"),
        Action.RESUBMIT: lambda: reg.resubmit("ivanova"),
        Action.WITHDRAW: lambda: reg.withdraw("ivanova"),
        Action.WITHDRAW_ITEMS: lambda: reg.withdraw("ivanova", [2]),
    }
    calls[Action.CUTOFF] = reg.close_at_cutoff
    calls[action]()


@pytest.mark.parametrize(
    ("status", "action"), list(itertools.product(RegisterStatus, Action)), ids=str
)
def test_every_move_is_allowed_exactly_as_the_table_says(status, action):
    reg = in_status(status)
    allowed = TRANSITIONS.get((status, action))
    if allowed is None:
        version = reg.version
        with pytest.raises(TransitionNotAllowed):
            act(reg, action)
        assert reg.status is status and reg.version == version
    else:
        act(reg, action)
        assert reg.status in allowed


# --- the route -------------------------------------------------------------------------


def test_a_dc_override_replaces_the_default_route():
    override = parse_route(["department_director", "chief_accountant", "finance_director"])
    policy = RoutePolicy(Decimal("1000000"), overrides={"nsk-lexus": override})
    assert policy.route_for("nsk-lexus")[0] is Stage.DEPARTMENT_DIRECTOR
    assert policy.route_for("ekb-toyota") == DEFAULT_ROUTE
    reg = in_approval("5000000.00", route=policy.route_for("nsk-lexus"))
    assert reg.stage is Stage.DEPARTMENT_DIRECTOR


def test_a_register_with_only_small_items_is_approved_after_the_finance_director():
    reg = in_approval("100.00", "200.00")
    for who in (DIRECTOR, CHIEF):
        pass_stage(reg, who)
    reg.approve_rest(FINDIR)
    assert reg.send_on(FINDIR) is None
    assert reg.status is RegisterStatus.APPROVED
    assert {i.status for i in reg.items} == {ItemStatus.APPROVED}


def test_large_items_go_on_to_the_general_director_while_small_ones_are_done():
    reg = in_approval("100.00", "1500000.00")
    for who in (DIRECTOR, CHIEF):
        pass_stage(reg, who)
    reg.approve_rest(FINDIR)
    assert reg.send_on(FINDIR) is Stage.GENERAL_DIRECTOR
    assert [i.id for i in reg.at_stage()] == [2]
    assert reg.item(1).status is ItemStatus.APPROVED
    pass_stage(reg, GENDIR)
    assert reg.status is RegisterStatus.APPROVED


def test_the_general_directors_stage_is_skipped_when_its_items_were_rejected():
    reg = in_approval("100.00", "1500000.00")
    reg.decide(2, DIRECTOR, Decision.REJECT, "Нет бюджета")
    reg.approve_rest(DIRECTOR)
    reg.send_on(DIRECTOR)
    pass_stage(reg, CHIEF)
    reg.approve_rest(FINDIR)
    assert reg.send_on(FINDIR) is None
    assert reg.item(2).status is ItemStatus.REJECTED


# --- decisions -------------------------------------------------------------------------


def test_send_on_needs_a_decision_on_every_item():
    reg = in_approval("1.00", "2.00", "3.00")
    reg.decide(1, DIRECTOR, Decision.APPROVE)
    with pytest.raises(ApprovalError, match="Не решено платежей: 2"):
        reg.send_on(DIRECTOR)
    assert reg.stage is Stage.DC_DIRECTOR


def test_a_rejection_needs_a_reason():
    reg = in_approval("1.00")
    with pytest.raises(ApprovalError, match="причину"):
        reg.decide(1, DIRECTOR, Decision.REJECT, "  ")


def test_an_approver_may_change_their_decision_until_sending_on():
    reg = in_approval("1.00", "2.00")
    reg.decide(1, DIRECTOR, Decision.REJECT, "Дубль")
    reg.decide(1, DIRECTOR, Decision.APPROVE)
    reg.decide(2, DIRECTOR, Decision.APPROVE)
    assert reg.events[-1].new is Decision.APPROVE
    reg.send_on(DIRECTOR)
    assert reg.stage is Stage.CHIEF_ACCOUNTANT
    assert reg.item(1).decision is None  # the next stage decides afresh


def test_a_double_tap_records_one_decision():
    reg = in_approval("1.00")
    assert reg.decide(1, DIRECTOR, Decision.APPROVE) is True
    assert reg.decide(1, DIRECTOR, Decision.APPROVE) is False
    assert [e.action for e in reg.events] == ["register.item.decided"]
    assert reg.decide(1, DIRECTOR, Decision.REJECT, " Дубль ") is True
    assert reg.decide(1, DIRECTOR, Decision.REJECT, "Дубль  ") is False  # the same reason
    assert reg.item(1).reason == "Дубль" and len(reg.events) == 2


def test_the_first_decision_wins_among_holders_of_a_company_role():
    reg = in_approval("1.00")
    pass_stage(reg, DIRECTOR)
    reg.decide(1, CHIEF, Decision.APPROVE)
    with pytest.raises(ApprovalError, match="другой согласующий"):
        reg.decide(1, ActingAs("glavbuh2"), Decision.REJECT, "нет")


def test_a_substitute_decision_records_on_whose_behalf():
    reg = in_approval("1.00")
    reg.decide(1, ActingAs("petrov", on_behalf_of="sokolov"), Decision.APPROVE)
    event = reg.events[-1]
    assert (event.actor, event.on_behalf_of, event.stage) == (
        "petrov",
        "sokolov",
        Stage.DC_DIRECTOR,
    )


def test_approve_rest_leaves_earlier_rejections_alone():
    reg = in_approval("1.00", "2.00", "3.00")
    reg.decide(2, DIRECTOR, Decision.REJECT, "Перенести")
    approved = reg.approve_rest(DIRECTOR)
    assert [i.id for i in approved] == [1, 3]
    assert reg.item(2).decision is Decision.REJECT


# --- return, resubmit, withdraw ----------------------------------------------------------


def test_a_returned_register_restarts_from_the_first_stage_in_a_new_round():
    reg = in_approval("1.00", "2.00")
    pass_stage(reg, DIRECTOR)
    reg.return_to_accountant(CHIEF, "Приложите счета")
    assert reg.status is RegisterStatus.RETURNED and reg.stage is None
    reg.resubmit("ivanova")
    assert reg.round == 2 and reg.stage is Stage.DC_DIRECTOR
    assert all(i.decision is None for i in reg.items)


def test_withdrawing_items_moves_on_when_nothing_is_left_at_the_stage():
    reg = in_approval("1.00", "2.00")
    reg.decide(1, DIRECTOR, Decision.APPROVE)
    reg.withdraw("ivanova", [2])
    assert reg.item(2).status is ItemStatus.WITHDRAWN
    assert reg.stage is Stage.DC_DIRECTOR  # item 1 still waits for send-on
    reg.withdraw("ivanova", [1])
    assert reg.status is RegisterStatus.WITHDRAWN


def test_an_already_rejected_item_cannot_be_withdrawn():
    reg = in_approval("1.00", "2.00")
    reg.decide(1, DIRECTOR, Decision.REJECT, "Дубль")
    reg.approve_rest(DIRECTOR)
    reg.send_on(DIRECTOR)
    with pytest.raises(ApprovalError, match="уже отклонена"):
        reg.withdraw("ivanova", [1])


def test_every_move_bumps_the_version():
    reg = register("1.00")
    versions = [reg.version]
    reg.submit("ivanova")
    versions.append(reg.version)
    reg.decide(1, DIRECTOR, Decision.APPROVE)
    versions.append(reg.version)
    reg.send_on(DIRECTOR)
    versions.append(reg.version)
    assert versions == sorted(set(versions))


def test_the_cutoff_marks_alive_items_missed_and_keeps_decided_ones():
    reg = in_approval("1.00", "2000000.00")
    for who in (DIRECTOR, CHIEF, FINDIR):
        pass_stage(reg, who)
    missed = reg.close_at_cutoff()
    assert [i.id for i in missed] == [2]
    assert reg.item(1).status is ItemStatus.APPROVED
    assert reg.item(2).status is ItemStatus.MISSED
    with pytest.raises(TransitionNotAllowed, match="отсечкой"):
        reg.decide(2, GENDIR, Decision.APPROVE)

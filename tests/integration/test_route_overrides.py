"""A DC's own route from config (``registers.routes``; PRODUCT §3): ekb-toyota goes
straight to its department director instead of its DC director, other DCs keep the
default route (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.register_approval import Decision
from domain.register_route import DEFAULT_ROUTE, RoutePolicy, Stage
from services.approvals import ApprovalRules
from services.errors import NotAllowed
from services.registers.model import RegisterRules
from services.usecases import UseCases
from tests.integration.test_register_approval import (
    EKB,
    IVANOVA,
    PETROV,
    SIDOROV,
    Office,
    all_items,
    make_office,
)
from tests.unit.registers.builders import HEADER_RU, payment, xlsx

VOLKOVA, KUZNETSOV = 500031, 500020  # msk-kia: default route
EKB_ROUTE = (Stage.DEPARTMENT_DIRECTOR, Stage.CHIEF_ACCOUNTANT, Stage.FINANCE_DIRECTOR,
             Stage.GENERAL_DIRECTOR)  # fmt: skip


@pytest.fixture
async def office(uow_factory, clock, database) -> Office:
    rules = RegisterRules()
    policy = RoutePolicy(rules.ceo_threshold, DEFAULT_ROUTE, {"ekb-toyota": EKB_ROUTE})
    made = await make_office(uow_factory, clock, database)
    made.cases = UseCases.build(
        uow_factory, clock, invite_ttl_hours=24, register_rules=rules,
        approval_rules=ApprovalRules(policy, rules.cutoff),
    )  # fmt: skip
    return made


async def test_a_dc_without_its_own_director_goes_to_the_department_director(office: Office):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    submitted = await office.cases.approvals.open_card(await office.who(IVANOVA), register_id)
    assert submitted.stage is Stage.DEPARTMENT_DIRECTOR
    petrov, sidorov = await office.who(PETROV), await office.who(SIDOROV)
    assert (await office.cases.approvals.open_card(petrov, register_id)).can_decide
    item = (await all_items(office, register_id, PETROV))[0]
    with pytest.raises(NotAllowed):
        await office.cases.approvals.decide(sidorov, register_id, item.id, Decision.APPROVE)
    decided = await office.cases.approvals.decide(petrov, register_id, item.id, Decision.APPROVE)
    assert decided.card.undecided == decided.card.at_stage_count - 1
    waiting = await office.cases.approvals.waiting(petrov)
    assert [w.register_id for w in waiting] == [register_id]

    rows = [HEADER_RU, payment(1, amount=Decimal("100.00"))]
    other = await office.submitted(VOLKOVA, xlsx(rows), "k.xlsx", "msk-kia")
    card = await office.cases.approvals.open_card(await office.who(KUZNETSOV), other)
    assert (card.stage, card.can_decide) == (Stage.DC_DIRECTOR, True)

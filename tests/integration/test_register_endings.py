"""How a register's route ends otherwise than approved (SQLite and PostgreSQL): every
payment rejected ends the register rejected, and the accountant is told so; a withdrawal
confirmed on a card that changed meanwhile withdraws nothing; the accountant follows, and
may withdraw from, the whole register at any stage."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from domain.register_approval import Decision, ItemStatus, RegisterStatus
from domain.register_route import Stage
from models.tables import Person
from services.approvals import StaleConfirmation
from tests.integration import test_register_approval as route_tests
from tests.integration.test_register_approval import (
    EKB,
    FINDIR,
    GENDIR,
    GLAVBUH,
    IVANOVA,
    SIDOROV,
    Office,
    all_items,
    pass_stage,
)
from tests.unit.registers.builders import HEADER_RU, payment, xlsx

VOLKOVA, KUZNETSOV = 500031, 500020  # the msk-kia accountant who leaves, its director
office = route_tests.office  # the fixture: the org and a way to submit a register


async def test_a_register_with_every_payment_rejected_ends_rejected(office: Office):
    cases = office.cases
    rows = [HEADER_RU, payment(1, amount=1000), payment(2, amount=2000, invoice="R-2")]
    register_id = await office.submitted(IVANOVA, xlsx(rows), "r.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    for item, reason in zip(
        await all_items(office, register_id, SIDOROV), ("Дубль", "Нет бюджета"), strict=True
    ):
        await cases.approvals.decide(sidorov, register_id, item.id, Decision.REJECT, reason=reason)
    sent = await cases.approvals.send_on(sidorov, register_id)
    assert sent.card.status is RegisterStatus.REJECTED
    told = [(n.kind, n.person.code) for n in sent.notices if n.kind != "refresh"]
    assert told == [("rejected", "ivanova"), ("rejected_all", "ivanova")]
    accountant = await office.who(IVANOVA)
    card = await cases.approvals.open_card(accountant, register_id)
    assert card.status is RegisterStatus.REJECTED and not card.can_decide
    assert {i.status for i in card.items} == {ItemStatus.REJECTED}
    async with office.uow() as uow:  # type: ignore[operator]
        actions = [e.entry.action async for e in uow.audit.iterate()]
    assert "register.rejected" in actions and "register.approved" not in actions
    assert (await cases.verify_audit()).ok


async def test_a_withdrawal_confirmed_on_a_stale_card_withdraws_nothing(office: Office):
    cases = office.cases
    rows = [HEADER_RU, payment(1, amount=1000), payment(2, amount=2000, invoice="W-2")]
    register_id = await office.submitted(IVANOVA, xlsx(rows), "w.xlsx", "ekb-toyota")
    ivanova, sidorov = await office.who(IVANOVA), await office.who(SIDOROV)
    seen = (await cases.approvals.open_card(ivanova, register_id)).version
    first = (await all_items(office, register_id, SIDOROV))[0]
    await cases.approvals.decide(sidorov, register_id, first.id, Decision.APPROVE)
    with pytest.raises(StaleConfirmation, match="реестр изменился"):
        await cases.approvals.withdraw(ivanova, register_id, None, expected_version=seen)
    card = await cases.approvals.open_card(ivanova, register_id)
    assert card.status is RegisterStatus.IN_APPROVAL
    withdrawn = await cases.approvals.withdraw(
        ivanova, register_id, None, expected_version=card.version
    )
    assert withdrawn.card.status is RegisterStatus.WITHDRAWN


async def test_the_accountant_sees_every_payment_and_may_withdraw_an_approved_one(
    office: Office,
):
    """At the general director's stage only the large payments wait; the accountant's card
    still lists all of them, and a small one already approved can be pulled from the run."""
    cases = office.cases
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    for approver in (SIDOROV, GLAVBUH, FINDIR):
        await pass_stage(office, register_id, approver)
    ivanova = await office.who(IVANOVA)
    first = await cases.approvals.open_card(ivanova, register_id)
    assert first.stage is Stage.GENERAL_DIRECTOR and not first.can_decide
    seen = await all_items(office, register_id, IVANOVA)
    assert len(seen) == first.item_count == 24
    approved = [i for i in seen if i.status is ItemStatus.APPROVED]
    assert len(approved) == 24 - first.at_stage_count
    outcome = await cases.approvals.withdraw(ivanova, register_id, [approved[0].id])
    assert outcome.card.status is RegisterStatus.IN_APPROVAL
    assert outcome.card.stage is Stage.GENERAL_DIRECTOR
    after = {i.id: i.status for i in await all_items(office, register_id, IVANOVA)}
    assert after[approved[0].id] is ItemStatus.WITHDRAWN
    gendir = await cases.approvals.open_card(await office.who(GENDIR), register_id)
    assert gendir.can_decide and gendir.item_count == 24
    assert len(await all_items(office, register_id, GENDIR)) == first.at_stage_count


async def test_news_of_a_register_whose_accountant_left_goes_to_the_dcs_accountants(
    office: Office, database
):
    """Волкова sent the msk-kia register and has since left (inactive): the rejection and
    the result reach Смирнова, the DC's other accountant, instead of nobody."""
    rows = [HEADER_RU, payment(1, amount=1000), payment(2, amount=2000, invoice="L-2")]
    register_id = await office.submitted(VOLKOVA, xlsx(rows), "l.xlsx", "msk-kia")
    async with office.uow() as uow:  # type: ignore[operator]
        volkova = await uow.org.person_by_code("volkova")
    async with database.sessions() as session:
        await session.execute(update(Person).where(Person.id == volkova.id).values(active=False))
        await session.commit()
    cases, kuznetsov = office.cases, await office.who(KUZNETSOV)
    first, second = await all_items(office, register_id, KUZNETSOV)
    await cases.approvals.decide(kuznetsov, register_id, first.id, Decision.REJECT, reason="Дубль")
    await cases.approvals.decide(kuznetsov, register_id, second.id, Decision.APPROVE)
    sent = await cases.approvals.send_on(kuznetsov, register_id)
    told = [(n.kind, n.person.code) for n in sent.notices if n.kind == "rejected"]
    assert told == [("rejected", "smirnova")]

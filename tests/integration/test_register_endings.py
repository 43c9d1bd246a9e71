"""How a register's route ends otherwise than approved (SQLite and PostgreSQL): every
payment rejected ends the register rejected, and the accountant is told so; a withdrawal
confirmed on a card that changed meanwhile withdraws nothing."""

from __future__ import annotations

import pytest

from domain.register_approval import Decision, ItemStatus, RegisterStatus
from services.approvals import StaleConfirmation
from tests.integration import test_register_approval as route_tests
from tests.integration.test_register_approval import IVANOVA, SIDOROV, Office, all_items
from tests.unit.registers.builders import HEADER_RU, payment, xlsx

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

"""Several people hold the chief accountant's role: any of them decides the stage, and when
two tap the same payment at once, the first decision stands and the other is refused
(SQLite's write gate, PostgreSQL's row lock), with one decision and one audit entry."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from domain.errors import DomainError
from domain.register_approval import Decision
from models.approval_tables import RegisterDecision
from models.tables import AuditLog, PersonRole
from tests.integration import test_register_approval as route_tests
from tests.integration.test_register_approval import (
    EKB,
    GLAVBUH,
    IVANOVA,
    SIDOROV,
    Office,
    all_items,
    pass_stage,
)

KAZNA = 500004  # the treasurer, made a second chief accountant here
office = route_tests.office  # the fixture: the org and a way to submit a register


async def test_two_holders_tapping_one_payment_at_once_make_one_decision(office: Office, database):
    kazna = await office.who(KAZNA)
    async with database.sessions() as session:
        session.add(PersonRole(person_id=kazna.id, role="chief_accountant"))
        await session.commit()
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    await pass_stage(office, register_id, SIDOROV)
    glavbuh, kazna = await office.who(GLAVBUH), await office.who(KAZNA)
    assert (await office.cases.approvals.open_card(kazna, register_id)).can_decide
    item = (await all_items(office, register_id, GLAVBUH))[0]
    decide = office.cases.approvals.decide
    results = await asyncio.gather(
        decide(glavbuh, register_id, item.id, Decision.APPROVE),
        decide(kazna, register_id, item.id, Decision.REJECT, reason="Дубль"),
        return_exceptions=True,
    )
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and len(results) == 2, results
    assert "уже решил" in refused[0].message, refused[0].message
    async with database.sessions() as session:
        stored = (
            await session.execute(
                select(RegisterDecision.decided_by_id, RegisterDecision.decision).where(
                    RegisterDecision.item_id == item.id,
                    RegisterDecision.stage == "chief_accountant",
                )
            )
        ).all()
        entries = await session.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(
                AuditLog.action == "register.item.decided",
                AuditLog.entity_id == str(register_id),
                AuditLog.actor.in_(["glavbuh", "kazna"]),
            )
        )
    assert len(stored) == 1 and entries == 1
    winner = glavbuh if results[0] is not refused[0] else kazna
    assert stored[0][0] == winner.id
    card = await office.cases.approvals.open_card(glavbuh, register_id)
    assert card.undecided == card.at_stage_count - 1

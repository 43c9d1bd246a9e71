"""Register approval through the use cases on SQLite and PostgreSQL: the whole route with
the ekb-toyota sample, refusals that change nothing, concurrent taps, substitutes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from domain.org import load_org_toml
from domain.register_approval import (
    ApprovalError,
    Decision,
    ItemStatus,
    RegisterStatus,
    TransitionNotAllowed,
)
from domain.register_route import Stage
from models.approval_tables import RegisterDecision
from models.tables import AuditLog, DealerCenter
from services.approvals import CutoffPassed
from services.errors import NotAllowed
from services.registers import DraftReady
from services.usecases import UseCases
from tests.conftest import FIXTURES

EKB = (FIXTURES / "registers" / "ekb-toyota_2026-11-30.xlsx").read_bytes()
NSK = (FIXTURES / "registers" / "nsk-lexus_2026-11-30.txt").read_bytes()
THRESHOLD = Decimal("1000000")
# Refusals of a tap on ✅ / ❌ by someone who does not decide at the current stage.
NOT_YOURS_AT_DC = "Решение на этапе «Директор дилерского центра» принимает другой человек."
MOVED_ON = "Реестр ушёл дальше: решение на этом этапе принимает другой человек."


@dataclass
class Office:
    """The org, by Telegram id, and a way to get a submitted register."""

    cases: UseCases
    dc_ids: dict[str, int]
    uow: object

    async def who(self, telegram_id: int):
        return await self.cases.identify(telegram_id)

    async def by_code(self, code: str):
        async with self.uow() as uow:
            return await uow.org.person_by_code(code)

    async def submitted(self, accountant: int, data: bytes, name: str, dc: str | None) -> int:
        person = await self.who(accountant)
        outcome = await self.cases.upload_register(person, name, data, self.dc_ids.get(dc or ""))
        assert isinstance(outcome, DraftReady), outcome
        summary = outcome.summary
        await self.cases.approvals.submit(person, summary.id, summary.version)
        return summary.id


@pytest.fixture
async def office(uow_factory, clock, database) -> Office:
    return await make_office(uow_factory, clock, database)


async def make_office(uow_factory, clock, database) -> Office:
    cases = UseCases.build(uow_factory, clock, invite_ttl_hours=24)
    await cases.import_org(load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8")))
    async with database.sessions() as session:
        rows = (await session.execute(select(DealerCenter.code, DealerCenter.id))).all()
    return Office(cases, dict(rows), uow_factory)


IVANOVA, SIDOROV, SOKOLOV, PETROV = 500033, 500022, 500023, 500011
GLAVBUH, FINDIR, GENDIR, NOVIKOVA = 500003, 500002, 500001, 500034


async def all_items(office: Office, register_id: int, viewer: int) -> list:
    cases, person = office.cases, await office.who(viewer)
    first = await cases.approvals.open_card(person, register_id)
    items = list(first.items)
    for page in range(1, first.pages):
        items += (await cases.approvals.open_card(person, register_id, page)).items
    return items


async def pass_stage(office: Office, register_id: int, telegram_id: int):
    person = await office.who(telegram_id)
    preview = await office.cases.approvals.preview_rest(person, register_id)
    await office.cases.approvals.approve_rest(person, register_id, preview.version)
    return await office.cases.approvals.send_on(person, register_id)


async def test_the_ekb_register_walks_its_whole_route(office: Office, database):
    cases = office.cases
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    card = await cases.approvals.open_card(sidorov, register_id)
    assert (card.stage, card.can_decide, card.at_stage_count) == (Stage.DC_DIRECTOR, True, 24)
    items = await all_items(office, register_id, SIDOROV)
    rejected = items[:3]
    for item, reason in zip(rejected, ("Нет бюджета", "Дубль", "Перенести"), strict=True):
        await cases.approvals.decide(sidorov, register_id, item.id, Decision.REJECT, reason=reason)
    preview = await cases.approvals.preview_rest(sidorov, register_id)
    assert preview.count == 21
    assert preview.totals == (("RUB", sum((i.amount for i in items[3:]), Decimal("0.00"))),)
    sent = await pass_stage(office, register_id, SIDOROV)
    told = {n.kind: n for n in sent.notices}
    assert told["rejected"].person.code == "ivanova"
    assert [(i.position, i.reason) for i in told["rejected"].items] == [
        (1, "Нет бюджета"), (2, "Дубль"), (3, "Перенести"),
    ]  # fmt: skip
    assert told["card"].person.code == "glavbuh"

    await pass_stage(office, register_id, GLAVBUH)
    to_gendir = await pass_stage(office, register_id, FINDIR)
    assert [n.person.code for n in to_gendir.notices if n.kind == "card"] == ["gendir"]
    gendir_card = await cases.approvals.open_card(await office.who(GENDIR), register_id)
    big = [i for i in items[3:] if i.amount >= THRESHOLD]
    assert gendir_card.stage is Stage.GENERAL_DIRECTOR
    assert gendir_card.at_stage_count == len(big) > 0
    assert all(i.amount >= THRESHOLD for i in gendir_card.items)

    done = await pass_stage(office, register_id, GENDIR)
    assert done.card.status is RegisterStatus.APPROVED
    assert [n.person.code for n in done.notices if n.kind == "approved"] == ["ivanova"]
    final = await all_items(office, register_id, IVANOVA)
    assert [i.status for i in final[:3]] == [ItemStatus.REJECTED] * 3
    assert {i.status for i in final[3:]} == {ItemStatus.APPROVED}
    result = await cases.verify_audit()
    assert result.ok, result.reason


async def test_another_dcs_director_cannot_decide_or_even_see(office: Office):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    item = (await all_items(office, register_id, SIDOROV))[0]
    sokolov = await office.who(SOKOLOV)  # director of ekb-kia, not of ekb-toyota
    with pytest.raises(NotAllowed, match="Тойота Центр Екатеринбург"):
        await office.cases.approvals.decide(sokolov, register_id, item.id, Decision.APPROVE)
    with pytest.raises(NotAllowed):
        await office.cases.approvals.open_card(sokolov, register_id)
    assert (await all_items(office, register_id, SIDOROV))[0].decision is None


async def test_refusals_change_nothing(office: Office, database):
    cases = office.cases
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    with pytest.raises(ApprovalError, match="Не решено платежей: 24"):
        await cases.approvals.send_on(sidorov, register_id)
    item = (await all_items(office, register_id, SIDOROV))[0]
    with pytest.raises(ApprovalError, match="причину"):
        await cases.approvals.decide(sidorov, register_id, item.id, Decision.REJECT, reason=" ")
    glavbuh = await office.who(GLAVBUH)  # his stage comes next: nothing has moved yet
    with pytest.raises(NotAllowed) as early:
        await cases.approvals.decide(glavbuh, register_id, item.id, Decision.APPROVE)
    assert early.value.message == NOT_YOURS_AT_DC
    await pass_stage(office, register_id, SIDOROV)
    with pytest.raises(NotAllowed) as stale:  # a tap on the director's card of his stage
        await cases.approvals.decide(sidorov, register_id, item.id, Decision.REJECT, reason="x")
    assert stale.value.message == MOVED_ON
    assert await _decisions(database) == 24


async def test_a_tap_before_the_stage_reaches_you_says_whose_it_is_and_changes_nothing(
    office: Office, database
):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    before = await office.cases.approvals.open_card(sidorov, register_id)
    item = before.items[0]
    for telegram_id in (IVANOVA, GLAVBUH, FINDIR):  # the accountant; later stages' approvers
        person = await office.who(telegram_id)
        with pytest.raises(NotAllowed) as refused:
            await office.cases.approvals.decide(person, register_id, item.id, Decision.APPROVE)
        assert refused.value.message == NOT_YOURS_AT_DC
    after = await office.cases.approvals.open_card(sidorov, register_id)
    assert (after.version, after.undecided) == (before.version, before.at_stage_count)
    assert await _decisions(database) == 0
    assert await _audit_count(database, "register.item.decided") == 0
    await pass_stage(office, register_id, SIDOROV)  # now at the chief accountant's stage
    findir = await office.who(FINDIR)
    with pytest.raises(NotAllowed) as refused:
        await office.cases.approvals.decide(findir, register_id, item.id, Decision.APPROVE)
    assert refused.value.message.startswith("Решение на этапе «Главный бухгалтер»")


async def test_a_double_tap_and_concurrent_taps_make_one_decision(office: Office, database):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    item = (await all_items(office, register_id, SIDOROV))[5]
    taps = [
        office.cases.approvals.decide(sidorov, register_id, item.id, Decision.APPROVE)
        for _ in range(6)
    ]
    await asyncio.gather(*taps)
    assert await _decisions(database) == 1
    assert await _audit_count(database, "register.item.decided") == 1


async def test_a_decision_changed_before_send_on_replaces_the_first(office: Office, database):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    item = (await all_items(office, register_id, SIDOROV))[2]
    decide = office.cases.approvals.decide
    await decide(sidorov, register_id, item.id, Decision.APPROVE)
    await decide(sidorov, register_id, item.id, Decision.REJECT, reason="Нет документов")
    async with database.sessions() as session:
        query = select(RegisterDecision.decision, RegisterDecision.reason).where(
            RegisterDecision.item_id == item.id
        )
        rows = (await session.execute(query)).all()
    assert [tuple(row) for row in rows] == [("reject", "Нет документов")]
    assert await _audit_count(database, "register.item.decided") == 2


async def test_after_the_cutoff_decisions_are_closed(office: Office, clock):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    item = (await all_items(office, register_id, SIDOROV))[0]
    clock.advance(timedelta(hours=5))  # 12:00 UTC = 15:00 MSK, after the 14:00 cutoff
    sidorov = await office.who(SIDOROV)
    with pytest.raises(CutoffPassed):
        await office.cases.approvals.decide(sidorov, register_id, item.id, Decision.APPROVE)
    card = await office.cases.approvals.open_card(sidorov, register_id)
    assert not card.can_decide


async def test_a_substitute_decides_on_behalf_of_an_absent_director(office: Office, clock):
    clock.moment = datetime(2026, 12, 15, 7, 0, tzinfo=UTC)  # Sokolov is away 14–25 Dec
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-kia")
    petrov = await office.who(PETROV)
    card = await office.cases.approvals.open_card(petrov, register_id)
    assert card.can_decide and card.acting_for == "Соколов Игорь Дмитриевич"
    waiting = await office.cases.approvals.waiting(petrov)
    assert [w.register_id for w in waiting] == [register_id]
    sokolov = await office.who(SOKOLOV)
    assert not (await office.cases.approvals.open_card(sokolov, register_id)).can_decide
    item = card.items[0]
    await office.cases.approvals.decide(petrov, register_id, item.id, Decision.APPROVE)
    async with office.uow() as uow:
        entries = [e async for e in uow.audit.iterate()]
    decided = [e.entry for e in entries if e.entry.action == "register.item.decided"]
    assert (decided[-1].actor, decided[-1].on_behalf_of) == ("petrov", "sokolov")


async def test_return_resubmit_and_withdraw(office: Office):
    cases = office.cases
    register_id = await office.submitted(NOVIKOVA, NSK, "nsk.txt", None)
    popov = await office.by_code("popov")  # nsk-lexus director (not linked to Telegram)
    returned = await cases.approvals.return_register(popov, register_id, "Приложите счета")
    assert returned.card.status is RegisterStatus.RETURNED
    assert [
        (n.kind, n.person.code, n.reason) for n in returned.notices if n.kind == "returned"
    ] == [("returned", "novikova", "Приложите счета")]
    novikova = await office.who(NOVIKOVA)
    again = await cases.approvals.resubmit(novikova, register_id)
    assert (again.card.status, again.card.stage) == (RegisterStatus.IN_APPROVAL, Stage.DC_DIRECTOR)
    assert again.notices[0].kind == "refresh"  # no card keeps «возвращён»
    items = await all_items(office, register_id, NOVIKOVA)
    with pytest.raises(NotAllowed):
        await cases.approvals.withdraw(popov, register_id, [items[0].id])
    partly = await cases.approvals.withdraw(novikova, register_id, [items[0].id])
    assert partly.card.status is RegisterStatus.IN_APPROVAL
    whole = await cases.approvals.withdraw(novikova, register_id)
    assert whole.card.status is RegisterStatus.WITHDRAWN
    with pytest.raises(TransitionNotAllowed):
        await cases.approvals.resubmit(novikova, register_id)
    assert (await cases.verify_audit()).ok


async def _decisions(database) -> int:
    async with database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(RegisterDecision)))


async def _audit_count(database, action: str) -> int:
    async with database.sessions() as session:
        query = select(func.count()).select_from(AuditLog).where(AuditLog.action == action)
        return int(await session.scalar(query))

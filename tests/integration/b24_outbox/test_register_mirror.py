"""The mirror of registers on SQLite and PostgreSQL against the Bitrix24 emulator: the
approval use cases write the outbox messages in their own transactions, the relay delivers
them in batches, and every decision becomes the payment's stage and one timeline comment -
once, even when an answer is lost; reconcile repairs drift on either side."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update

from b24sync.handlers_registers import RegisterMirrorCheck
from b24sync.reconcile import ReconcileContext
from bot.clock import SystemClock
from domain.org import load_org_toml
from domain.register_approval import Decision
from domain.register_route import RoutePolicy
from models.outbox_repo import SqlOutboxStore
from models.outbox_tables import OutboxRecord
from models.register_tables import RegisterItem
from models.tables import AuditLog, DealerCenter
from models.uow import SqlUnitOfWork
from services.approvals import ApprovalRules
from services.approvals.mirror import MirrorSnapshot
from services.register_mirror import ITEM_ENDS, REGISTER_ENDS, MirrorSettings, RegisterMirror
from services.registers import DraftReady, RegisterRules
from services.usecases import UseCases
from tests.conftest import FIXTURES

from .conftest import SPA, VIZA_ID, settle

EKB = (FIXTURES / "registers" / "ekb-toyota_2026-11-30.xlsx").read_bytes()
REGISTER_FIELD = "ufCrm1038VizaRegister"
INN_FIELD = "ufCrm1038Inn"
ROUTE = ("dc_director", "department_director", "chief_accountant", "finance_director",
         "general_director")  # fmt: skip
SETTINGS = MirrorSettings(
    entity_type_id=SPA,
    id_field=VIZA_ID,
    register_field=REGISTER_FIELD,
    register_stages={key: f"DT{SPA}_7:{key.upper()}" for key in (*ROUTE, *REGISTER_ENDS)},
    item_stages={key: f"DT{SPA}_8:{key.upper()}" for key in (*ROUTE, *ITEM_ENDS)},
    inn_field=INN_FIELD,
)
IVANOVA, SIDOROV, PETROV = 500033, 500022, 500011
GLAVBUH, FINDIR, GENDIR = 500003, 500002, 500001


class RunningClock:
    """Runs like the system clock from ``moment`` on, so the use cases' business day and
    the relay's retry times agree."""

    def __init__(self, moment: datetime) -> None:
        self.set(moment)

    def set(self, moment: datetime) -> None:
        self._clock = SystemClock(moment - datetime.now(UTC))

    def now(self) -> datetime:
        return self._clock.now()


@pytest.fixture
def clock() -> RunningClock:
    return RunningClock(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))


@pytest.fixture
def relay_maker(make_relay, clock):
    async def make(**options: Any) -> Any:
        relay = await make_relay(**options)
        relay.clock = clock
        return relay

    return make


def item_stage(key: str) -> str:
    return f"DT{SPA}_8:{key.upper()}"


@dataclasses.dataclass
class Office:
    cases: UseCases
    rules: ApprovalRules
    dc_ids: dict[str, int]

    async def who(self, telegram_id: int) -> Any:
        return await self.cases.identify(telegram_id)

    async def submitted(self, dc: str = "ekb-toyota") -> int:
        ivanova = await self.who(IVANOVA)
        outcome = await self.cases.upload_register(ivanova, "ekb.xlsx", EKB, self.dc_ids[dc])
        assert isinstance(outcome, DraftReady), outcome
        await self.cases.approvals.submit(ivanova, outcome.summary.id, outcome.summary.version)
        return outcome.summary.id

    async def items(self, register_id: int, telegram_id: int) -> list[Any]:
        person = await self.who(telegram_id)
        card = await self.cases.approvals.open_card(person, register_id)
        found = list(card.items)
        for page in range(1, card.pages):
            found += (await self.cases.approvals.open_card(person, register_id, page)).items
        return found

    async def pass_stage(self, register_id: int, telegram_id: int) -> None:
        person = await self.who(telegram_id)
        preview = await self.cases.approvals.preview_rest(person, register_id)
        await self.cases.approvals.approve_rest(person, register_id, preview.version)
        await self.cases.approvals.send_on(person, register_id)


@pytest.fixture
async def office(uow_factory, clock, database) -> Office:
    register_rules = RegisterRules()
    rules = ApprovalRules(
        RoutePolicy(ceo_threshold=register_rules.ceo_threshold), register_rules.cutoff,
        mirror=RegisterMirror(SETTINGS),
    )  # fmt: skip
    cases = UseCases.build(uow_factory, clock, invite_ttl_hours=24, approval_rules=rules)
    await cases.import_org(load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8")))
    async with database.sessions() as session:
        rows = (await session.execute(select(DealerCenter.code, DealerCenter.id))).all()
    return Office(cases, rules, dict(rows))


def portal(emulator) -> dict[str, dict[str, Any]]:
    """Smart-process items by our id."""
    items = [i for i in emulator.portal.state.items.values() if i["entityTypeId"] == SPA]
    by_id = {item[VIZA_ID]: item for item in items}
    assert len(by_id) == len(items), "an item was made twice"
    return by_id


def comments(emulator, local_id: str) -> list[str]:
    item = portal(emulator)[local_id]
    found = [c for c in emulator.portal.state.comments if c["ENTITY_ID"] == item["id"]]
    assert all(c["ENTITY_TYPE"] == f"dynamic_{SPA}" for c in found)
    return [c["COMMENT"] for c in sorted(found, key=lambda c: c["id"])]


async def test_decisions_become_stages_and_comments_exactly_once(office, database, emulator,
                                                                 relay_maker):  # fmt: skip
    relay = await relay_maker()
    register_id = await office.submitted()
    await settle(relay, database)
    items = await office.items(register_id, SIDOROV)
    mirrored = portal(emulator)
    register = mirrored[f"register:{register_id}"]
    assert register["stageId"] == f"DT{SPA}_7:DC_DIRECTOR" and str(register["categoryId"]) == "7"
    assert "Тойота Центр Екатеринбург" in register["title"]
    assert len(comments(emulator, f"register:{register_id}")) == 1  # «отправлен»
    first = mirrored[f"register_item:{items[0].id}"]
    assert first["stageId"] == item_stage("dc_director") and first[INN_FIELD] == items[0].inn
    assert first[REGISTER_FIELD] == f"register:{register_id}"
    assert first["opportunity"] == str(items[0].amount)  # Decimal as text, never a float

    sidorov = await office.who(SIDOROV)
    decide = office.cases.approvals.decide
    await decide(sidorov, register_id, items[0].id, Decision.REJECT, reason="Нет бюджета")
    await decide(sidorov, register_id, items[1].id, Decision.APPROVE)
    await decide(sidorov, register_id, items[1].id, Decision.REJECT, reason="Дубль")
    await settle(relay, database)
    assert portal(emulator)[f"register_item:{items[0].id}"]["stageId"] == item_stage("rejected")
    [rejected] = comments(emulator, f"register_item:{items[0].id}")
    assert rejected.startswith("Отклонено на этапе «Директор дилерского центра».")
    assert "Решение: Сидоров Николай Викторович" in rejected and "Причина: Нет бюджета" in rejected
    approved, changed = comments(emulator, f"register_item:{items[1].id}")
    assert approved.startswith("Одобрено") and changed.startswith("Решение изменено. Отклонено")

    await office.pass_stage(register_id, SIDOROV)
    await settle(relay, database)
    mirrored = portal(emulator)
    assert mirrored[f"register:{register_id}"]["stageId"] == f"DT{SPA}_7:CHIEF_ACCOUNTANT"
    assert mirrored[f"register_item:{items[2].id}"]["stageId"] == item_stage("chief_accountant")
    for telegram_id in (GLAVBUH, FINDIR, GENDIR):
        await office.pass_stage(register_id, telegram_id)
    await settle(relay, database)
    calls_before = len(emulator.portal.state.calls)
    await settle(relay, database)
    assert len(emulator.portal.state.calls) == calls_before  # nothing left to send

    mirrored = portal(emulator)
    assert mirrored[f"register:{register_id}"]["stageId"] == f"DT{SPA}_7:APPROVED"
    for item in items[2:]:
        assert mirrored[f"register_item:{item.id}"]["stageId"] == item_stage("approved")
        stages = 4 if item.over_threshold else 3
        assert len(comments(emulator, f"register_item:{item.id}")) == stages
    decided = await _audit_count(database, "register.item.decided")
    payments = {item["id"] for key, item in mirrored.items() if key.startswith("register_item")}
    on_items = [c for c in emulator.portal.state.comments if c["ENTITY_ID"] in payments]
    assert len(on_items) == decided  # one comment per decision, none lost, none twice
    assert len(mirrored) == 1 + len(items)


async def test_the_relay_batches_a_stages_decisions(office, database, emulator, relay_maker):
    relay = await relay_maker()
    register_id = await office.submitted()
    created = await relay.drain()
    assert (created.delivered, created.http_calls) == (25, 3)  # lookups, adds, one comment
    sidorov = await office.who(SIDOROV)
    preview = await office.cases.approvals.preview_rest(sidorov, register_id)
    await office.cases.approvals.approve_rest(sidorov, register_id, preview.version)
    decided = await relay.drain()
    # 24 decisions, each a comment and an update: one batch request of 48 commands
    assert (decided.delivered, decided.http_calls) == (24, 1)
    assert [len(c["commands"]) for c in emulator.portal.state.calls[-1:]] == [48]
    await office.cases.approvals.send_on(sidorov, register_id)
    sent = await relay.drain()
    assert (sent.delivered, sent.http_calls) == (25, 1)  # the register and its payments


async def test_a_lost_answer_neither_loses_nor_repeats_a_comment(office, database, emulator,
                                                                 relay_maker):  # fmt: skip
    relay = await relay_maker(client={"timeout": 0.3})
    register_id = await office.submitted()
    await settle(relay, database)
    items = await office.items(register_id, SIDOROV)
    sidorov = await office.who(SIDOROV)
    # The batch runs on the portal, then the answer is an error, then it comes too late.
    emulator.add_fault({"kind": "error", "stage": "after", "method": "batch", "count": 1})
    await office.cases.approvals.decide(sidorov, register_id, items[0].id, Decision.APPROVE)
    await settle(relay, database)
    emulator.add_fault({"kind": "delay", "stage": "after", "method": "batch", "seconds": 0.6,
                        "count": 1})  # fmt: skip
    await office.cases.approvals.decide(
        sidorov, register_id, items[1].id, Decision.REJECT, reason="Перенести"
    )
    await settle(relay, database)
    for item in items[:2]:
        assert len(comments(emulator, f"register_item:{item.id}")) == 1
    looked = [cmd["method"] for c in emulator.portal.state.calls for cmd in c["commands"] or []]
    assert "crm.timeline.comment.list" in looked  # the retries checked before adding


async def test_a_substitutes_decision_names_whom_they_stand_in_for(
    office, database, clock, emulator, relay_maker
):
    clock.set(datetime(2026, 12, 15, 7, 0, tzinfo=UTC))  # Sokolov is away 14–25 Dec
    register_id = await office.submitted("ekb-kia")
    item = (await office.items(register_id, PETROV))[0]
    petrov = await office.who(PETROV)
    await office.cases.approvals.decide(petrov, register_id, item.id, Decision.APPROVE)
    await settle(await relay_maker(), database)
    [text] = comments(emulator, f"register_item:{item.id}")
    assert "Решение: Петров Сергей Иванович\nЗа: Соколов Игорь Дмитриевич" in text


async def test_reconcile_repairs_drift_on_the_portal_and_behind_the_outbox(
    office, database, clock, emulator, relay_maker
):
    relay = await relay_maker()
    register_id = await office.submitted()
    await settle(relay, database)
    items = await office.items(register_id, SIDOROV)
    state = emulator.portal.state
    comments_before = len(state.comments)
    del state.items[portal(emulator)[f"register_item:{items[0].id}"]["id"]]  # deleted by hand
    portal(emulator)[f"register:{register_id}"]["stageId"] = f"DT{SPA}_7:APPROVED"
    async with database.sessions() as session, session.begin():  # a change without events
        await session.execute(
            update(RegisterItem).where(RegisterItem.id == items[1].id).values(status="missed")
        )
    snapshot = MirrorSnapshot(lambda: SqlUnitOfWork(database), clock, office.rules)
    ctx = ReconcileContext(relay.client, SqlOutboxStore(database), clock, snapshot)
    report = await RegisterMirrorCheck().run(ctx)
    assert (report.checked, report.drift, len(report.requeued)) == (25, 3, 3)
    await settle(relay, database)
    mirrored = portal(emulator)
    assert mirrored[f"register:{register_id}"]["stageId"] == f"DT{SPA}_7:DC_DIRECTOR"
    assert mirrored[f"register_item:{items[0].id}"]["stageId"] == item_stage("dc_director")
    assert mirrored[f"register_item:{items[1].id}"]["stageId"] == item_stage("missed")
    assert len(state.comments) == comments_before  # reconcile never repeats a comment
    again = await RegisterMirrorCheck().run(ctx)
    assert (again.checked, again.drift) == (25, 0)


async def test_without_bitrix24_the_use_cases_write_no_outbox_rows(uow_factory, clock, database):
    cases = UseCases.build(uow_factory, clock, invite_ttl_hours=24)
    await cases.import_org(load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8")))
    async with database.sessions() as session:
        dc_ids = dict((await session.execute(select(DealerCenter.code, DealerCenter.id))).all())
    plain = Office(cases, ApprovalRules(RoutePolicy(Decimal(1)), RegisterRules().cutoff), dc_ids)
    register_id = await plain.submitted()
    await plain.pass_stage(register_id, SIDOROV)
    assert cases.notify_bitrix is None
    async with database.sessions() as session:
        assert (await session.execute(select(OutboxRecord))).first() is None


async def _audit_count(database, action: str) -> int:
    async with database.sessions() as session:
        query = select(func.count()).select_from(AuditLog).where(AuditLog.action == action)
        return int(await session.scalar(query))

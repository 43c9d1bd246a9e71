"""What the cutoff's integration tests share: the org, a hand-written recording sender,
and a business day with three registers in different states (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from domain.org import load_org_toml
from domain.register_approval import Decision
from formats.exports import PayerDetails
from models.register_tables import Register, RegisterItem
from models.tables import DealerCenter
from services.cutoff import Digest, MissedNotice, Reminder
from services.ports import PersonView
from services.registers import DraftReady
from services.usecases import UseCases
from tests.conftest import FIXTURES

EKB = (FIXTURES / "registers" / "ekb-toyota_2026-11-30.xlsx").read_bytes()
NSK = (FIXTURES / "registers" / "nsk-lexus_2026-11-30.txt").read_bytes()
MSK = (FIXTURES / "registers" / "msk-kia_2026-11-30.csv").read_bytes()
DAY = date(2026, 11, 30)  # a Monday
IVANOVA, SIDOROV, GLAVBUH, FINDIR, GENDIR = 500033, 500022, 500003, 500002, 500001
NOVIKOVA, SMIRNOVA, KUZNETSOV = 500034, 500030, 500020
NSK_PAYER = PayerDetails(
    payer="ООО «Лексус Новосибирск»", inn="5406000032", kpp="540601001",
    account="40702810244050000006", bank="ПАО Сбербанк", bank_city="Новосибирск",
    bik="045004641", correspondent_account="30101810500000000641",
)  # fmt: skip


def msk(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 3, minute, tzinfo=UTC)


@dataclass
class Sender:
    """A hand-written sender that keeps what it was asked to send."""

    delay: float = 0.0
    reminded: list[Reminder] = field(default_factory=list)
    told: list[MissedNotice] = field(default_factory=list)
    digests: list[tuple[Digest, list[PersonView]]] = field(default_factory=list)

    async def reminders(self, reminders: Sequence[Reminder]) -> int:
        await asyncio.sleep(self.delay)
        self.reminded.extend(reminders)
        return len(reminders)

    async def missed(self, notices: Sequence[MissedNotice]) -> int:
        await asyncio.sleep(self.delay)
        self.told.extend(notices)
        return len(notices)

    async def digest(self, digest: Digest, recipients: Sequence[PersonView]) -> int:
        await asyncio.sleep(self.delay)
        self.digests.append((digest, list(recipients)))
        return len(recipients)


@dataclass
class Office:
    cases: UseCases
    dc_ids: dict[str, int]
    uow: object
    database: object

    async def who(self, telegram_id: int) -> PersonView:
        person = await self.cases.identify(telegram_id)
        assert person is not None
        return person

    async def submitted(self, accountant: int, data: bytes, name: str, dc: str) -> int:
        person = await self.who(accountant)
        outcome = await self.cases.upload_register(person, name, data, self.dc_ids[dc])
        assert isinstance(outcome, DraftReady), outcome
        await self.cases.approvals.submit(person, outcome.summary.id, outcome.summary.version)
        return outcome.summary.id

    async def pass_stage(self, register_id: int, telegram_id: int) -> None:
        person = await self.who(telegram_id)
        preview = await self.cases.approvals.preview_rest(person, register_id)
        await self.cases.approvals.approve_rest(person, register_id, preview.version)
        await self.cases.approvals.send_on(person, register_id)

    async def statuses(self, register_id: int) -> tuple[str, dict[str, int]]:
        async with self.database.sessions() as session:
            status = await session.scalar(
                select(Register.status).where(Register.id == register_id)
            )
            rows = await session.execute(
                select(RegisterItem.status, func.count())
                .where(RegisterItem.register_id == register_id)
                .group_by(RegisterItem.status)
            )
            return status, dict(rows.tuples().all())


async def make_office(uow_factory, clock, database) -> Office:
    cases = UseCases.build(uow_factory, clock, invite_ttl_hours=24)
    await cases.import_org(load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8")))
    async with database.sessions() as session:
        rows = (await session.execute(select(DealerCenter.code, DealerCenter.id))).all()
    return Office(cases, dict(rows), uow_factory, database)


@dataclass
class Day:
    """Three registers due today: ekb waits at its DC director (three items decided), msk
    waits at the chief accountant, nsk passed its whole route."""

    ekb: int
    msk: int
    nsk: int


async def make_day(office: Office) -> Day:
    ekb = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    card = await office.cases.approvals.open_card(sidorov, ekb)
    for item in card.items[:3]:
        await office.cases.approvals.decide(sidorov, ekb, item.id, Decision.APPROVE)
    msk_id = await office.submitted(SMIRNOVA, MSK, "msk.csv", "msk-kia")
    kuznetsov = await office.who(KUZNETSOV)
    first = (await office.cases.approvals.open_card(kuznetsov, msk_id)).items[0]
    await office.cases.approvals.decide(
        kuznetsov, msk_id, first.id, Decision.REJECT, reason="Дубль"
    )
    await office.pass_stage(msk_id, KUZNETSOV)
    nsk = await office.submitted(NOVIKOVA, NSK, "nsk.txt", "nsk-lexus")
    async with office.uow() as uow:  # popov (nsk's director) is not on Telegram: act as him
        popov = await uow.org.person_by_code("popov")
    for approver in (popov, GLAVBUH, FINDIR, GENDIR):
        if (await office.statuses(nsk))[0] == "approved":
            break
        person = approver if isinstance(approver, PersonView) else await office.who(approver)
        preview = await office.cases.approvals.preview_rest(person, nsk)
        await office.cases.approvals.approve_rest(person, nsk, preview.version)
        await office.cases.approvals.send_on(person, nsk)
    return Day(ekb, msk_id, nsk)


@pytest.fixture
async def office(uow_factory, clock, database) -> Office:
    """The cutoff tests' org: one fixture for every module that imports it."""
    return await make_office(uow_factory, clock, database)


@pytest.fixture
async def day(office: Office) -> Day:
    return await make_day(office)

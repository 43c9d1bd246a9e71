"""What every update reads before its handler (who the user is, their dialog state) goes
on while a long write holds the database, e.g. a 10,000-row upload: on SQLite such reads
begin deferred instead of queueing for the write lock."""

from __future__ import annotations

import asyncio

import pytest
from aiogram.fsm.storage.base import StorageKey

from domain.org import load_org_toml
from models.fsm_storage import SqlStorage
from models.uow import SqlUnitOfWork
from services.ports import AuditEvent
from services.usecases import UseCases
from tests.conftest import FIXTURES

KUZNETSOV, NOVIKOVA = 500020, 500034
KEY = StorageKey(bot_id=1, chat_id=KUZNETSOV, user_id=KUZNETSOV)
NSK = (FIXTURES / "registers" / "nsk-lexus_2026-11-30.txt").read_bytes()


@pytest.fixture
async def cases(database, clock) -> UseCases:
    """Use cases as the bot builds them: writes through sessions, reads through readers."""
    built = UseCases.build(
        lambda: SqlUnitOfWork(database), clock, invite_ttl_hours=24,
        reader=lambda: SqlUnitOfWork(database, read_only=True),
    )  # fmt: skip
    await built.import_org(load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8")))
    return built


async def test_reads_of_every_update_do_not_wait_for_a_writer(cases, database, clock):
    storage = SqlStorage(database)
    await storage.set_state(KEY, "ApprovalDialog:reject_reason")
    async with SqlUnitOfWork(database) as writer:  # a use case in the middle of its write
        await writer.audit.append(AuditEvent("glavbuh", "test.write", "test", "1"), clock.now())
        person = await asyncio.wait_for(cases.identify(KUZNETSOV), timeout=5)
        state = await asyncio.wait_for(storage.get_state(KEY), timeout=5)
        await writer.commit()
    assert person is not None and person.code == "kuznetsov"
    assert state == "ApprovalDialog:reject_reason"


async def test_a_readers_unit_of_work_never_commits(database):
    async with SqlUnitOfWork(database, read_only=True) as reader:
        assert await reader.org.person_by_code("nobody") is None
        with pytest.raises(AssertionError):
            await reader.commit()


async def test_looking_at_a_card_does_not_wait_for_a_writer(cases, database, clock):
    accountant = await cases.identify(NOVIKOVA)
    assert accountant is not None
    draft = await cases.upload_register(accountant, "nsk.txt", NSK)
    summary = draft.summary  # type: ignore[union-attr]
    await cases.approvals.submit(accountant, summary.id, summary.version)
    card = await cases.approvals.open_card(accountant, summary.id)
    async with SqlUnitOfWork(database) as writer:
        await writer.audit.append(AuditEvent("glavbuh", "test.write", "test", "1"), clock.now())
        again = await asyncio.wait_for(cases.approvals.open_card(accountant, summary.id), 5)
        await writer.commit()
    assert (again.register_id, again.item_count, again.total) == (
        card.register_id,
        card.item_count,
        card.total,
    )


async def test_what_people_read_does_not_wait_for_a_writer(cases, database, clock):
    accountant = await cases.identify(NOVIKOVA)
    director = await cases.identify(KUZNETSOV)
    assert accountant is not None and director is not None
    draft = await cases.upload_register(accountant, "nsk.txt", NSK)
    summary = draft.summary  # type: ignore[union-attr]
    async with SqlUnitOfWork(database) as writer:
        await writer.audit.append(AuditEvent("glavbuh", "test.write", "test", "1"), clock.now())
        shown, chain, found, admins, mine, waiting = await asyncio.wait_for(
            asyncio.gather(
                cases.show_register(accountant, summary.id),
                cases.verify_audit(),
                cases.search_people("кузнецов"),
                cases.admins(),
                cases.memos.mine(director),
                cases.memos.waiting(director),
            ),
            timeout=5,
        )
        await writer.commit()
    assert (shown.id, shown.item_count) == (summary.id, summary.item_count)
    assert chain.ok and [p.code for p in found] == ["kuznetsov"]
    assert admins and all(p.active for p in admins)
    assert mine == [] and waiting == []

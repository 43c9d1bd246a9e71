"""An approved memo's Bitrix24 task, against the Bitrix24 emulator on SQLite and
PostgreSQL: the PDF and the attachments land on Disk once, the relay creates one task for
the executor with every file, the memo keeps the task id and its people are told - also
when two workers race and when the task's creation answer was lost."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

import pytest

from b24sync.client import Bitrix24Client, ClientOptions
from b24sync.delivery import HandlerRegistry
from b24sync.handlers_memo import MemoTaskSync
from b24sync.relay import Relay, RelayOptions
from domain.org import load_org_toml
from models.memo_tables import MemoRow
from models.outbox_repo import SqlOutboxStore
from sandbox.bitrix24 import Bitrix24Control, Bitrix24Emulator, EmulatorConfig
from services.linking import IdentifyUser
from services.memos import MemoCases, MemoRules, ThreadRenderer
from services.memos.ports import MemoDraft, MemoNotice, NewAttachment
from services.org_admin import ImportOrg
from tests.conftest import FIXTURES

FAST = ClientOptions(rate_per_second=1000.0, burst=100, max_retries=1, backoff_base=0.01,
                     backoff_cap=0.02, timeout=5.0)  # fmt: skip
QUICK = RelayOptions(retry_base=0.02, retry_cap=0.1, lease=timedelta(seconds=30))
PEOPLE = {"egorov": 40, "ivanova": 33, "sidorov": 22, "findir": 2}


class RecordingNotices:
    def __init__(self) -> None:
        self.sent: list[MemoNotice] = []

    async def deliver(self, notices: Sequence[MemoNotice]) -> None:
        self.sent.extend(notices)


@pytest.fixture
async def portal() -> AsyncIterator[tuple[Bitrix24Emulator, Bitrix24Control, Bitrix24Client]]:
    async with (
        Bitrix24Emulator(EmulatorConfig(user_id=1, secret="memo-s3cret", bucket_burst=0)) as emu,
        Bitrix24Control(emu.base_url) as control,
        Bitrix24Client(emu.webhook_url, FAST) as client,
    ):
        await control.seed(users=[{"ID": i, "NAME": code} for code, i in PEOPLE.items()])
        yield emu, control, client


@pytest.fixture
async def approved(uow_factory, clock) -> tuple[MemoCases, int, list[bytes]]:
    org = load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8"))
    await ImportOrg(uow_factory, clock)(org)
    cases = MemoCases.build(uow_factory, clock, MemoRules(), ThreadRenderer())
    who = IdentifyUser(uow_factory)
    egorov = await who(500040)
    assert egorov is not None
    bodies = [b"first attachment", b"second attachment"]
    files = tuple(NewAttachment(n, "application/pdf", b) for n, b in zip(
        ("смета.pdf", "смета.pdf"), bodies, strict=True))  # fmt: skip
    draft = MemoDraft("Закупка шин", "Прошу закупить шины.", "ivanova", ("sidorov",), False, files)
    memo_id = await cases.create(egorov, draft, "b24-key")
    outcome = await cases.submit(egorov, memo_id)
    for telegram_id in (500022, 500002):
        person = await who(telegram_id)
        assert person is not None and outcome.card.current_step_key is not None
        outcome = await cases.approve(person, memo_id, outcome.card.current_step_key)
    return cases, memo_id, bodies


def relay_for(client: Bitrix24Client, database, clock) -> Relay:
    return Relay(SqlOutboxStore(database), client, HandlerRegistry.discover(), clock, QUICK)


async def test_the_executor_gets_one_task_with_the_pdf_and_every_attachment(
    portal, approved, database, clock
):
    _emu, control, client = portal
    cases, memo_id, bodies = approved
    told = RecordingNotices()
    workers = [MemoTaskSync(client, cases.task_feed, told) for _ in range(2)]
    reports = await asyncio.gather(*(w.run_once() for w in workers))  # two racing workers
    assert sum(r.queued for r in reports) == 1
    await relay_for(client, database, clock).drain()
    await workers[0].run_once()

    [task] = await control.get("tasks")
    assert task["RESPONSIBLE_ID"] == 33 and task["CREATED_BY"] == 40
    assert task["TITLE"] == "Служебная записка №СЗ-2026-000001: Закупка шин"
    assert "Прошу закупить шины." in task["DESCRIPTION"]
    files = {f["ID"]: f for f in await control.get("files")}
    attached = [base64.b64decode(files[i]["content_base64"]) for i in task["FILE_IDS"]]
    assert attached[0].startswith(b"%PDF") and attached[1:] == bodies
    assert len(files) == 3  # nothing uploaded twice
    names = sorted(files[i]["NAME"] for i in task["FILE_IDS"])
    assert names == ["СЗ-2026-000001.pdf", "смета (2).pdf", "смета.pdf"]
    async with database.sessions() as session:
        memo = await session.get(MemoRow, memo_id)
    assert memo is not None and (memo.bitrix_task_id, memo.b24_state) == (str(task["ID"]), "done")
    assert sorted((n.kind, n.person.code, n.task_id) for n in told.sent) == [
        ("task", "egorov", str(task["ID"])), ("task", "ivanova", str(task["ID"]))]  # fmt: skip
    card = await cases.open(told.sent[0].person, memo_id)
    assert card.bitrix_task_id == str(task["ID"])


async def test_a_task_whose_creation_answer_was_lost_is_found_not_made_again(
    portal, approved, database, clock
):
    _emu, control, client = portal
    cases, _memo_id, _bodies = approved
    worker = MemoTaskSync(client, cases.task_feed)
    await worker.run_once()
    [message] = await SqlOutboxStore(database).claim("test", clock.now(), timedelta(0), 10)
    made = await client.call("tasks.task.add", {"fields": dict(message.payload["fields"])})
    await relay_for(client, database, clock).drain()
    await worker.run_once()
    tasks = await control.get("tasks")
    assert [t["ID"] for t in tasks] == [int(made["task"]["id"])]


async def test_an_approver_without_telegram_is_told_in_bitrix24(uow_factory, clock, database):
    org = load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8"))
    await ImportOrg(uow_factory, clock)(org)
    cases = MemoCases.build(uow_factory, clock, MemoRules(), ThreadRenderer())
    novikova = await IdentifyUser(uow_factory)(500034)  # Лексус Новосибирск: Попов is unlinked
    assert novikova is not None
    draft = MemoDraft("Тест-драйв", "Прошу согласовать тест-драйв.", "novikova", ("popov",))
    outcome = await cases.submit(novikova, await cases.create(novikova, draft, "popov-key"))
    assert [n.person.code for n in outcome.notices] == ["popov"]
    [message] = await SqlOutboxStore(database).claim("test", clock.now(), timedelta(0), 10)
    assert message.kind == "b24.notify" and message.payload["user_id"] == 24
    assert (
        "СЗ-2026-000001" in message.payload["message"]
        and "ждёт вашего решения" in (message.payload["message"])
    )

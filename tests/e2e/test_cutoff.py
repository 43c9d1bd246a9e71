"""The daily cutoff end to end: the real bot and ``viza job run`` processes against the
Telegram emulator, with the application clock set by config. Registers are uploaded and
sent through the bot; the nsk register's approvals are made through the use cases (the
review card has its own end-to-end tests).

Reminders reach exactly the approver with waiting items, in his own time; the cutoff run on
two processes at once closes the day once and tells the accountant and the director; the
digest reaches finance with both files, and the 1C file reads back to the same payments;
every job run again does nothing new; the accountant carries the missed items with one tap.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.register_approval import Decision
from formats.registers import read_register
from models.db import create_database
from models.uow import SqlUnitOfWork
from sandbox.telegram import SandboxTelegramClient
from services.usecases import UseCases
from tests.e2e.harness import FIXTURES, Stack

pytestmark = pytest.mark.e2e

IVANOVA, SIDOROV, NOVIKOVA = 500033, 500022, 500034
FINANCE = {"findir": 500002, "glavbuh": 500003, "kazna": 500004}
EVERYONE = [IVANOVA, SIDOROV, NOVIKOVA, *FINANCE.values(), 500001, 500020, 500030, 500031]
EXTRA_CONFIG = """
[clock]
now = 2026-11-30T10:00:00+03:00

[dealer_centers.nsk-lexus]
payer = "ООО «Лексус Новосибирск»"
inn = "5406000032"
kpp = "540601001"
account = "40702810244050000006"
bank = "Сибирский банк ПАО Сбербанк"
bank_city = "Новосибирск"
bik = "045004641"
correspondent_account = "30101810500000000641"
"""


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 10:00 in Moscow


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("e2e-cutoff"), extra_config=EXTRA_CONFIG)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def state() -> dict[str, object]:
    return {}


@pytest.fixture
async def tg(stack: Stack) -> AsyncIterator[SandboxTelegramClient]:
    async with SandboxTelegramClient(stack.url, timeout=20) as client:
        yield client


async def job(stack: Stack, name: str, at: str, *extra: str) -> str:
    """``viza job run NAME --date 2026-11-30`` with the clock at ``at`` (Moscow time)."""
    run = stack.viza_with_env({"VIZA_CLOCK__NOW": f"2026-11-30T{at}:00+03:00"})
    done = await asyncio.to_thread(run, "job", "run", name, "--date", "2026-11-30", *extra)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def texts(tg: SandboxTelegramClient, user_id: int, contains: str) -> list[str]:
    return [m.text or "" for m in await tg.chat(user_id) if contains in (m.text or "")]


async def send_for_approval(tg: SandboxTelegramClient, user_id: int, name: str, dc: str | None):
    user = tg.user(user_id)
    await user.send_document(name, (FIXTURES / "registers" / name).read_bytes())
    status = await user.wait_for_message(contains="Проверяю файл")
    card = await user.wait_for_edit(status.message_id)
    if dc is not None:
        await user.press(card.message_id, text=dc)
        card = await user.wait_for_edit(card.message_id, contains="Платежей")
    await user.press(card.message_id, text="✅ Отправить на согласование")
    await user.wait_for_edit(card.message_id, contains="отправлен")


async def approve_everything(stack: Stack, register_id: int) -> None:
    database = create_database(f"sqlite+aiosqlite:///{stack.database}")
    cases = UseCases.build(lambda: SqlUnitOfWork(database), Clock(), invite_ttl_hours=1)
    try:
        for code in ("popov", "glavbuh", "findir", "gendir"):
            async with SqlUnitOfWork(database) as uow:
                person = await uow.org.person_by_code(code)
            card = await cases.approvals.open_card(person, register_id)
            if not card.can_decide:
                continue
            preview = await cases.approvals.preview_rest(person, register_id)
            await cases.approvals.approve_rest(person, register_id, preview.version)
            await cases.approvals.send_on(person, register_id)
    finally:
        await database.dispose()


def register_ids(stack: Stack) -> dict[str, int]:
    with sqlite3.connect(stack.database) as db:
        rows = db.execute(
            "select d.code, r.id from register r join dealer_center d on d.id = r.dc_id"
        ).fetchall()
    return dict(rows)


async def test_reminders_reach_exactly_the_approver_with_waiting_items(tg, stack, state):
    for user_id in EVERYONE:
        await tg.user(user_id).send_command("/start")
    await send_for_approval(
        tg, IVANOVA, "ekb-toyota_2026-11-30.xlsx", "Тойота Центр Екатеринбург (Екатеринбург)"
    )
    await send_for_approval(tg, NOVIKOVA, "nsk-lexus_2026-11-30.txt", None)
    ids = register_ids(stack)
    state.update(ids)
    await approve_everything(stack, ids["nsk-lexus"])

    printed = await job(stack, "remind", "13:00")
    assert "напомнили 1 из 1" in printed, printed
    reminder = await tg.user(SIDOROV).wait_for_message(contains="Отсечка сегодня")
    assert "16:00" in reminder.text and "Екатеринбург, UTC+5" in reminder.text
    assert "осталось 1 ч" in reminder.text
    assert [b.text for b in reminder.buttons] == ["Открыть реестр"]
    for other in (IVANOVA, NOVIKOVA, *FINANCE.values()):
        assert not await texts(tg, other, "Отсечка сегодня")

    again = await job(stack, "remind", "13:01", "--offset", "60")
    assert "уже выполнена" in again
    assert len(await texts(tg, SIDOROV, "Отсечка сегодня")) == 1


async def test_the_cutoff_on_two_processes_closes_the_day_once(tg, stack, state):
    first, second = await asyncio.gather(
        job(stack, "cutoff", "14:00"), job(stack, "cutoff", "14:00")
    )
    outputs = sorted([first, second], key=lambda out: "уже" in out)
    assert "закрыто реестров 1, не согласовано к сроку платежей 24" in outputs[0], outputs
    assert "уже" in outputs[1]
    listed = await tg.user(IVANOVA).wait_for_message(contains="Не согласованы к сроку")
    assert "Тойота Центр Екатеринбург" in listed.text and "платежей 24" in listed.text
    assert [b.text for b in listed.buttons] == ["Перенести на 01.12.2026"]
    director = await tg.user(SIDOROV).wait_for_message(contains="Не согласованы к сроку")
    assert not director.buttons
    with sqlite3.connect(stack.database) as db:
        statuses = dict(db.execute("select id, status from register").fetchall())
    assert statuses[state["ekb-toyota"]] == "closed"
    assert statuses[state["nsk-lexus"]] == "approved"
    assert "уже" in await job(stack, "cutoff", "14:10")
    assert len(await texts(tg, IVANOVA, "Не согласованы к сроку")) == 1


async def test_the_digest_reaches_finance_with_both_files(tg, stack, state):
    printed = await job(stack, "digest", "14:05")
    assert "отправлена 3 из 3" in printed, printed
    for user_id in FINANCE.values():
        digest = await tg.user(user_id).wait_for_message(contains="Сводка за 30.11.2026")
        assert "Сидоров" in digest.text  # who was late
    chat = await tg.chat(FINANCE["kazna"])
    files = {m.document.file_name: m.document for m in chat if m.document is not None}
    assert set(files) == {"viza-payments-2026-11-30.xlsx", "viza-1c-2026-11-30.txt"}
    bank = read_register("bank.txt", await tg.download(files["viza-1c-2026-11-30.txt"]))
    assert not bank.errors
    sheet = read_register("x.xlsx", await tg.download(files["viza-payments-2026-11-30.xlsx"]))
    nsk = read_register(
        "nsk.txt", (FIXTURES / "registers" / "nsk-lexus_2026-11-30.txt").read_bytes()
    )
    expected = sorted((r.inn, r.amount) for r in nsk.rows)
    assert sorted((r.inn, r.amount) for r in bank.rows) == expected
    assert sorted((r.inn, r.amount) for r in sheet.rows) == expected
    total = sum((r.amount for r in bank.rows), Decimal(0))
    assert total == sum((r.amount for r in nsk.rows), Decimal(0))
    assert "уже" in await job(stack, "digest", "14:20")
    assert len(await texts(tg, FINANCE["kazna"], "Сводка за")) == 1


async def test_a_decision_after_the_cutoff_is_refused(stack, state):
    database = create_database(f"sqlite+aiosqlite:///{stack.database}")
    cases = UseCases.build(lambda: SqlUnitOfWork(database), Clock(), invite_ttl_hours=1)
    try:
        sidorov = await cases.identify(SIDOROV)
        card = await cases.approvals.open_card(sidorov, state["ekb-toyota"])
        with pytest.raises(Exception, match="Срок согласования прошёл"):
            await cases.approvals.decide(
                sidorov, state["ekb-toyota"], card.items[0].id, Decision.APPROVE
            )
    finally:
        await database.dispose()


async def test_the_accountant_carries_the_missed_items_with_one_tap(tg, stack, state):
    """Needs `handlers.cutoff.router()` in the bot's dispatcher (`bot.app`)."""
    user = tg.user(IVANOVA)
    message = next(m for m in await tg.chat(IVANOVA) if "Не согласованы" in (m.text or ""))
    await user.press(message.message_id, text="Перенести на 01.12.2026")
    draft = await user.wait_for_message(contains="Перенесено платежей: 24")
    assert "01.12.2026" in draft.text
    assert "✅ Отправить на согласование" in [b.text for b in draft.buttons]
    again = await user.press(message.message_id, text="Перенести на 01.12.2026")
    assert again is not None and "уже перенесены" in (again.text or "")
    with sqlite3.connect(stack.database) as db:
        carried = db.execute(
            "select count(*), min(carried_count), max(carried_count) from register_item "
            "where carried_from_item_id is not null"
        ).fetchone()
    assert tuple(carried) == (24, 1, 1)

"""The one outgoing channel against the Telegram emulator with flood control on: a digest to
200 people arrives complete with no unhandled 429, a 429 that comes anyway is waited out,
server errors are retried, and a person who blocked the bot is recorded."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from sqlalchemy import select

from bot.i18n import make_i18n
from bot.notifier import Limits, Notifier, TokenBucket
from domain.org import load_org_toml
from formats.exports import ApprovedPayment, PayerDetails, onec_exchange, payments_xlsx
from handlers.cutoff_sender import TelegramCutoffSender
from models.tables import TelegramLink
from sandbox.telegram.client import SandboxTelegramClient
from sandbox.telegram.server import TelegramEmulator
from services.cutoff import Digest
from services.cutoff.ports import DcFigures, DigestFile, Figures
from services.ports import PersonView
from services.usecases import UseCases
from tests.conftest import FIXTURES

TOKEN = "424242:notifier-test"
FIRST_USER = 810_000
DAY = date(2026, 11, 30)
PAYER = PayerDetails("ООО «Тойота»", "6671000017", "667101001", "40702810016540000001",
                     "ПАО Сбербанк", "046577674", "30101810500000000674")  # fmt: skip


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    emulator = TelegramEmulator([TOKEN], flood_control=True)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def tg(emulator: TelegramEmulator) -> AsyncIterator[SandboxTelegramClient]:
    async with SandboxTelegramClient(emulator.url) as client:
        yield client


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.url))
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    yield bot
    await bot.session.close()


async def started_users(tg: SandboxTelegramClient, count: int) -> list[PersonView]:
    """``count`` users who sent /start (so the bot may write to them), as people."""

    async def one(n: int) -> PersonView:
        user_id = FIRST_USER + n
        await tg.create_user(f"Получатель {n}", user_id=user_id)
        await tg.send_command(user_id, "/start")
        return PersonView(n, f"p{n}", f"Получатель {n}", "ru", True, frozenset(),
                          telegram_user_id=user_id)  # fmt: skip

    return list(await asyncio.gather(*(one(n) for n in range(count))))


def a_digest() -> Digest:
    payments = [
        ApprovedPayment("ekb", "Тойота Центр Екатеринбург", 7, n, DAY, f"ООО «Поставщик {n}»",
                        "7707083893", Decimal(f"{n}000.50"), f"Оплата по счету № {n}")
        for n in range(1, 21)
    ]  # fmt: skip
    created = datetime(2026, 11, 30, 14, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    bank = onec_exchange(payments, {"ekb": PAYER}, day=DAY, created_at=created)
    assert bank.data is not None
    files = (
        DigestFile("viza-payments-2026-11-30.xlsx", payments_xlsx(payments, DAY), "xlsx"),
        DigestFile("viza-1c-2026-11-30.txt", bank.data, "1C"),
    )
    total = sum((p.amount for p in payments), Decimal("0.00"))
    figures = DcFigures("ekb", "Тойота Центр Екатеринбург", Figures(20, {"RUB": total}),
                        Figures(), Figures(), Figures())  # fmt: skip
    return Digest(DAY, (figures,), figures, tuple(payments[:10]), (), files, 20, total)


def delivered(calls: list, method: str) -> Counter[int]:
    return Counter(int(c.params["chat_id"]) for c in calls if c.method == method and c.ok)


async def test_a_digest_to_200_people_arrives_complete_without_unhandled_429(tg, bot):
    # Telegram's per-chat limit as it is (1/s, bursts of 3); a faster overall limit than
    # Telegram's 30/s on both sides keeps the test short without changing what is tested.
    await tg.set_flood_control(True, global_rate=150, global_burst=60)
    people = await started_users(tg, 200)
    await tg.clear_calls()
    limits = Limits(global_rate=100, global_burst=30)  # a third below the emulator's
    sender = TelegramCutoffSender(Notifier(bot, limits=limits), make_i18n(), concurrency=100)
    reached = await sender.digest(a_digest(), people)
    assert reached == 200
    calls = await tg.calls()
    messages, documents = delivered(calls, "sendMessage"), delivered(calls, "sendDocument")
    everyone = {p.telegram_user_id for p in people}
    assert set(messages) == set(documents) == everyone
    assert set(messages.values()) == {1} and set(documents.values()) == {2}
    # Every chat got all three (above): any 429 was waited out and retried. The pacing
    # keeps clear of flood control; only a heavily loaded machine may bunch a few requests.
    refused = [c for c in calls if c.status == 429]
    assert len(refused) <= len(calls) // 50, f"{len(refused)} of {len(calls)} hit flood control"
    uploads = [c for c in calls if c.method == "sendDocument" and c.ok]
    by_file_id = sum(1 for c in uploads if isinstance(c.params.get("document"), str)
                     and not c.params["document"].startswith("attach://"))  # fmt: skip
    assert by_file_id >= 2 * 199  # uploaded once, then sent by file_id


async def test_the_default_limits_stay_under_telegrams_own(tg, bot):
    people = await started_users(tg, 30)
    await tg.clear_calls()
    sender = TelegramCutoffSender(Notifier(bot), make_i18n())
    started = time.monotonic()
    assert await sender.digest(a_digest(), people) == 30
    assert all(c.status != 429 for c in await tg.calls())
    assert time.monotonic() - started >= 90 / 25 - 1  # paced, not fired at once


async def test_a_429_that_comes_anyway_is_waited_out(tg, bot):
    [person] = await started_users(tg, 1)
    flood = "Too Many Requests: retry after 1"
    await tg.inject_fault("sendMessage", error_code=429, description=flood, retry_after=1)
    started = time.monotonic()
    sent = await Notifier(bot).send_message(person.telegram_user_id, "Проверка")
    assert sent is not None and time.monotonic() - started >= 1
    statuses = [c.status for c in await tg.calls("sendMessage")]
    assert statuses == [429, 200]


async def test_server_errors_are_retried_with_backoff(tg, bot):
    [person] = await started_users(tg, 1)
    await tg.inject_fault("sendMessage", error_code=502, description="Bad Gateway", times=2)
    notifier = Notifier(bot, limits=Limits(backoff=0.05))
    assert await notifier.send_message(person.telegram_user_id, "Проверка") is not None
    assert [c.status for c in await tg.calls("sendMessage")] == [502, 502, 200]


async def test_a_person_who_blocked_the_bot_is_recorded(tg, bot, uow_factory, database):
    cases = UseCases.build(uow_factory, _Clock(), invite_ttl_hours=24)
    await cases.import_org(load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8")))
    user_id = 500033  # ivanova, linked by the org file
    await tg.create_user("Иванова", user_id=user_id)
    await tg.send_command(user_id, "/start")
    await tg.block(user_id)

    async def blocked(chat_id: int) -> None:
        await cases.mark_blocked(chat_id, blocked=True)

    assert await Notifier(bot, on_blocked=blocked).send_message(user_id, "Привет") is None
    async with database.sessions() as session:
        link = await session.scalar(
            select(TelegramLink).where(TelegramLink.telegram_user_id == user_id)
        )
    assert link is not None and link.blocked_at is not None


async def test_a_token_bucket_passes_its_burst_then_paces():
    bucket = TokenBucket(rate=20.0, burst=3)
    started = time.monotonic()
    for _ in range(3):
        await bucket.acquire()
    assert time.monotonic() - started < 0.05  # the burst passes at once
    for _ in range(4):
        await bucket.acquire()
    assert time.monotonic() - started >= 4 / 20 - 0.01  # then one every 1/rate
    bucket.pause(0.3)
    paused = time.monotonic()
    await bucket.acquire()
    assert time.monotonic() - paused >= 0.3


async def test_a_token_bucket_never_refills_past_its_burst():
    now = [0.0]
    bucket = TokenBucket(rate=2.0, burst=3, clock=lambda: now[0])
    now[0] = 1000.0  # a long quiet spell, or a stalled event loop
    for _ in range(3):
        assert bucket.wait_time() == 0.0
        await bucket.acquire()
    assert bucket.wait_time() == pytest.approx(0.5)


class _Clock:
    def now(self) -> datetime:
        return datetime.now(ZoneInfo("UTC"))

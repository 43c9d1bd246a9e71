"""The Telegram notice sender against the emulator: the accountant's notices arrive with
their buttons, a person who blocked the bot is remembered as blocked while the others still
get theirs, a person without Telegram is skipped, flood control is waited out, and the
others' cards are refreshed without ever overwriting a newer one."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from time import perf_counter

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

from bot.i18n import make_i18n
from domain.org import load_org_toml
from domain.register_approval import Decision, ItemStatus
from handlers.approval_notices import TelegramNoticeSender
from handlers.card_editor import CardEditor
from models.db import Database, create_database
from models.migrate import upgrade_to_head
from models.tables import TelegramLink
from models.uow import SqlUnitOfWork
from sandbox.telegram import SandboxTelegramClient, TelegramEmulator
from services.approval_ports import CardItem, CardMessage, Notice, RegisterContext
from services.usecases import UseCases
from tests.conftest import FIXTURES, SetClock
from tests.integration.telegram_support import ekb_submitted

TOKEN = "778:notice-sender-test-token"
IVANOVA, SMIRNOVA, SIDOROV = 500033, 500030, 500022


@pytest.fixture(autouse=True)
def russian() -> Iterator[None]:
    with make_i18n().context():
        yield


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = create_database(f"sqlite+aiosqlite:///{tmp_path / 'viza.sqlite3'}")
    await upgrade_to_head(db)
    yield db
    await db.dispose()


@pytest.fixture
async def usecases(database: Database) -> UseCases:
    cases = UseCases.build(lambda: SqlUnitOfWork(database), SetClock(), invite_ttl_hours=24)
    await cases.import_org(load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8")))
    return cases


def rejected_item(position: int, reason: str) -> CardItem:
    return CardItem(
        id=position, position=position, counterparty="ООО «Ромашка» <b>", inn="6663003127",
        amount=Decimal("1500.00"), currency="RUB", purpose="Запчасти", urgent=False,
        over_threshold=False, duplicate_note=None, status=ItemStatus.REJECTED,
        decision=Decision.REJECT, decided_by="sidorov", reason=reason,
    )  # fmt: skip


CONTEXT = RegisterContext(
    register_id=7, dc_id=1, dc_code="ekb-toyota", dc_name="Тойота Центр Екатеринбург",
    city="Екатеринбург", dc_timezone="Asia/Yekaterinburg", dc_director="sidorov",
    department_director="petrov", uploaded_by="ivanova", payment_date=date(2026, 11, 30),
)  # fmt: skip


async def test_notices_arrive_a_blocked_person_is_remembered_and_the_rest_go_on(
    usecases: UseCases, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    ivanova, smirnova = await usecases.identify(IVANOVA), await usecases.identify(SMIRNOVA)
    assert ivanova is not None and smirnova is not None
    no_telegram = replace(ivanova, code="popov", telegram_user_id=None)
    items = (rejected_item(3, "Нет бюджета"), rejected_item(5, "Нет <договора>"))
    async with TelegramEmulator([TOKEN], flood_control=False) as emulator:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.url)))
        sender = TelegramNoticeSender(bot, usecases)
        async with SandboxTelegramClient(emulator.url) as tg:
            for uid in (IVANOVA, SMIRNOVA):
                await tg.create_user(f"user {uid}", user_id=uid)
                await tg.user(uid).send_command("start")
            await tg.user(SMIRNOVA).block()
            with caplog.at_level(logging.INFO, logger="viza.notices"):
                await sender.deliver_now([
                    Notice("returned", smirnova, 7, reason="Нет подписи", context=CONTEXT),
                    Notice("approved", no_telegram, 7, context=CONTEXT),
                    Notice("rejected", ivanova, 7, items, context=CONTEXT),
                    Notice("returned", ivanova, 7, reason="Исправьте <даты>", context=CONTEXT),
                ])  # fmt: skip
            got = [m for m in await tg.user(IVANOVA).chat() if m.from_bot]
        await bot.session.close()
    assert "Отклонено платежей: 2" in got[0].text and "№5" in got[0].text
    assert "Нет <договора>" in got[0].text and "<b>" in got[0].text  # shown as typed
    assert got[0].button_texts == ["📋 Открыть реестр"]
    assert "Исправьте <даты>" in got[1].text
    assert got[1].button_texts == ["Отправить снова", "Отозвать", "📋 Открыть реестр"]
    async with database.sessions() as session:
        blocked = await session.scalar(
            select(TelegramLink.blocked_at).where(TelegramLink.telegram_user_id == SMIRNOVA)
        )
    assert blocked is not None
    assert any("blocked the bot" in r.getMessage() for r in caplog.records)
    assert any("has no Telegram" in r.getMessage() for r in caplog.records)


async def test_flood_control_is_waited_out_and_every_notice_arrives(usecases: UseCases) -> None:
    ivanova = await usecases.identify(IVANOVA)
    assert ivanova is not None
    notices = [Notice("approved", ivanova, n, context=CONTEXT) for n in range(5)]
    async with TelegramEmulator([TOKEN], flood_control=True) as emulator:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.url)))
        sender = TelegramNoticeSender(bot, usecases)
        async with SandboxTelegramClient(emulator.url) as tg:
            await tg.create_user("Иванова", user_id=IVANOVA)
            await tg.user(IVANOVA).send_command("start")
            started = perf_counter()
            await sender.deliver(notices)  # returns at once: the sending runs in a task
            await sender.drain()
            took = perf_counter() - started
            got = [m for m in await tg.user(IVANOVA).chat() if m.from_bot]
        await bot.session.close()
    assert len(got) == 5 and all("согласован" in m.text for m in got)
    assert took >= 0.9  # a burst of three, then one a second: Retry-After was honoured


async def test_a_refresh_edits_the_others_cards_through_the_taps_editor(
    usecases: UseCases, database: Database
) -> None:
    """After a move, everyone else's remembered card shows the register as it is now; the
    edit goes through the card editor the taps use, so it never overwrites a newer card."""
    ivanova, sidorov = await usecases.identify(IVANOVA), await usecases.identify(SIDOROV)
    assert ivanova is not None and sidorov is not None
    register_id = await ekb_submitted(usecases, database)
    async with TelegramEmulator([TOKEN], flood_control=False) as emulator:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.url)))
        editor = CardEditor()
        sender = TelegramNoticeSender(bot, usecases, card_editor=editor)
        async with SandboxTelegramClient(emulator.url) as tg:
            await tg.create_user("Иванова", user_id=IVANOVA)
            await tg.user(IVANOVA).send_command("start")
            old = await bot.send_message(IVANOVA, "старая карточка")
            await usecases.approvals.cards(
                CardMessage(register_id, ivanova.id, IVANOVA, old.message_id)
            )
            refresh = Notice("refresh", sidorov, register_id)
            version = (await usecases.approvals.open_card(ivanova, register_id)).version
            await editor.edit_at(bot, IVANOVA, old.message_id, "новее", None, version + 1)
            await sender.deliver_now([refresh])  # an older card than the one shown: dropped
            assert (await tg.user(IVANOVA).chat())[-1].text == "новее"
            await sender.deliver_now([Notice("refresh", ivanova, register_id)])  # the actor's
            assert (await tg.user(IVANOVA).chat())[-1].text == "новее"
            fresh = TelegramNoticeSender(bot, usecases)  # a bot restarted: nothing shown yet
            await fresh.deliver_now([refresh])
            shown = (await tg.user(IVANOVA).chat())[-1]
        await bot.session.close()
    assert f"Реестр №{register_id}" in shown.text and "Не решено: 24" in shown.text
    assert "<b>" not in shown.text  # sent as HTML, not as its source

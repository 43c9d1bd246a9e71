"""Approval notices for people Telegram cannot reach, with Bitrix24 configured: a person who
blocked the bot (403) and a person without Telegram get a short plain-text notification in
Bitrix24 (``im.notify.system.add``, through the outbox); the others get Telegram only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.clock import SystemClock
from bot.i18n import make_i18n
from domain.org import load_org_toml
from domain.register_approval import Decision, ItemStatus
from handlers.approval_notices import TelegramNoticeSender
from models.uow import SqlUnitOfWork
from sandbox.telegram import SandboxTelegramClient, TelegramEmulator
from services.approval_ports import CardItem, Notice, RegisterContext
from services.usecases import UseCases
from tests.conftest import FIXTURES

from .conftest import settle, texts_by_user

TOKEN = "779:notice-fallback-token"
IVANOVA, SMIRNOVA = 500033, 500030
SMIRNOVA_B24, POPOV_B24, IVANOVA_B24 = 30, 24, 33
CONTEXT = RegisterContext(
    register_id=7, dc_id=1, dc_code="ekb-toyota", dc_name="Тойота Центр Екатеринбург",
    city="Екатеринбург", dc_timezone="Asia/Yekaterinburg", dc_director="sidorov",
    department_director="petrov", uploaded_by="ivanova", payment_date=date(2026, 11, 30),
)  # fmt: skip
REJECTED = CardItem(
    id=3, position=3, counterparty="ООО «Ромашка» <b>", inn="6663003127",
    amount=Decimal("1500.00"), currency="RUB", purpose="Запчасти", urgent=False,
    over_threshold=False, duplicate_note=None, status=ItemStatus.REJECTED,
    decision=Decision.REJECT, decided_by="sidorov", reason="Нет <договора>",
)  # fmt: skip


@pytest.fixture(autouse=True)
def russian() -> Iterator[None]:
    with make_i18n().context():
        yield


async def test_people_telegram_cannot_reach_are_told_in_bitrix24(database, emulator, make_relay):
    uow = lambda: SqlUnitOfWork(database)  # noqa: E731
    cases = UseCases.build(uow, SystemClock(), invite_ttl_hours=24, bitrix24=True)
    await cases.import_org(load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8")))
    ivanova, smirnova = await cases.identify(IVANOVA), await cases.identify(SMIRNOVA)
    async with uow() as work:
        popov = await work.org.person_by_code("popov")  # the nsk-lexus director, unlinked
    assert ivanova and smirnova and popov and popov.telegram_user_id is None
    async with TelegramEmulator([TOKEN], flood_control=False) as telegram:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(telegram.url)))
        async with SandboxTelegramClient(telegram.url) as tg:
            for uid in (IVANOVA, SMIRNOVA):
                await tg.create_user(f"user {uid}", user_id=uid)
                await tg.user(uid).send_command("start")
            await tg.user(SMIRNOVA).block()
            await TelegramNoticeSender(bot, cases).deliver_now([
                Notice("rejected", smirnova, 7, (REJECTED,), context=CONTEXT),
                Notice("card", popov, 7, context=CONTEXT),
                Notice("approved", ivanova, 7, context=CONTEXT),
            ])  # fmt: skip
            in_telegram = [m for m in await tg.user(IVANOVA).chat() if m.from_bot]
        await bot.session.close()
    assert "согласован" in in_telegram[-1].text
    await settle(await make_relay(), database)
    told = texts_by_user(emulator.portal.state.notifications)
    assert set(told) == {SMIRNOVA_B24, POPOV_B24}  # Ivanova got hers in Telegram
    [rejected] = told[SMIRNOVA_B24]
    assert "Отклонено платежей: 1" in rejected and "Нет <договора>" in rejected
    assert "<b>" not in rejected.replace("«Ромашка» <b>", "")  # markup stripped, text kept
    [card] = told[POPOV_B24]
    assert card.startswith("Реестр №7 (Тойота Центр Екатеринбург, оплата 30.11.2026) ждёт")

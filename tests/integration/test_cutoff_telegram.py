"""The cutoff's Telegram side in-process, against the emulator with flood control on: the
reminder and the missed list as people receive them, and the carry-over button handled by
`handlers.cutoff` — one tap makes tomorrow's draft, a second tap or someone else's crafted
tap changes nothing and says why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from aiogram import Bot, Dispatcher

from bot.i18n import make_i18n
from bot.notifier import Notifier
from domain.org import load_org_toml
from handlers import cutoff, errors
from handlers.approval_callbacks import CardTap, CardVerb
from handlers.cutoff_callbacks import CarryTap
from handlers.cutoff_sender import TelegramCutoffSender
from sandbox.telegram import SandboxTelegramClient, TelegramEmulator
from services.usecases import UseCases
from tests.conftest import FIXTURES
from tests.integration.telegram_support import dispatcher, ekb_submitted, feed, html_bot

TOKEN = "515151:cutoff-telegram-test"
IVANOVA, SIDOROV = 500033, 500022
DAY = date(2026, 11, 30)


@dataclass
class Scene:
    tg: SandboxTelegramClient
    bot: Bot
    dp: Dispatcher
    cases: UseCases
    sender: TelegramCutoffSender
    register_id: int

    async def press(
        self, user_id: int, message_id: int, data: str | None = None, **button: object
    ) -> str | None:
        """Tap, hand the update to the dispatcher, return the callback's answer."""
        pressed = await self.tg.press_nowait(user_id, message_id, data, **button)
        await feed(self.bot, self.dp, pressed.update_id)
        return (await self.tg.callback_answer(pressed.callback_query_id)).text


@pytest.fixture
async def scene(uow_factory, clock, database) -> AsyncIterator[Scene]:
    clock.moment = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
    cases = UseCases.build(uow_factory, clock, invite_ttl_hours=1)
    await cases.import_org(load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8")))
    register_id = await ekb_submitted(cases, database)
    async with TelegramEmulator([TOKEN], flood_control=True) as emulator:
        bot = html_bot(TOKEN, emulator.url)
        dp = dispatcher(cases, errors.router(), cutoff.router())
        i18n = dp["i18n_core"]
        async with SandboxTelegramClient(emulator.url, timeout=10) as tg:
            for user_id in (IVANOVA, SIDOROV):
                await tg.create_user(str(user_id), user_id=user_id)
                await tg.send_command(user_id, "/start")
            sender = TelegramCutoffSender(Notifier(bot), i18n)
            yield Scene(tg, bot, dp, cases, sender, register_id)
        await bot.session.close()


async def test_the_reminder_opens_the_review_card(scene, clock):
    clock.moment = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 13:00 in Moscow
    report = await scene.cases.cutoff.remind(DAY, 60, scene.sender)
    assert report.sent == 1
    reminder = await scene.tg.user(SIDOROV).wait_for_message(contains="Отсечка сегодня в 16:00")
    [button] = reminder.buttons
    assert CardTap.unpack(button.callback_data) == CardTap(
        verb=CardVerb.OPEN, register_id=scene.register_id
    )


async def test_one_tap_carries_the_missed_items_and_a_second_changes_nothing(scene, clock):
    clock.moment = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # the 14:00 cutoff
    assert (await scene.cases.cutoff.cutoff(DAY, scene.sender)).sent == 2
    listed = await scene.tg.user(IVANOVA).wait_for_message(contains="Не согласованы к сроку")
    assert [b.text for b in listed.buttons] == ["Перенести на 01.12.2026"]
    director = await scene.tg.user(SIDOROV).wait_for_message(contains="Не согласованы к сроку")
    assert not director.buttons

    answer = await scene.press(IVANOVA, listed.message_id, text="Перенести на 01.12.2026")
    assert answer is not None and "Перенесено платежей: 24" in answer
    draft = await scene.tg.user(IVANOVA).wait_for_message(contains="Перенесено платежей: 24")
    assert "01.12.2026" in draft.text and "Платежей: 24" in draft.text
    assert "✅ Отправить на согласование" in [b.text for b in draft.buttons]

    again = await scene.press(IVANOVA, listed.message_id, text="Перенести на 01.12.2026")
    assert again is not None and "уже перенесены" in again

    crafted = CarryTap(register_id=scene.register_id).pack()
    refused = await scene.press(SIDOROV, director.message_id, crafted, crafted=True)
    assert refused is not None and "может бухгалтер" in refused


async def test_who_is_not_on_telegram_gets_the_text_in_bitrix24(scene, clock):
    queued: list[tuple[int, str]] = []

    async def bitrix(person_id: int, text: str) -> int:
        queued.append((person_id, text))
        return len(queued)

    clock.moment = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    sender = TelegramCutoffSender(Notifier(scene.bot), make_i18n(), bitrix=bitrix)
    await scene.tg.block(SIDOROV)  # the director blocked the bot: Telegram answers 403
    await scene.cases.cutoff.remind(DAY, 60, sender)
    [(person_id, text)] = queued
    assert person_id == (await scene.cases.identify(SIDOROV)).id
    assert text.startswith("⏰ Отсечка сегодня в 16:00") and "<b>" not in text

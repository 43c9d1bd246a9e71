"""The bot's Bot API session against the emulator's flood control: a short «retry after»
(an accountant sending two files in one second) is waited out and the call made again;
a long one reaches the caller at once, for the notifier or the card editor to plan around."""

from __future__ import annotations

import time

import pytest
from aiogram.exceptions import TelegramRetryAfter

from bot.app import make_bot
from bot.config import Settings
from sandbox.telegram import SandboxTelegramClient, TelegramEmulator

TOKEN = "779:flood-wait-test-token"


async def test_a_short_flood_wait_is_waited_out_and_a_long_one_is_not():
    async with TelegramEmulator([TOKEN], flood_control=False) as emulator:
        bot = make_bot(Settings(telegram={"token": TOKEN, "api_server": emulator.url}))
        async with SandboxTelegramClient(emulator.url) as tg:
            user = await tg.create_user("Новикова", user_id=4545)
            await user.send_command("/start")
            await tg.set_flood_control(True, per_chat_rate=1, per_chat_burst=1)
            started = time.monotonic()
            await bot.send_message(user.id, "Проверяю файл…")
            await bot.send_message(user.id, "Проверяю второй файл…")
            waited = time.monotonic() - started
            texts = [m.text for m in await user.chat() if m.from_bot]
            await tg.set_flood_control(False)
            await tg.inject_fault(
                "sendMessage", error_code=429, description="Too Many Requests: retry after 30",
                retry_after=30,
            )  # fmt: skip
            started = time.monotonic()
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(user.id, "не дождётся")
            refused_after = time.monotonic() - started
        await bot.session.close()
    assert texts == ["Проверяю файл…", "Проверяю второй файл…"]
    assert waited >= 0.9
    assert refused_after < 2

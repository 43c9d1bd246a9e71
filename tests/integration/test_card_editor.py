"""The card editor against the Telegram emulator with a real aiogram Bot: a burst of screens
for one card ends in few edits showing the newest, an older card never overwrites a newer
one, and flood control (429 «retry after») delays the picture without losing it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest

from handlers.card_editor import CardEditor
from sandbox.telegram import SandboxTelegramClient, TelegramEmulator, TelegramUser

TOKEN = "778:card-editor-test-token"


@pytest.fixture
async def setup() -> AsyncIterator[tuple[Bot, SandboxTelegramClient, TelegramUser]]:
    async with TelegramEmulator([TOKEN], flood_control=False) as emulator:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.url)))
        async with SandboxTelegramClient(emulator.url) as tg:
            user = await tg.create_user("Кузнецов", user_id=4343)
            await user.send_command("/start")  # a bot may write only to such users
            try:
                yield bot, tg, user
            finally:
                await bot.session.close()


async def edits_of(tg: SandboxTelegramClient, message_id: int) -> list[str]:
    calls = await tg.calls("editMessageText")
    return [
        str(call.params["text"])
        for call in calls
        if call.ok and int(call.params["message_id"]) == message_id
    ]


async def shown(user: TelegramUser, message_id: int) -> str | None:
    return next(m.text for m in await user.chat() if m.message_id == message_id)


async def test_a_burst_ends_in_the_newest_screen_with_fewer_edits_than_screens(setup):
    bot, tg, user = setup
    card = await bot.send_message(user.id, "v0")
    editor = CardEditor()
    await asyncio.gather(*(
        editor.edit_at(bot, user.id, card.message_id, f"v{n}", None, version=n)
        for n in range(1, 7)
    ))  # fmt: skip
    edits = await edits_of(tg, card.message_id)
    assert edits[-1] == "v6" and len(edits) < 6
    assert await shown(user, card.message_id) == "v6"


async def test_an_older_card_never_replaces_a_newer_one(setup):
    bot, tg, user = setup
    card = await bot.send_message(user.id, "v0")
    editor = CardEditor()
    await editor.edit(card, "v5", None, version=5)
    await editor.edit_at(bot, user.id, card.message_id, "v3", None, version=3)
    await editor.edit(card, "v5 again", None, version=5)  # the same version may redraw
    assert await edits_of(tg, card.message_id) == ["v5", "v5 again"]
    assert await shown(user, card.message_id) == "v5 again"


async def test_a_flood_wait_is_waited_out_and_the_screen_still_lands(setup):
    bot, tg, user = setup
    card = await bot.send_message(user.id, "v0")
    await tg.inject_fault(
        "editMessageText", error_code=429, description="Too Many Requests: retry after 1",
        retry_after=1, chat_id=user.id,
    )  # fmt: skip
    started = time.monotonic()
    await CardEditor().edit_at(bot, user.id, card.message_id, "после паузы", None, version=2)
    assert time.monotonic() - started >= 0.9
    assert await shown(user, card.message_id) == "после паузы"


async def test_a_gone_message_is_reported_to_the_caller(setup):
    bot, _tg, user = setup
    card = await bot.send_message(user.id, "v0")
    await bot.delete_message(user.id, card.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await CardEditor().edit_at(bot, user.id, card.message_id, "v1", None, version=1)


async def test_a_screen_equal_to_the_one_just_sent_is_not_sent_again(setup):
    """Taps decided in one batch all bring the same card: it is edited once."""
    bot, tg, user = setup
    card = await bot.send_message(user.id, "v0")
    editor = CardEditor()
    await asyncio.gather(*(
        editor.edit_at(bot, user.id, card.message_id, "v1", None, version=1) for _ in range(4)
    ))  # fmt: skip
    await editor.edit_at(bot, user.id, card.message_id, "v2", None, version=2)
    assert await edits_of(tg, card.message_id) == ["v1", "v2"]

"""The error router against the Telegram emulator: an unexpected error is logged with its
context, the user gets a short apology, and the next update is handled normally."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command
from aiogram.types import Message, Update

from bot.i18n import make_i18n
from bot.middlewares import PersonLanguage
from domain.errors import DomainError
from handlers import errors
from sandbox.telegram import SandboxTelegramClient, TelegramEmulator

TOKEN = "777:error-router-test-token"


def failing_router() -> Router:
    router = Router(name="failing")

    @router.message(Command("boom"))
    async def boom(message: Message) -> None:
        raise RuntimeError("database exploded")

    @router.message(Command("refuse"))
    async def refuse(message: Message) -> None:
        raise DomainError("Так нельзя: реестр уже отправлен.")

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(f"эхо: {message.text}")

    return router


async def test_errors_are_logged_answered_and_the_bot_goes_on(caplog):
    async with TelegramEmulator([TOKEN], flood_control=False) as emulator:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.url)))
        i18n = make_i18n()
        dp = Dispatcher(i18n_core=i18n)
        dp.update.outer_middleware(PersonLanguage(i18n))
        dp.include_routers(errors.router(), failing_router())
        async with SandboxTelegramClient(emulator.url) as tg:
            user = await tg.create_user("Анна", user_id=4242)
            for text in ("/boom", "/refuse", "ещё раз"):
                sent = await user.send_text(text)
                update = Update.model_validate(await _update_for(bot, sent.update_id))
                with caplog.at_level(logging.ERROR, logger="viza.handlers"):
                    await dp.feed_update(bot, update)
            replies = [m.text for m in await user.chat() if m.from_bot]
        await bot.session.close()
    assert replies[0].startswith("Извините, что-то пошло не так")
    assert replies[1] == "Так нельзя: реестр уже отправлен."
    assert replies[2] == "эхо: ещё раз"
    record = next(r for r in caplog.records if "unhandled error" in r.getMessage())
    assert "user 4242" in record.getMessage() and record.exc_info is not None


async def _update_for(bot: Bot, update_id: int) -> dict[str, object]:
    updates = await bot.get_updates(offset=update_id, timeout=0)
    found = next(u for u in updates if u.update_id == update_id)
    return found.model_dump(mode="json", exclude_none=True)

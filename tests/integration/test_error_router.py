"""The error router against the Telegram emulator: an unexpected error is logged with its
context, the user gets a short apology, and the next update is handled normally; a refusal
and the apology come in the user's language."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command
from aiogram.types import Message, Update

from bot.i18n import make_i18n
from bot.middlewares import PersonLanguage
from domain.errors import N_, DomainError
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
        raise DomainError(N_("Реестр №{number} уже отправлен на согласование."), number=7)

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(f"эхо: {message.text}")

    return router


async def replies_of(language: str, user_id: int, caplog) -> list[str | None]:
    """What a user with Telegram's ``language`` gets for /boom, /refuse and a plain text."""
    async with TelegramEmulator([TOKEN], flood_control=False) as emulator:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.url)))
        i18n = make_i18n()
        dp = Dispatcher(i18n_core=i18n)
        dp.update.outer_middleware(PersonLanguage(i18n))
        dp.include_routers(errors.router(), failing_router())
        async with SandboxTelegramClient(emulator.url) as tg:
            user = await tg.create_user("Анна", user_id=user_id, language_code=language)
            for text in ("/boom", "/refuse", "ещё раз"):
                sent = await user.send_text(text)
                update = Update.model_validate(await _update_for(bot, sent.update_id))
                with caplog.at_level(logging.ERROR, logger="viza.handlers"):
                    await dp.feed_update(bot, update)
            replies = [m.text for m in await user.chat() if m.from_bot]
        await bot.session.close()
    return replies


async def test_errors_are_logged_answered_and_the_bot_goes_on(caplog):
    replies = await replies_of("ru", 4242, caplog)
    assert replies[0].startswith("Извините, что-то пошло не так")
    assert replies[1] == "Реестр №7 уже отправлен на согласование."
    assert replies[2] == "эхо: ещё раз"
    record = next(r for r in caplog.records if "unhandled error" in r.getMessage())
    assert "user 4242" in record.getMessage() and record.exc_info is not None


async def test_a_refusal_and_the_apology_come_in_the_users_language(caplog):
    replies = await replies_of("en", 4343, caplog)
    assert replies[0].startswith("Sorry, something went wrong")
    assert replies[1] == "Register #7 has already been sent for approval."
    assert replies[2] == "эхо: ещё раз"


async def _update_for(bot: Bot, update_id: int) -> dict[str, object]:
    updates = await bot.get_updates(offset=update_id, timeout=0)
    found = next(u for u in updates if u.update_id == update_id)
    return found.model_dump(mode="json", exclude_none=True)

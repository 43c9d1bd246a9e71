"""The Telegram side of the composition root: bot, dispatcher, polling or webhook."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import BotCommand

from bot.application import Application
from bot.config import Settings
from bot.i18n import make_i18n
from bot.middlewares import OncePerUpdate, PersonLanguage, WhoIsThis
from handlers import approvals, errors, fallback, registers, start
from handlers.approval_notices import TelegramNoticeSender
from models.fsm_storage import SqlStorage
from models.update_ledger import UpdateLedger

log = logging.getLogger("viza.bot")


def make_bot(settings: Settings) -> Bot:
    assert settings.telegram.token is not None
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram.api_server))
    return Bot(
        token=settings.telegram.token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def make_storage(app: Application) -> BaseStorage:
    if app.settings.redis.url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(app.settings.redis.url)
    return SqlStorage(app.database)


def make_dispatcher(app: Application, bot: Bot, bot_username: str | None) -> Dispatcher:
    i18n = make_i18n()
    dp = Dispatcher(
        storage=make_storage(app),
        usecases=app.usecases,
        bot_username=bot_username,
        i18n_core=i18n,
        notice_sender=TelegramNoticeSender(bot, app.usecases, i18n),
    )
    dp.update.outer_middleware(OncePerUpdate(UpdateLedger(app.database), app.clock))
    dp.update.outer_middleware(WhoIsThis(app.usecases))
    dp.update.outer_middleware(PersonLanguage(i18n))
    dp.include_routers(
        errors.router(),
        start.router(),
        start.menu_router(),
        registers.router(),
        approvals.router(),
        fallback.router(),
    )
    return dp


COMMANDS = [
    BotCommand(command="start", description="Главное меню"),
    BotCommand(command="help", description="Справка"),
    BotCommand(command="cancel", description="Прервать диалог"),
]


async def run_bot(app: Application) -> None:
    """Run until cancelled: long polling, or the webhook server (PRODUCT §8)."""
    bot = make_bot(app.settings)
    dp: Dispatcher | None = None
    try:
        me = await bot.get_me()
        username = app.settings.telegram.bot_username or me.username
        dp = make_dispatcher(app, bot, username)
        await bot.set_my_commands(COMMANDS)
        log.info("bot @%s started in %s mode", username, app.settings.telegram.mode)
        if app.settings.telegram.mode == "webhook":
            from bot.webhook import serve_webhook

            await serve_webhook(app.settings, bot, dp)
        else:
            await bot.delete_webhook(drop_pending_updates=False)
            await dp.start_polling(bot, handle_signals=False, close_bot_session=False)
    finally:
        if dp is not None:
            await dp["notice_sender"].drain()
        await bot.session.close()

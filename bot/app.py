"""The Telegram side of the composition root: bot, dispatcher, polling or webhook."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage

from b24sync.handlers_memo import MemoSyncOptions, MemoTaskSync
from bot.alerts import TelegramAdminAlerts
from bot.application import Application
from bot.b24_commands import make_client, run_relay_forever
from bot.config import Settings
from bot.flood_wait import WaitOutShortFloods
from bot.gc_tuning import tune_for_long_running
from bot.i18n import make_i18n
from bot.jobs import JobRunner, make_notifier, make_sender
from bot.middlewares import OncePerUpdate, PersonLanguage, WhoIsThis
from bot.notifier import Notifier
from bot.scheduler import start_scheduler
from bot.telegram_session import PinnedResponsesSession
from handlers import approvals, cutoff, errors, fallback, memos, registers, start
from handlers.approval_notices import TelegramNoticeSender
from handlers.card_editor import CardEditor
from handlers.command_menu import publish_command_menus
from handlers.memo_notices import TelegramMemoNotices
from models.fsm_storage import SqlStorage
from models.update_ledger import UpdateLedger

log = logging.getLogger("viza.bot")


def make_bot(settings: Settings) -> Bot:
    assert settings.telegram.token is not None
    session = PinnedResponsesSession(api=TelegramAPIServer.from_base(settings.telegram.api_server))
    session.middleware(WaitOutShortFloods())
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


def make_dispatcher(
    app: Application, bot: Bot, bot_username: str | None, notifier: Notifier | None = None
) -> Dispatcher:
    i18n = make_i18n()
    notifier = notifier or make_notifier(bot, app)
    card_editor = CardEditor()  # the taps' and the notices' edits of cards take turns
    dp = Dispatcher(
        storage=make_storage(app),
        usecases=app.usecases,
        bot_username=bot_username,
        i18n_core=i18n,
        notifier=notifier,
        notice_sender=TelegramNoticeSender(
            bot, app.usecases, i18n, pace=notifier.paced, card_editor=card_editor
        ),
        memo_notice_sender=TelegramMemoNotices(bot, app.usecases, i18n),
        card_editor=card_editor,
    )
    dp.update.outer_middleware(OncePerUpdate(UpdateLedger(app.database), app.clock))
    dp.update.outer_middleware(WhoIsThis(app.usecases))
    dp.update.outer_middleware(PersonLanguage(i18n))
    dp.include_routers(
        errors.router(),
        start.router(),
        start.menu_router(),
        memos.router(),  # before registers: a memo's attachments are not registers
        registers.router(),
        approvals.router(),
        cutoff.router(),
        fallback.router(),
    )
    return dp


async def run_bot(app: Application) -> None:
    """Run until cancelled: long polling, or the webhook server (PRODUCT §8)."""
    bot = make_bot(app.settings)
    dp: Dispatcher | None = None
    workers: list[asyncio.Task[None]] = []
    scheduler = None
    try:
        me = await bot.get_me()
        username = app.settings.telegram.bot_username or me.username
        dp = make_dispatcher(app, bot, username)
        alerts = TelegramAdminAlerts(bot, app.usecases, dp["i18n_core"])
        dp["admin_alerts"] = alerts
        sender = make_sender(dp["notifier"], app, dp["i18n_core"])
        scheduler = start_scheduler(app, JobRunner(app, sender))
        await publish_command_menus(bot, dp["i18n_core"])
        if app.settings.bitrix24.webhook_url is not None:
            workers.append(asyncio.create_task(run_relay_forever(app, alerts=alerts)))
            workers.append(asyncio.create_task(run_memo_tasks(app, dp["memo_notice_sender"])))
        app.parser.start()  # the upload parser's worker, ready before the first upload
        tune_for_long_running()  # everything above lives as long as the process
        log.info("bot @%s started in %s mode", username, app.settings.telegram.mode)
        if app.settings.telegram.mode == "webhook":
            from bot.webhook import serve_webhook

            await serve_webhook(app.settings, bot, dp)
        else:
            await bot.delete_webhook(drop_pending_updates=False)
            await _poll_until_cancelled(dp, bot)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        await _stop(workers)
        if dp is not None:
            await dp["notice_sender"].drain()
            await dp["memo_notice_sender"].drain()
        await bot.session.close()


async def _poll_until_cancelled(dp: Dispatcher, bot: Bot) -> None:
    """Long polling that stops the way aiogram means it to when our task is cancelled
    (SIGTERM). Cancelled from outside, ``start_polling`` leaves its per-bot pollers
    running; they then fail on the closed HTTP session and log «Failed to fetch updates»
    as an error on every clean shutdown. ``stop_polling`` makes it cancel them itself."""
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        await asyncio.shield(polling)
    except asyncio.CancelledError:
        try:
            await dp.stop_polling()
        except RuntimeError:  # cancelled before polling had started
            polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        raise


async def _stop(workers: list[asyncio.Task[None]]) -> None:
    """Background workers (the Bitrix24 relay) stop with the bot."""
    for task in workers:
        task.cancel()
    for task in workers:
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def run_memo_tasks(app: Application, notices: TelegramMemoNotices) -> None:
    """Approved memos to Bitrix24: files to Disk, then the executor's task (PRODUCT §4)."""
    relay = app.settings.bitrix24.relay
    options = MemoSyncOptions(
        poll_seconds=relay.poll, retry_base=relay.retry_base, retry_cap=relay.retry_cap
    )
    client = make_client(app.settings)
    try:
        await MemoTaskSync(client, app.usecases.memos.task_feed, notices, options).run_forever()
    finally:
        await client.close()

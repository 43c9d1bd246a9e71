"""Webhook mode: an aiohttp server; Telegram's secret header is checked (401 otherwise)."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.config import Settings

log = logging.getLogger("viza.bot")


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build_webhook_app(settings: Settings, bot: Bot, dp: Dispatcher) -> web.Application:
    secret = settings.telegram.webhook_secret
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    SimpleRequestHandler(
        dispatcher=dp,
        bot=bot,
        secret_token=secret.get_secret_value() if secret else None,
    ).register(app, path=settings.telegram.webhook_path)
    setup_application(app, dp, bot=bot)
    return app


async def serve_webhook(settings: Settings, bot: Bot, dp: Dispatcher) -> None:
    telegram = settings.telegram
    if not telegram.webhook_url:
        raise RuntimeError("telegram.webhook_url must be set in webhook mode")
    app = build_webhook_app(settings, bot, dp)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, telegram.listen_host, telegram.listen_port)
    await site.start()
    secret = telegram.webhook_secret.get_secret_value() if telegram.webhook_secret else None
    await bot.set_webhook(telegram.webhook_url, secret_token=secret)
    log.info("webhook server listening on %s", telegram.listen)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()

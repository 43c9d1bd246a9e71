"""Admin alerts in Telegram: dead letters of the Bitrix24 relay and failed jobs (PRODUCT
§8). Alerts never raise: a failure to alert is logged."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from aiogram import Bot
from aiogram.utils.i18n import I18n

from handlers import admin_views
from services.b24_ports import DeadLetter
from services.usecases import UseCases

log = logging.getLogger("viza.alerts")


class TelegramAdminAlerts:
    """Implements ``services.b24_ports.SyncAlerts`` (and job alerts) for active admins."""

    def __init__(self, bot: Bot, usecases: UseCases, i18n: I18n) -> None:
        self._bot, self._usecases, self._i18n = bot, usecases, i18n

    async def dead_letters(self, letters: Sequence[DeadLetter]) -> None:
        if letters:
            await self._tell(lambda: admin_views.dead_letters(letters))

    async def job_failed(self, job: str, error: str) -> None:
        await self._tell(lambda: admin_views.job_failed(job, error))

    async def _tell(self, render: Callable[[], str]) -> None:
        try:
            admins = await self._usecases.admins()
        except Exception:
            log.exception("could not list the admins to alert")
            return
        for admin in admins:
            if admin.telegram_user_id is None:
                continue
            with self._i18n.context(), self._i18n.use_locale(admin.language):
                text = render()
            try:
                await self._bot.send_message(admin.telegram_user_id, text)
            except Exception:
                log.exception("could not alert admin %s", admin.code)

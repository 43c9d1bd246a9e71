"""Outer middlewares: drop redelivered updates, say who the user is, pick the language."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18n, I18nMiddleware

from models.update_ledger import UpdateLedger
from services.ports import Clock
from services.usecases import UseCases

log = logging.getLogger("viza.bot")
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class OncePerUpdate(BaseMiddleware):
    """Telegram may deliver an update twice (retries, several instances): handle it once."""

    def __init__(self, ledger: UpdateLedger, clock: Clock) -> None:
        self._ledger, self._clock = ledger, clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        bot_id = data["bot"].id
        if not await self._ledger.claim(bot_id, event.update_id, self._clock.now()):
            log.info("update %s was already handled; skipped", event.update_id)
            return None
        return await handler(event, data)


class WhoIsThis(BaseMiddleware):
    """Injects ``person`` (a PersonView or None) for every handler; callback data and
    message content are never used to decide who someone is."""

    def __init__(self, usecases: UseCases) -> None:
        self._usecases = usecases

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        data["person"] = await self._usecases.identify(user.id) if user else None
        return await handler(event, data)


class PersonLanguage(I18nMiddleware):
    """The person's language from the directory; unlinked users get their Telegram locale
    when we have it, else Russian. The choice is also left in the update's data as
    ``locale``: the error router, which runs after this middleware's context has closed,
    answers in the same language."""

    def __init__(self, i18n: I18n) -> None:
        super().__init__(i18n)

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        data["locale"] = locale = self._locale(data)
        return locale

    def _locale(self, data: dict[str, Any]) -> str:
        person = data.get("person")
        if person is not None and person.language in self.i18n.available_locales:
            return str(person.language)
        user: User | None = data.get("event_from_user")
        code = (user.language_code or "")[:2] if user else ""
        return code if code in self.i18n.available_locales else self.i18n.default_locale

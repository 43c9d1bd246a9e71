"""Short flood waits, waited out for every Bot API call of the bot.

Telegram allows about one message per second in a chat, with a short burst. An accountant
who sends two files at once gets two «Проверяю файл…» messages in the same second, and the
second call comes back 429 «retry after 1». Before this middleware that reply failed, and so
did the apology after it: the file was simply never answered. Now a wait of a few seconds
is slept through and the call made again; a longer one still reaches the caller, where the
notifier and the card editor have their own plans for it (pacing, showing the newest card).
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger("viza.telegram")

SHORT_WAIT = 5  # s: the longest «retry after» slept through here
ATTEMPTS = 3  # calls of one method at most


class WaitOutShortFloods(BaseRequestMiddleware):
    """Retry a call that Telegram refused with a short «retry after», after that wait."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        for attempt in range(1, ATTEMPTS):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if error.retry_after > SHORT_WAIT:
                    raise
                log.info(
                    "flood control on %s: waiting %s s (attempt %s)",
                    type(method).__name__, error.retry_after, attempt,
                )  # fmt: skip
                await asyncio.sleep(error.retry_after)
        return await make_request(bot, method)

"""The one place every outgoing Telegram message goes through (issue 5, part 6).

Telegram allows about one message a second per chat and thirty a second overall. Each
call first takes a token from its chat's bucket and then from the global one (waiters are
served in order and never stampede); the defaults stay under both limits with room for
network jitter, so a digest to hundreds of people does not trip flood control. Should a
429 come anyway, its ``retry_after`` pauses that chat and the call is retried. Network
errors and 5xx are retried with exponential backoff. A 403 (the person blocked the bot)
is reported to ``on_blocked`` — the use case records it, so the person is reached
through Bitrix24 — and the call returns None.

    notifier = Notifier(bot, on_blocked=lambda chat: usecases.mark_blocked(chat, blocked=True))
    await notifier.send_message(chat_id, "text", reply_markup=markup)
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InputFile, Message

from b24sync.ratelimit import TokenBucket

log = logging.getLogger("viza.notifier")
T = TypeVar("T")
Blocked = Callable[[int], Awaitable[None]]
_NOT_MODIFIED = "message is not modified"


@dataclass(frozen=True)
class Limits:
    """Rates per second and bursts. Telegram's are ~1/s per chat (short bursts of 3 pass)
    and 30/s overall; ours keep one message of slack on each."""

    per_chat_rate: float = 1.0
    per_chat_burst: int = 2
    global_rate: float = 25.0
    global_burst: int = 20
    attempts: int = 6
    backoff: float = 0.5
    backoff_cap: float = 30.0
    max_retry_after: float = 120.0


class Notifier:
    """Sends through ``bot`` within Telegram's limits; safe to share by every sender."""

    def __init__(
        self,
        bot: Bot,
        *,
        on_blocked: Blocked | None = None,
        limits: Limits | None = None,
        max_chats: int = 10_000,
    ) -> None:
        self.bot = bot
        self._on_blocked = on_blocked
        self._limits = limits or Limits()
        self._global = TokenBucket(self._limits.global_rate, self._limits.global_burst)
        self._chats: OrderedDict[int, TokenBucket] = OrderedDict()
        self._max_chats = max_chats

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Message | None:
        """``bot.send_message``; None when the person blocked the bot or it kept failing."""
        return await self.call(chat_id, lambda: self.bot.send_message(chat_id, text, **kwargs))

    async def send_document(
        self, chat_id: int, document: InputFile | str, **kwargs: Any
    ) -> Message | None:
        """``bot.send_document`` (an upload or a file_id)."""
        return await self.call(
            chat_id, lambda: self.bot.send_document(chat_id, document, **kwargs)
        )

    async def edit_message(
        self, chat_id: int, message_id: int, text: str, **kwargs: Any
    ) -> Message | bool | None:
        """``bot.edit_message_text``; None also when the text is the same as before.
        Other 400s (e.g. the message is gone) are raised, so the caller can send anew."""
        try:
            return await self.call(
                chat_id,
                lambda: self.bot.edit_message_text(
                    text=text, chat_id=chat_id, message_id=message_id, **kwargs
                ),
            )
        except TelegramBadRequest as error:
            if _NOT_MODIFIED in error.message:
                return None
            raise

    async def paced(self, chat_id: int, make: Callable[[], Awaitable[T]]) -> T:
        """One call under the per-chat and global limits, errors left to the caller (for
        senders with their own handling of refusals)."""
        await self._chat(chat_id).acquire()
        await self._global.acquire()
        return await make()

    async def call(self, chat_id: int, make: Callable[[], Awaitable[T]]) -> T | None:
        """Run one Bot API call for ``chat_id`` under the limits, with the retries above."""
        limits = self._limits
        for attempt in range(limits.attempts):
            await self._chat(chat_id).acquire()
            await self._global.acquire()
            try:
                return await make()
            except TelegramRetryAfter as error:
                wait = min(float(error.retry_after), limits.max_retry_after)
                log.info("429 for chat %s: waiting %.0f s", chat_id, wait)
                self._chat(chat_id).pause(wait)
            except TelegramForbiddenError:
                await self._blocked(chat_id)
                return None
            except TelegramEntityTooLarge:
                raise
            except (TelegramNetworkError, TelegramServerError) as error:
                delay = min(limits.backoff * 2**attempt, limits.backoff_cap)
                log.warning("Telegram failed for chat %s (%s); retry in %.1f s",
                            chat_id, error, delay)  # fmt: skip
                await asyncio.sleep(delay)
        log.error("gave up sending to chat %s after %d attempts", chat_id, limits.attempts)
        return None

    def _chat(self, chat_id: int) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = TokenBucket(self._limits.per_chat_rate, self._limits.per_chat_burst)
            self._chats[chat_id] = bucket
            if len(self._chats) > self._max_chats:  # forget the longest-quiet chat
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return bucket

    async def _blocked(self, chat_id: int) -> None:
        log.info("chat %s blocked the bot", chat_id)
        if self._on_blocked is None:
            return
        try:
            await self._on_blocked(chat_id)
        except Exception:  # recording must never stop the sending
            log.exception("could not record that chat %s blocked the bot", chat_id)

"""Edits of a card message in place, one at a time per message, the newest screen winning.

A director tapping ✅ down a page makes several edits of one message within a second.
Telegram allows about one message per second in a chat (with a short burst) and answers
more with 429 «retry after N»; edits sent at once may also land out of order, so an older
state could overwrite a newer one. So for each message:

- one edit is in flight at a time; a screen that arrives meanwhile waits, and a newer one
  replaces it: a burst of taps ends in one edit showing the latest state;
- a screen equal to the one just sent is not sent again (taps decided in one batch,
  ``services.approvals.batching``, all bring the same card);
- a card older than one already shown or waiting (by the register's version, which every
  move increases) is dropped;
- a 429 is waited out and then the newest screen is sent: the decisions are already
  committed and answered, so flood control only delays the picture, it never loses it.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.types import InlineKeyboardMarkup, Message

MessageKey = tuple[int, int]  # chat id, message id
Screen = tuple[str, InlineKeyboardMarkup | None]
Send = Callable[[Screen], Awaitable[object]]
REMEMBERED = 4096  # messages whose last card version is kept
MAX_WAIT = 60.0  # s: the longest flood wait honoured before giving the screen up


@dataclass
class _Slot:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    screen: Screen | None = None
    sent: Screen | None = None  # while the slot lives: the screen last sent
    users: int = 0


class CardEditor:
    """Serialises and coalesces edits per message (see the module docstring)."""

    def __init__(self) -> None:
        self._slots: dict[MessageKey, _Slot] = {}
        self._versions: OrderedDict[MessageKey, int] = OrderedDict()

    async def edit(
        self,
        message: Message,
        text: str,
        markup: InlineKeyboardMarkup | None,
        version: int | None = None,
    ) -> None:
        """Show ``text`` on ``message`` unless a newer card is already shown or waiting.
        Returns once this screen, or a newer one, has been sent (or dropped as older)."""

        async def send(screen: Screen) -> object:
            return await message.edit_text(screen[0], reply_markup=screen[1])

        await self._edit((message.chat.id, message.message_id), send, (text, markup), version)

    async def edit_at(  # noqa: PLR0917  (a message by its ids, and what to show there)
        self,
        bot: Bot,
        chat_id: int,
        message_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None,
        version: int | None = None,
    ) -> None:
        """`edit` for a message known by its ids only (a card a typed dialog started from)."""

        async def send(screen: Screen) -> object:
            return await bot.edit_message_text(
                text=screen[0], chat_id=chat_id, message_id=message_id,
                reply_markup=screen[1], parse_mode=ParseMode.HTML,
            )  # fmt: skip

        await self._edit((chat_id, message_id), send, (text, markup), version)

    async def _edit(
        self, key: MessageKey, send: Send, screen: Screen, version: int | None
    ) -> None:
        if version is not None and not self._newest(key, version):
            return
        slot = self._slots.setdefault(key, _Slot())
        slot.screen, slot.users = screen, slot.users + 1
        try:
            async with slot.lock:
                await self._send_newest(send, slot)
        finally:
            slot.users -= 1
            if not slot.users:
                del self._slots[key]

    def _newest(self, key: MessageKey, version: int) -> bool:
        if version < self._versions.get(key, version):
            return False
        self._versions[key] = version
        self._versions.move_to_end(key)
        while len(self._versions) > REMEMBERED:
            self._versions.popitem(last=False)
        return True

    @staticmethod
    async def _send_newest(send: Send, slot: _Slot) -> None:
        waited = 0.0
        while slot.screen is not None:
            text, markup = slot.screen
            slot.screen = None
            if slot.sent == (text, markup):
                return
            try:
                await send((text, markup))
            except TelegramRetryAfter as error:
                if waited + error.retry_after > MAX_WAIT:
                    raise
                slot.screen = slot.screen or (text, markup)  # unless a newer one came
                waited += error.retry_after
                await asyncio.sleep(error.retry_after)
            except TelegramBadRequest as error:
                if "message is not modified" not in error.message:
                    raise
                return
            else:
                slot.sent = (text, markup)
                return

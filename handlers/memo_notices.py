"""Memo notices through Telegram: the next approver's card, the PDF to the author and the
executor, a rejection or a return to the author, and «задача №… создана». People without a
linked Telegram account are skipped; one failed notice never stops the others."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import I18n

from domain.errors import DomainError
from handlers import memo_keyboards as keyboards
from handlers import memo_views as views
from handlers.memo_card_view import card_text
from services.memos.ports import MemoNotice
from services.ports import PersonView
from services.usecases import UseCases

log = logging.getLogger("viza.memo_notices")
CAPTION_LIMIT = 1024


class TelegramMemoNotices:
    """Implements ``services.memos.ports.MemoNoticeSender`` over the Bot API.

    ``deliver`` returns at once: the notices go out in a background task (``drain`` waits
    for them); ``deliver_now`` sends them in the caller's task. Neither raises. Outside a
    dispatcher's update (e.g. for the Bitrix24 worker) pass the bot's ``i18n``.
    """

    def __init__(self, bot: Bot, usecases: UseCases, i18n: I18n | None = None) -> None:
        self._bot, self._usecases, self._i18n = bot, usecases, i18n
        self._tasks: set[asyncio.Task[None]] = set()

    async def deliver(self, notices: Sequence[MemoNotice]) -> None:
        if not notices:
            return
        i18n = self._i18n or I18n.get_current(no_error=True)
        task = asyncio.create_task(self.deliver_now(notices, i18n))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def deliver_now(self, notices: Sequence[MemoNotice], i18n: I18n | None = None) -> None:
        i18n = i18n or self._i18n or I18n.get_current(no_error=True)
        for notice in notices:
            try:
                with _locale(i18n, notice.person):
                    await self._one(notice)
            except Exception:  # one failed notice must not stop the others, nor the bot
                log.exception("%s notice of memo %s to %s failed",
                              notice.kind, notice.memo_id, notice.person.code)  # fmt: skip

    async def _one(self, notice: MemoNotice) -> None:
        chat = notice.person.telegram_user_id
        if chat is None:
            log.info("%s has no Telegram: %s notice of memo %s skipped",
                     notice.person.code, notice.kind, notice.memo_id)  # fmt: skip
            return
        for attempt in range(3):
            try:
                await self._send(notice, chat)
                return
            except TelegramRetryAfter as error:
                if attempt == 2:
                    raise
                await asyncio.sleep(error.retry_after)
            except TelegramForbiddenError:
                log.info("user %s blocked the bot: memo %s notice not delivered",
                         chat, notice.memo_id)  # fmt: skip
                await self._usecases.mark_blocked(chat, blocked=True)
                return
            except TelegramAPIError as error:
                log.warning("memo %s notice to %s refused: %s", notice.memo_id, chat, error)
                return

    async def _send(self, notice: MemoNotice, chat: int) -> None:
        if notice.kind == "card":
            await self._card(notice, chat)
            return
        text = views.notice_text(notice)
        if text is None:
            log.warning("unknown memo notice kind %r", notice.kind)
            return
        markup = keyboards.notice_keyboard(notice.kind, notice.memo_id)
        if notice.kind == "approved" and notice.pdf is not None:
            name = f"{notice.number or notice.memo_id}.pdf"
            document = BufferedInputFile(notice.pdf, filename=name)
            await self._bot.send_document(chat, document, caption=text[:CAPTION_LIMIT],
                                          reply_markup=markup)  # fmt: skip
        else:
            await self._bot.send_message(chat, text, reply_markup=markup)

    async def _card(self, notice: MemoNotice, chat: int) -> None:
        try:
            card = await self._usecases.memos.open(notice.person, notice.memo_id)
        except DomainError as error:
            log.info("memo %s card for %s not sent: %s", notice.memo_id, notice.person.code,
                     error.message)  # fmt: skip
            return
        await self._bot.send_message(chat, card_text(card),
                                     reply_markup=keyboards.card_keyboard(card))  # fmt: skip


@contextmanager
def _locale(i18n: I18n | None, person: PersonView) -> Iterator[None]:
    """Texts in the recipient's language, not the actor's."""
    if i18n is None:
        yield
        return
    locale = person.language if person.language in i18n.available_locales else None
    with i18n.context(), i18n.use_locale(locale or i18n.default_locale):
        yield

"""Approval notices through Telegram (PRODUCT §3): the next approver's card, refreshed cards
of everyone else, and the accountant's news (rejections with reasons, approved, returned,
withdrawn). A person without a linked Telegram account, or who has blocked the bot (403),
is told in Bitrix24 instead (PRODUCT §6, ``im.notify.system.add``) with a short plain-text
version of the notice - when Bitrix24 is configured (``usecases.notify_bitrix``)."""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager, suppress
from functools import partial
from typing import Protocol, TypeVar

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from domain.errors import DomainError
from handlers import approval_keyboards as keyboards
from handlers import approval_texts as texts
from handlers.card_editor import CardEditor
from services.approval_ports import CardMessage, Notice
from services.ports import PersonView
from services.usecases import UseCases

log = logging.getLogger("viza.notices")
T = TypeVar("T")


class Pace(Protocol):
    """Runs one Bot API call for a chat within Telegram's limits (``bot.notifier``)."""

    async def __call__(self, chat_id: int, make: Callable[[], Awaitable[T]]) -> T: ...


_TAG = re.compile(r"<[^>]+>")


class _Blocked(Exception):
    """Telegram answered 403: the person has blocked the bot (already recorded)."""


class TelegramNoticeSender:
    """Implements ``services.approval_ports.NoticeSender`` over the Bot API.

    Invariants: ``deliver`` returns at once and never raises — the notices go out in a
    background task (kept in ``_tasks`` until done; ``drain`` waits for them); a failed
    delivery is logged with its context and the rest go on. Deliveries of one register
    run one batch at a time, so a card is never overwritten by an older state.
    """

    def __init__(
        self,
        bot: Bot,
        usecases: UseCases,
        i18n: I18n | None = None,
        *,
        retries: int = 2,
        pace: Pace | None = None,
        card_editor: CardEditor | None = None,
    ) -> None:
        self._bot, self._usecases, self._i18n, self._retries = bot, usecases, i18n, retries
        self._pace = pace
        # The taps' editor: a refresh and a tap on one card take turns, the newest winning.
        self._editor = card_editor or CardEditor()
        self._tasks: set[asyncio.Task[None]] = set()
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def deliver(self, notices: Sequence[Notice]) -> None:
        if not notices:
            return
        i18n = self._i18n or I18n.get_current(no_error=True)
        task = asyncio.create_task(self.deliver_now(list(notices), i18n))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every scheduled delivery is done (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def deliver_now(self, notices: Sequence[Notice], i18n: I18n | None = None) -> None:
        """Deliver in order, in the caller's task; never raises."""
        i18n = i18n or self._i18n
        for register_id in dict.fromkeys(n.register_id for n in notices):
            async with self._register_lock(register_id):
                for notice in (n for n in notices if n.register_id == register_id):
                    await self._one(notice, i18n)

    async def _one(self, notice: Notice, i18n: I18n | None) -> None:
        try:
            if notice.kind == "refresh":
                await self._refresh(notice, i18n)
                return
            telegram_id = notice.person.telegram_user_id
            with _locale(i18n, notice.person):
                if telegram_id is None:
                    await self._in_bitrix(notice, "has no Telegram")
                    return
                try:
                    await self._tell(notice, telegram_id)
                except _Blocked:
                    await self._in_bitrix(notice, "blocked the bot")
        except Exception:  # one failed notice must not stop the others, nor the bot
            log.exception("%s notice of register %s to person %s failed",
                          notice.kind, notice.register_id, notice.person.code)  # fmt: skip

    async def _in_bitrix(self, notice: Notice, why: str) -> None:
        """Tell the person in Bitrix24 (in their locale, already set by the caller)."""
        person, notify = notice.person, self._usecases.notify_bitrix
        text = bitrix_text(notice)
        queued = await notify(person.id, text) if notify is not None and text else None
        where = "queued for Bitrix24" if queued is not None else "skipped"
        log.info("person %s %s: %s notice of register %s %s",
                 person.code, why, notice.kind, notice.register_id, where)  # fmt: skip

    async def _tell(self, notice: Notice, telegram_id: int) -> None:
        if notice.kind == "card":
            await self._send_card(notice.person, telegram_id, notice.register_id)
            return
        text = _notice_text(notice)
        if text is None:
            log.warning("unknown notice kind %r for register %s", notice.kind, notice.register_id)
            return
        markup = keyboards.notice(notice.kind, notice.register_id)
        await self._call(telegram_id, f"{notice.kind} notice", partial(self._send, telegram_id,
                                                                        text, markup))  # fmt: skip

    async def _send_card(self, person: PersonView, telegram_id: int, register_id: int) -> None:
        try:
            card = await self._usecases.approvals.open_card(person, register_id)
        except DomainError as error:
            log.info("card of register %s for %s not sent: %s", register_id, person.code, error)
            return
        text, markup = keyboards.screen(card, person)
        sent = await self._call(
            telegram_id, "card", partial(self._send, telegram_id, text, markup)
        )
        if sent is not None:
            where = CardMessage(register_id, person.id, sent.chat.id, sent.message_id)
            await self._usecases.approvals.cards(where)

    async def _refresh(self, notice: Notice, i18n: I18n | None) -> None:
        """Edit every remembered card of the register except the actor's, for its owner."""
        for where in await self._usecases.approvals.cards.where(notice.register_id):
            if where.person_id == notice.person.id:
                continue
            # Cards live in private chats: the chat is the owner's Telegram account.
            owner = await self._usecases.identify(where.chat_id)
            if owner is None or owner.id != where.person_id:
                continue
            with _locale(i18n, owner), suppress(_Blocked):
                await self._refresh_one(owner, where)

    async def _refresh_one(self, owner: PersonView, where: CardMessage) -> None:
        try:
            card = await self._usecases.approvals.open_card(owner, where.register_id)
        except DomainError as error:
            log.info("card of register %s for %s not refreshed: %s",
                     where.register_id, owner.code, error)  # fmt: skip
            return
        text, markup = keyboards.screen(card, owner)
        edit = partial(self._editor.edit_at, self._bot, where.chat_id, where.message_id,
                       text, markup, card.version)  # fmt: skip
        await self._call(where.chat_id, "card refresh", edit)

    async def _send(
        self, telegram_id: int, text: str, markup: InlineKeyboardMarkup | None
    ) -> Message:
        return await self._bot.send_message(
            telegram_id, text, reply_markup=markup, parse_mode=ParseMode.HTML
        )

    async def _call(
        self, telegram_id: int, what: str, call: Callable[[], Awaitable[T]]
    ) -> T | None:
        """One Bot API call: waits out flood control (``retries`` times), remembers a
        person who blocked the bot (and raises ``_Blocked``), logs any other failure;
        None when not delivered."""
        for attempt in range(self._retries + 1):
            try:
                return await (self._pace(telegram_id, call) if self._pace else call())
            except TelegramRetryAfter as error:
                if attempt == self._retries:
                    log.warning("%s to user %s dropped: flood control", what, telegram_id)
                    return None
                await asyncio.sleep(error.retry_after)
            except TelegramForbiddenError:
                log.info("user %s blocked the bot: %s not delivered", telegram_id, what)
                await self._mark_blocked(telegram_id)
                raise _Blocked() from None
            except TelegramBadRequest as error:
                if "message is not modified" not in error.message:
                    log.warning("%s to user %s refused: %s", what, telegram_id, error.message)
                return None
            except TelegramAPIError as error:
                log.warning("%s to user %s failed: %s", what, telegram_id, error)
                return None
        return None

    async def _mark_blocked(self, telegram_id: int) -> None:
        try:
            await self._usecases.mark_blocked(telegram_id, blocked=True)
        except Exception:
            log.exception("could not mark user %s as blocked", telegram_id)

    @asynccontextmanager
    async def _register_lock(self, register_id: int) -> AsyncIterator[None]:
        """One delivery batch of a register at a time; the lock is dropped when nobody
        holds or waits for it."""
        lock, users = self._locks.get(register_id, (asyncio.Lock(), 0))
        self._locks[register_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[register_id]
            if users == 1:
                del self._locks[register_id]
            else:
                self._locks[register_id] = (lock, users - 1)


def _notice_text(notice: Notice) -> str | None:
    rid, context = notice.register_id, notice.context
    if notice.kind == "rejected":
        return texts.notice_rejected(rid, context, notice.items)
    if notice.kind == "approved":
        return texts.notice_approved(rid, context)
    if notice.kind == "rejected_all":
        return texts.notice_rejected_all(rid, context)
    if notice.kind == "returned":
        return texts.notice_returned(rid, context, notice.reason)
    if notice.kind == "withdrawn":
        return texts.notice_withdrawn(rid, context, notice.items)
    return None


def bitrix_text(notice: Notice) -> str | None:
    """The notice as short plain text for a Bitrix24 notification (None: nothing to say)."""
    if notice.kind == "card":
        ref = _("Реестр №{id}").format(id=notice.register_id)
        if notice.context is not None:
            ref = _("Реестр №{id} ({dc}, оплата {day})").format(
                id=notice.register_id, dc=notice.context.dc_name,
                day=f"{notice.context.payment_date:%d.%m.%Y}")  # fmt: skip
        return _("{ref} ждёт вашего согласования. Решения принимаются в Telegram-боте "
                 "Viza.").format(ref=ref)  # fmt: skip
    text = _notice_text(notice)
    return None if text is None else html.unescape(_TAG.sub("", text)).strip()


@contextmanager
def _locale(i18n: I18n | None, person: PersonView) -> Iterator[None]:
    """Texts in the recipient's language, not the actor's."""
    if i18n is None:
        yield
        return
    locale = person.language if person.language in i18n.available_locales else None
    with i18n.context(), i18n.use_locale(locale or i18n.default_locale):
        yield

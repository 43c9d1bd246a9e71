"""The Telegram side of the daily jobs: renders each person's message in their language and
sends it through the one outgoing channel (`bot.notifier.Notifier`, seen here as
`Outgoing`), many people at a time — the channel keeps Telegram's limits.

A digest's files are uploaded once and then sent by Telegram's file_id. A person Telegram
cannot reach (not linked, or the bot blocked) gets the text in Bitrix24 when it is
configured (``usecases.notify_bitrix``), without buttons or files.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, InputFile, Message
from aiogram.utils.i18n import I18n

from handlers import cutoff_keyboards as keyboards
from handlers import cutoff_views as views
from services.cutoff import Digest, MissedNotice, Reminder
from services.cutoff.ports import DigestFile
from services.ports import PersonView

log = logging.getLogger("viza.cutoff")
T = TypeVar("T")
Bitrix = Callable[[int, str], Awaitable[int | None]]
_TAG = re.compile(r"<[^>]+>")


class Outgoing(Protocol):
    """What the jobs need from the notifier. Each call returns None when the message could
    not be delivered (the person blocked the bot, or Telegram kept failing)."""

    async def send_message(
        self, chat_id: int, text: str, *, reply_markup: InlineKeyboardMarkup | None = None
    ) -> Message | None: ...

    async def send_document(
        self, chat_id: int, document: InputFile | str, *, caption: str | None = None
    ) -> Message | None: ...


class TelegramCutoffSender:
    """Implements `services.cutoff.CutoffSender`. ``concurrency`` bounds the people served
    at once; the pace itself is the notifier's."""

    def __init__(
        self, outgoing: Outgoing, i18n: I18n, concurrency: int = 40, bitrix: Bitrix | None = None
    ) -> None:
        self._out, self._i18n, self._concurrency = outgoing, i18n, concurrency
        self._bitrix = bitrix

    async def reminders(self, reminders: Sequence[Reminder]) -> int:
        return await self._each(reminders, lambda r: r.person, self._remind)

    async def missed(self, notices: Sequence[MissedNotice]) -> int:
        return await self._each(notices, lambda n: n.person, self._missed)

    async def digest(self, digest: Digest, recipients: Sequence[PersonView]) -> int:
        # Those on Telegram first: the text of the others goes to Bitrix24 (if configured).
        reachable = sorted(recipients, key=lambda p: p.telegram_user_id is None)
        uploaded: dict[str, str] = {}
        reached = 0
        # The first person who takes the files uploads them; the rest get them by file_id.
        for index, person in enumerate(reachable):
            if await self._digest_to(person, digest, uploaded):
                reached += 1
            if len(uploaded) == len(digest.files):
                rest = reachable[index + 1 :]
                return reached + await self._each(
                    rest, lambda p: p, lambda p: self._digest_to(p, digest, uploaded)
                )
        return reached

    # --- one person ------------------------------------------------------------------

    async def _remind(self, remind: Reminder) -> bool:
        text, markup = self._render(
            remind.person, lambda: (views.reminder(remind), keyboards.reminder(remind))
        )
        return await self._send(remind.person, text, markup) is not None

    async def _missed(self, notice: MissedNotice) -> bool:
        def render() -> list[tuple[str, InlineKeyboardMarkup | None]]:
            return [
                (text, keyboards.carry(chunk, notice.carry_to) if notice.can_carry else None)
                for text, chunk in views.missed(notice)
            ]

        delivered = False
        for text, markup in self._render(notice.person, render):
            delivered = await self._send(notice.person, text, markup) is not None or delivered
        return delivered

    async def _digest_to(
        self, person: PersonView, digest: Digest, uploaded: dict[str, str]
    ) -> bool:
        texts = self._render(person, lambda: views.digest(digest))
        delivered = False
        for text in texts:
            delivered = await self._send(person, text, None) is not None or delivered
        if not delivered:
            return False
        for file in digest.files:
            await self._document(person, file, uploaded)
        return True

    async def _document(
        self, person: PersonView, file: DigestFile, uploaded: dict[str, str]
    ) -> None:
        assert person.telegram_user_id is not None
        document: InputFile | str = uploaded.get(file.filename) or BufferedInputFile(
            file.data, filename=file.filename
        )
        sent = await self._out.send_document(
            person.telegram_user_id, document, caption=views.short(file.caption, 200)
        )
        if sent is not None and sent.document is not None:
            uploaded.setdefault(file.filename, sent.document.file_id)

    async def _send(
        self, person: PersonView, text: str, markup: InlineKeyboardMarkup | None
    ) -> Message | None:
        sent = None
        if person.telegram_user_id is not None:
            sent = await self._out.send_message(person.telegram_user_id, text, reply_markup=markup)
        if sent is None and self._bitrix is not None:
            queued = await self._bitrix(person.id, html.unescape(_TAG.sub("", text)))
            log.info("%s not reached in Telegram; Bitrix24: %s", person.code,
                     "queued" if queued is not None else "no Bitrix24 id")  # fmt: skip
        return sent

    # --- many people -----------------------------------------------------------------

    def _render(self, person: PersonView, render: Callable[[], T]) -> T:
        locale = person.language if person.language in self._i18n.available_locales else "ru"
        with self._i18n.context(), self._i18n.use_locale(locale):
            return render()

    async def _each(
        self,
        items: Sequence[T],
        person_of: Callable[[T], PersonView],
        send: Callable[[T], Awaitable[bool]],
    ) -> int:
        """Send to everyone at once (bounded); one person's failure never stops the rest."""
        gate = asyncio.Semaphore(self._concurrency)

        async def one(item: T) -> bool:
            async with gate:
                try:
                    return await send(item)
                except Exception:  # logged with the person; the others still get theirs
                    log.exception("could not send to %s", person_of(item).code)
                    return False

        results: list[Any] = await asyncio.gather(*(one(item) for item in items))
        return sum(1 for ok in results if ok)

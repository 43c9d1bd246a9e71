"""The tapping half of ``bench/pdf.py``: «🔄 Обновить» taps on a memo's card fed to a
dispatcher holding the memo router, the Bot API answered by a stub session.

Not a bench by itself (``make bench`` runs it and it only says what it is).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.pdf import Store


class Tapper:
    """Feeds «🔄 Обновить» taps on the memo's card to a dispatcher holding the memo
    router; a tap is answered when the handler calls answerCallbackQuery."""

    def __init__(self, bench: Store, parts: dict[str, Any]) -> None:
        self.bench, self.parts = bench, parts
        self.answered: asyncio.Event = asyncio.Event()

    @classmethod
    async def start(cls, bench: Store) -> Tapper:
        from aiogram import Bot, Dispatcher
        from aiogram.utils.i18n import I18n

        from bot.i18n import LOCALES
        from handlers import memos
        from services.linking import IdentifyUser
        from services.usecases import UseCases

        class Clock:
            def now(self) -> datetime:
                return datetime.now(UTC)

        usecases = UseCases.build(bench.uow, Clock(), invite_ttl_hours=24)
        person = await IdentifyUser(bench.uow)(500040)  # the author, Егоров
        dp = Dispatcher(usecases=usecases)
        dp.include_router(memos.router())
        tapper = cls(bench, {"dp": dp, "person": person, "i18n": I18n(path=LOCALES)})
        tapper.parts["bot"] = Bot("42:bench", session=_stub_session(tapper.answered))
        return tapper

    async def taps(self, count: int, until: asyncio.Future[Any] | None = None) -> list[float]:
        """Time ``count`` taps (at least; with ``until``, also until it is done)."""
        times: list[float] = []
        while len(times) < count or (until is not None and not until.done()):
            times.append(await self._tap(len(times)))
            await asyncio.sleep(0.01)
        return times

    async def _tap(self, n: int) -> float:
        from aiogram.types import CallbackQuery, Chat, Message, Update, User

        from handlers.memo_callbacks import CardVerb, MemoTap

        user = User(id=500040, is_bot=False, first_name="Константин")
        message = Message(message_id=7, date=datetime.now(UTC), text="card",
                          chat=Chat(id=500040, type="private"))  # fmt: skip
        data = MemoTap(verb=CardVerb.REFRESH, memo_id=self.bench.memo_id).pack()
        query = CallbackQuery(id=str(n), from_user=user, chat_instance="1", data=data,
                              message=message)  # fmt: skip
        update = Update(update_id=n, callback_query=query)
        self.answered.clear()
        started = time.perf_counter()
        with self.parts["i18n"].context():
            feed = asyncio.create_task(self.parts["dp"].feed_update(
                self.parts["bot"], update, person=self.parts["person"]))  # fmt: skip
            await self.answered.wait()
        took = time.perf_counter() - started
        await feed
        return took

    async def close(self) -> None:
        await self.parts["bot"].session.close()


def _stub_session(answered: asyncio.Event) -> Any:
    from aiogram.client.session.base import BaseSession
    from aiogram.methods import AnswerCallbackQuery

    class StubSession(BaseSession):
        """Answers every Bot API call with True; notes the callback answer."""

        async def make_request(self, bot: Any, method: Any, timeout: int | None = None) -> Any:  # noqa: ASYNC109
            if isinstance(method, AnswerCallbackQuery):
                answered.set()
            return True

        async def stream_content(self, *args: Any, **kwargs: Any) -> Any:
            raise NotImplementedError

        async def close(self) -> None:
            return None

    return StubSession()


if __name__ == "__main__":
    print("bench/pdf_taps.py: the tapping half of bench/pdf.py")

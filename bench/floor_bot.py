"""The floors of ``bench/approvals.py``: the least a bot can do for a tap. Long polling
against the Telegram emulator like the real bot (same aiogram defaults and the same HTTP
session); /start sends one message with a button. In mode ``answer`` any callback is only
answered; in mode ``edit`` it is answered and then its message is edited to show the page
the callback names (``e:<page>:<tap>``). In mode ``durable`` the tap is first stored, one
row in one transaction through SQLAlchemy's async Core on the given database (the stack
the brief prescribes, with Viza's SQLite settings: WAL, synchronous=NORMAL, one writer at
a time), then answered and shown like ``edit``. No middleware of ours, no ORM, no reads.

    python bench/floor_bot.py http://127.0.0.1:8081 123:floor-token answer|edit
    python bench/floor_bot.py http://127.0.0.1:8081 123:floor-token durable DATABASE_URL

Without arguments (``make bench`` runs every script here) it only says what it is.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.telegram_session import PinnedResponsesSession


async def started(message: Message) -> None:
    button = InlineKeyboardButton(text="Tap", callback_data="tap")
    await message.answer("floor", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]))


async def answered(query: CallbackQuery) -> None:
    await query.answer()


async def answered_and_shown(query: CallbackQuery) -> None:
    await query.answer()
    _, page, tap = str(query.data).split(":")
    if isinstance(query.message, Message):
        await query.message.edit_text(f"floor, tap {tap} · Стр. {int(page) + 1}/99")


TAPS = Table(
    "floor_tap", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("user_id", BigInteger, nullable=False),
    Column("data", String, nullable=False),
)  # fmt: skip


async def durable_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(url)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_settings)
    async with engine.begin() as connection:
        await connection.run_sync(TAPS.metadata.create_all)
    return engine


def _sqlite_settings(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def stored_answered_and_shown(engine: AsyncEngine) -> Callable[[CallbackQuery], Awaitable[None]]:
    one_writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    async def store(query: CallbackQuery) -> None:
        async with engine.begin() as connection:
            await connection.execute(
                TAPS.insert().values(user_id=query.from_user.id, data=str(query.data))
            )

    async def handler(query: CallbackQuery) -> None:
        if one_writer is None:
            await store(query)
        else:
            async with one_writer:
                await store(query)
        await answered_and_shown(query)

    return handler


async def main(api_server: str, token: str, mode: str, database_url: str = "") -> None:
    session = PinnedResponsesSession(api=TelegramAPIServer.from_base(api_server))
    bot = Bot(token, session=session)
    dp = Dispatcher()
    dp.message.register(started, CommandStart())
    if mode == "durable":
        engine = await durable_engine(database_url)
        dp.callback_query.register(stored_answered_and_shown(engine))
    else:
        dp.callback_query.register(answered_and_shown if mode == "edit" else answered)
    await bot.delete_webhook(drop_pending_updates=False)
    await dp.start_polling(bot)  # stops on SIGTERM / SIGINT


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        print("bench/floor_bot.py: the floor bots of bench/approvals.py, which starts them")
    else:
        asyncio.run(main(*sys.argv[1:]))

"""The floors of ``bench/approvals.py``: the least a bot can do for a tap. Long polling
against the Telegram emulator like the real bot (same aiogram defaults and the same HTTP
session); /start sends one message with a button. In mode ``answer`` any callback is only
answered; in mode ``edit`` it is answered and then its message is edited to show the page
the callback names (``e:<page>:<tap>``). No database, no middleware of ours.

    python bench/floor_bot.py http://127.0.0.1:8081 123:floor-token answer|edit

Without arguments (``make bench`` runs every script here) it only says what it is.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

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


async def main(api_server: str, token: str, mode: str) -> None:
    session = PinnedResponsesSession(api=TelegramAPIServer.from_base(api_server))
    bot = Bot(token, session=session)
    dp = Dispatcher()
    dp.message.register(started, CommandStart())
    dp.callback_query.register(answered_and_shown if mode == "edit" else answered)
    await bot.delete_webhook(drop_pending_updates=False)
    await dp.start_polling(bot)  # stops on SIGTERM / SIGINT


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print("bench/floor_bot.py: the floor bots of bench/approvals.py, which starts them")
    else:
        asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))

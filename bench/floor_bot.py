"""The floor of ``bench/approvals.py``: the least a bot can do for a tap. Long polling
against the Telegram emulator like the real bot (same aiogram defaults); /start sends one
message with a button; any callback is only answered. No database, no middleware of ours.

    python bench/floor_bot.py http://127.0.0.1:8081 123:floor-token

Without arguments (``make bench`` runs every script here) it only says what it is.
"""

from __future__ import annotations

import asyncio
import sys

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message


async def started(message: Message) -> None:
    button = InlineKeyboardButton(text="Tap", callback_data="tap")
    await message.answer("floor", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]))


async def tapped(query: CallbackQuery) -> None:
    await query.answer()


async def main(api_server: str, token: str) -> None:
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_server)))
    dp = Dispatcher()
    dp.message.register(started, CommandStart())
    dp.callback_query.register(tapped)
    await bot.delete_webhook(drop_pending_updates=False)
    await dp.start_polling(bot)  # stops on SIGTERM / SIGINT


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("bench/floor_bot.py: the floor bot of bench/approvals.py, which starts it")
    else:
        asyncio.run(main(sys.argv[1], sys.argv[2]))

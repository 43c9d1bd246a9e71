"""A real aiogram 3 bot against the emulator, unchanged but for the API server URL.

The only test module that imports aiogram (its import alone takes seconds here).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Message,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from sandbox.telegram.client import SandboxTelegramClient
from sandbox.telegram.server import TelegramEmulator
from tests.integration.sandbox_telegram.conftest import TOKEN

APPROVE = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Согласовать", callback_data="item:7:approve")]]
)


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.url))
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    yield bot
    await bot.session.close()


def approval_dispatcher() -> Dispatcher:
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        await message.answer(f"Привет! Код: <code>{command.args}</code>", reply_markup=APPROVE)

    @dispatcher.callback_query(F.data == "item:7:approve")
    async def approve(query: CallbackQuery) -> None:
        await query.answer("Готово")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Платёж №7 <b>согласован</b>")

    return dispatcher


async def test_a_polling_dispatcher_converses_with_a_user(
    bot: Bot, tg: SandboxTelegramClient
) -> None:
    dispatcher = approval_dispatcher()
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    anna = await tg.create_user("Анна")
    await anna.send_command("/start", payload="invite-42")
    greeting = await anna.wait_for_message(contains="Привет")
    assert greeting.html == "Привет! Код: <code>invite-42</code>"
    assert greeting.button("Согласовать").callback_data == "item:7:approve"
    answer = await anna.press(greeting.message_id, text="Согласовать")
    assert answer is not None and answer.text == "Готово"
    edited = await anna.wait_for_edit(greeting.message_id)
    assert (edited.text, edited.buttons) == ("Платёж №7 согласован", [])
    await dispatcher.stop_polling()
    await polling


async def test_a_webhook_dispatcher_gets_updates_with_its_secret(
    bot: Bot, tg: SandboxTelegramClient
) -> None:
    app = web.Application()
    SimpleRequestHandler(approval_dispatcher(), bot, secret_token="hook-secret").register(
        app, path="/webhook"
    )
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
    try:
        await bot.set_webhook(url, secret_token="hook-secret")
        anna = await tg.create_user("Анна")
        await anna.send_command("/start", payload="w")
        assert (await anna.wait_for_message()).text == "Привет! Код: w"
        info = await bot.get_webhook_info()
        assert (info.url, info.pending_update_count, info.last_error_message) == (url, 0, None)
        await bot.set_webhook(url, secret_token="wrong-secret")  # the handler now says 401
        await anna.send_text("lost?")
        await asyncio.sleep(0.3)
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 1
        assert info.last_error_message == "Wrong response from the webhook: 401 Unauthorized"
        await bot.delete_webhook()
    finally:
        await runner.cleanup()


async def test_aiogram_uploads_and_downloads_documents(
    bot: Bot, tg: SandboxTelegramClient
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_document("счёт.pdf", b"%PDF-1.4 user", caption="к оплате")
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    received = io.BytesIO()
    await bot.download(update.message.document, destination=received)
    assert received.getvalue() == b"%PDF-1.4 user"
    sent = await bot.send_document(anna.id, BufferedInputFile(b"a;b\n", filename="реестр.csv"))
    assert sent.document is not None and sent.document.file_name == "реестр.csv"
    shown = await anna.last_message()
    assert shown is not None and shown.document is not None
    assert await tg.download(shown.document.url) == b"a;b\n"


async def test_aiogram_raises_its_exceptions_for_telegrams_refusals(
    bot: Bot, tg: SandboxTelegramClient
) -> None:
    anna = await tg.create_user("Анна")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(anna.id, "hi")
    await anna.send_text("hi")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(anna.id, "x" * 4097)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(anna.id, "1 < 2")
    message = await bot.send_message(anna.id, "same", reply_markup=APPROVE)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("same", chat_id=anna.id, message_id=message.message_id,
                                    reply_markup=APPROVE)  # fmt: skip
    await tg.set_flood_control(True, per_chat_burst=1)
    await bot.send_message(anna.id, "one")
    with pytest.raises(TelegramRetryAfter) as flood:
        await bot.send_message(anna.id, "two")
    assert flood.value.retry_after == 1


async def test_commands_and_menu_button_calls_are_accepted(bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Начать")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    me = await bot.get_me()
    assert (me.id, me.is_bot) == (123456, True)

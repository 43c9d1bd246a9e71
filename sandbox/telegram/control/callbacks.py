"""Control API: press inline buttons and read the bot's callback answers."""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

from sandbox.telegram.control.common import (
    acting_user,
    bot_of,
    emulator_of,
    float_query,
    int_arg,
    json_body,
)
from sandbox.telegram.conversation import press_button
from sandbox.telegram.errors import ControlError
from sandbox.telegram.model import CallbackQueryRecord, StoredMessage
from sandbox.telegram.views import callback_view


async def press(request: web.Request) -> web.Response:
    """Press a button of a bot message, found by its text or callback_data; with
    "crafted": true the callback_data is sent as given, button or not."""
    body = await json_body(request)
    emulator, bot, user = emulator_of(request), bot_of(request), acting_user(request)
    message_id = int_arg(str(body.get("message_id")), "message_id")
    message = bot.chat(user.id).messages.get(message_id)
    if message is None:
        raise ControlError(404, f"message {message_id} is not in the chat of user {user.id}")
    data = _callback_data(message, body)
    record, update_id = press_button(emulator, bot, user, message, data)
    return web.json_response(
        {"callback_query_id": record.id, "update_id": update_id, "data": data, "seq": emulator.seq}
    )


def _callback_data(message: StoredMessage, body: dict[str, object]) -> str:
    text, data = body.get("text"), body.get("callback_data")
    if body.get("crafted") is True and isinstance(data, str):
        return data
    if text is None and data is None:
        raise ControlError(400, "give the button's text or callback_data")
    buttons = message.inline_keyboard.buttons() if message.inline_keyboard else []
    found = [b for b in buttons if text is None or b.text == text]
    found = [b for b in found if data is None or b.callback_data == data]
    if not found:
        shown = [(b.text, b.callback_data) for b in buttons]
        raise ControlError(
            404,
            f"message {message.message_id} has no such button (text={text!r}, "
            f"callback_data={data!r}); buttons: {shown}; "
            "pass crafted=true to send made-up callback_data",
        )
    button_data = found[0].callback_data
    if button_data is None:
        raise ControlError(409, f"button {found[0].text!r} is not a callback button")
    return button_data


def _find_record(request: web.Request, query_id: str) -> CallbackQueryRecord:
    for bot in emulator_of(request).bots.values():
        if query_id in bot.callbacks:
            return bot.callbacks[query_id]
    raise ControlError(404, f"unknown callback query {query_id}")


async def get_callback(request: web.Request) -> web.Response:
    """A callback query and its answer; ?wait=S waits up to S seconds for the answer."""
    record = _find_record(request, request.match_info["callback_id"])
    wait = float_query(request, "wait")
    if wait > 0 and not record.answered.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(record.answered.wait(), wait)
    return web.json_response(callback_view(record))


async def list_callbacks(request: web.Request) -> web.Response:
    chat = bot_of(request).chat(acting_user(request).id)
    return web.json_response([callback_view(record) for record in chat.callbacks])

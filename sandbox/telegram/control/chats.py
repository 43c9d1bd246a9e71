"""Control API: a chat as its user sees it (long-polled), and file downloads."""

from __future__ import annotations

import time

from aiohttp import web

from sandbox.telegram.commands import commands_for
from sandbox.telegram.control.common import (
    bot_of,
    emulator_of,
    file_url,
    float_query,
    int_arg,
    path_user_id,
)
from sandbox.telegram.errors import ControlError
from sandbox.telegram.responses import file_response
from sandbox.telegram.views import chat_view


async def get_chat(request: web.Request) -> web.Response:
    """The chat; with ?since=SEQ&wait=S it first waits up to S seconds for a change
    newer than SEQ (the chat's `seq` of an earlier read)."""
    emulator, bot = emulator_of(request), bot_of(request)
    user = emulator.user(path_user_id(request))
    wait = float_query(request, "wait")
    since = request.query.get("since")
    if since is not None and wait > 0:
        after = int_arg(since, "since")
        deadline = time.monotonic() + wait
        while bot.chat(user.id).seq <= after and (left := deadline - time.monotonic()) > 0:
            await bot.chat(user.id).signal.wait(left)
    chat = bot.chat(user.id)
    view = chat_view(bot, user, chat, commands_for(bot, user), file_url(request))
    return web.json_response(view)


async def get_file(request: web.Request) -> web.Response:
    stored = emulator_of(request).files.by_id(request.match_info["file_id"])
    if stored is None:
        raise ControlError(404, "unknown file")
    return file_response(stored, as_attachment=True)

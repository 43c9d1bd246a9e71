"""HTTP face of the Bot API: /bot<token>/<method> and /file/bot<token>/<file_path>."""

from __future__ import annotations

from aiohttp import web

from sandbox.telegram.botapi.dispatch import execute
from sandbox.telegram.errors import ApiError, not_found, unauthorized
from sandbox.telegram.keys import EMULATOR_KEY
from sandbox.telegram.params import read_params
from sandbox.telegram.responses import file_response


async def handle_method(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    method = request.match_info["method"]
    bot = emulator.bot_for_token(request.match_info["token"])
    if bot is None:
        error = unauthorized()
        emulator.calls.record(None, method, {}, error)
        return web.json_response(error.to_body(), status=error.error_code)
    try:
        params = await read_params(request)
    except ApiError as error:
        emulator.calls.record(bot.id, method, {}, error)
        return web.json_response(error.to_body(), status=error.error_code)
    status, body = await execute(emulator, bot, method, params)
    return web.json_response(body, status=status)


async def handle_file(request: web.Request) -> web.Response:
    emulator = request.app[EMULATOR_KEY]
    bot = emulator.bot_for_token(request.match_info["token"])
    stored = emulator.files.by_path(request.match_info["path"]) if bot else None
    if stored is None:
        return web.json_response(not_found().to_body(), status=404)
    return file_response(stored)


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", r"/bot{token}/{method}", handle_method)
    app.router.add_route("GET", r"/file/bot{token}/{path:.+}", handle_file)

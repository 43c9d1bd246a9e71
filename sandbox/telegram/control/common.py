"""Plumbing of the control API: JSON bodies, path and query arguments, errors, CORS."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox.telegram.errors import ApiError, ControlError
from sandbox.telegram.files import StoredFile
from sandbox.telegram.keys import EMULATOR_KEY
from sandbox.telegram.model import UserProfile
from sandbox.telegram.state import BotState, Emulator

PREFIX = "/sandbox"
MAX_WAIT = 60.0
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
}


def emulator_of(request: web.Request) -> Emulator:
    return request.app[EMULATOR_KEY]


def bot_of(request: web.Request) -> BotState:
    """The bot named by ?bot=<token|id|username>, or the only one."""
    return emulator_of(request).find_bot(request.query.get("bot"))


def int_arg(value: str | None, name: str) -> int:
    try:
        return int(value or "")
    except ValueError as error:
        raise ControlError(400, f"{name} must be an integer") from error


def float_query(request: web.Request, name: str, default: float = 0.0) -> float:
    try:
        value = float(request.query.get(name, default))
    except ValueError as error:
        raise ControlError(400, f"{name} must be a number") from error
    return min(max(value, 0.0), MAX_WAIT)


def path_user_id(request: web.Request) -> int:
    return int_arg(request.match_info["user_id"], "user_id")


def acting_user(request: web.Request) -> UserProfile:
    """The user of the path, registered with defaults if the caller never defined it."""
    return emulator_of(request).ensure_user(path_user_id(request))


async def json_body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except json.JSONDecodeError as error:
        raise ControlError(400, "the body must be a JSON object") from error
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body


def file_url(request: web.Request) -> Callable[[StoredFile], str]:
    base = f"{request.scheme}://{request.host}{PREFIX}/files/"
    return lambda stored: base + stored.file_id


@web.middleware
async def control_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """JSON errors and permissive CORS for /sandbox/... (the sandbox page may live
    on another port)."""
    if not request.path.startswith(PREFIX):
        return await handler(request)
    if request.method == "OPTIONS":
        return web.Response(status=204, headers=_CORS)
    try:
        response = await handler(request)
    except ControlError as error:
        response = web.json_response({"error": error.message}, status=error.status)
    except ApiError as error:  # a Bot API rule the user side also obeys (e.g. bad parameters)
        response = web.json_response({"error": error.description}, status=400)
    response.headers.update(_CORS)
    return response

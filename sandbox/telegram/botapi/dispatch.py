"""One Bot API call from name and parameters to response: method lookup, injected faults,
flood control, the handler, and the call log. Used by the HTTP routes and for methods a
webhook answers with.
"""

from __future__ import annotations

import logging
from typing import Any

from sandbox.telegram.botapi import delivery, media, messages, misc
from sandbox.telegram.botapi.context import CallContext, Described, MethodSpec, parse_chat_id
from sandbox.telegram.errors import ApiError, not_found
from sandbox.telegram.params import Params
from sandbox.telegram.state import BotState, Emulator

METHODS: dict[str, MethodSpec] = {
    **messages.METHODS,
    **media.METHODS,
    **delivery.METHODS,
    **misc.METHODS,
}
logger = logging.getLogger(__name__)


async def execute(
    emulator: Emulator, bot: BotState, method: str, params: Params
) -> tuple[int, dict[str, Any]]:
    """Run `method` for `bot`; returns the HTTP status and the Bot API response body."""
    error: ApiError | None = None
    try:
        result = await _run(emulator, bot, method, params)
    except ApiError as api_error:
        error = api_error
    except Exception:
        logger.exception("Bot API emulator failed on %s", method)
        error = ApiError(500, "Internal Server Error")
    emulator.calls.record(bot.id, method, params.loggable(), error)
    if error is not None:
        return error.error_code, error.to_body()
    if isinstance(result, Described):
        return 200, {"ok": True, "result": result.value, "description": result.description}
    return 200, {"ok": True, "result": result}


async def _run(emulator: Emulator, bot: BotState, method: str, params: Params) -> object:
    spec = METHODS.get(method.lower())
    if spec is None:
        raise not_found()
    chat_id = parse_chat_id(params)
    fault = emulator.faults.take(method, chat_id)
    if fault is not None:
        raise fault
    if spec.sends:
        emulator.flood.check(bot.id, chat_id)
    return await spec.handler(CallContext(emulator, bot, params))

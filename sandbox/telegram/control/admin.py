"""Control API: health, bots, reset, flood control, the call log, faults, raw updates."""

from __future__ import annotations

from aiohttp import web

from sandbox.telegram.calls import Fault
from sandbox.telegram.control.common import bot_of, emulator_of, int_arg, json_body
from sandbox.telegram.errors import ControlError
from sandbox.telegram.views import bot_view


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "bots": len(emulator_of(request).bots)})


async def list_bots(request: web.Request) -> web.Response:
    return web.json_response([bot_view(bot) for bot in emulator_of(request).bots.values()])


async def reset(request: web.Request) -> web.Response:
    body = await json_body(request)
    emulator_of(request).reset(full=body.get("full") is True)
    return web.json_response({"ok": True})


async def get_flood(request: web.Request) -> web.Response:
    return web.json_response(emulator_of(request).flood.settings.to_json())


async def set_flood(request: web.Request) -> web.Response:
    """Change some flood settings (enabled, per_chat_rate, per_chat_burst, global_rate,
    global_burst); the buckets start full again."""
    flood = emulator_of(request).flood
    try:
        settings = flood.settings.updated(await json_body(request))
    except (TypeError, ValueError) as error:
        raise ControlError(400, str(error)) from error
    flood.configure(settings)
    return web.json_response(settings.to_json())


async def list_calls(request: web.Request) -> web.Response:
    """Bot API calls after ?since=SEQ, of ?method=NAME, of ?bot=..., oldest first."""
    emulator = emulator_of(request)
    since = int_arg(request.query.get("since", "0"), "since")
    bot_id = bot_of(request).id if request.query.get("bot") else None
    calls = emulator.calls.select(request.query.get("method"), since, bot_id)
    last = calls[-1].seq if calls else since
    return web.json_response({"calls": [call.to_json() for call in calls], "last_seq": last})


async def clear_calls(request: web.Request) -> web.Response:
    emulator_of(request).calls.clear()
    return web.json_response({"ok": True})


async def add_fault(request: web.Request) -> web.Response:
    body = await json_body(request)
    try:
        fault = Fault(**body)
    except TypeError as error:
        raise ControlError(400, f"bad fault: {error}") from error
    if not isinstance(fault.method, str) or not isinstance(fault.error_code, int):
        raise ControlError(400, "a fault needs a method name and an integer error_code")
    emulator_of(request).faults.add(fault)
    return web.json_response(fault.to_json())


async def list_faults(request: web.Request) -> web.Response:
    return web.json_response([fault.to_json() for fault in emulator_of(request).faults.faults])


async def clear_faults(request: web.Request) -> web.Response:
    emulator_of(request).faults.clear()
    return web.json_response({"ok": True})


async def push_update(request: web.Request) -> web.Response:
    """Deliver a hand-made update: {"type": "edited_message", "payload": {...}}."""
    body = await json_body(request)
    kind, payload = body.get("type"), body.get("payload")
    if not isinstance(kind, str) or not isinstance(payload, dict):
        raise ControlError(400, 'give "type" (a string) and "payload" (an object)')
    update_id = bot_of(request).updates.push(kind, payload)
    return web.json_response({"update_id": update_id})

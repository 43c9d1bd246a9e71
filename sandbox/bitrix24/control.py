"""The test-facing ``/sandbox/...`` JSON API: read state, seed the org, switch faults.

=======================  ==========================================================
``GET /sandbox/state``   everything (files with ``content_base64``)
``GET /sandbox/users``   also ``departments``, ``items`` (``?entityTypeId=``),
                         ``item-history``, ``comments``, ``tasks``, ``files``,
                         ``notifications`` (``?user_id=``), ``calls``
``DELETE /sandbox/calls`` empty the call log
``POST /sandbox/seed``   ``{"users": [...], "departments": [...], "replace": false}``
``POST /sandbox/faults`` a fault spec; ``GET`` lists, ``DELETE`` clears them all
``POST /sandbox/config`` ``{"bucket_burst": 5, "bucket_drain": 10, "operating_window":
                         1, "operating_limit": 480}`` (resets the limit counters)
``POST /sandbox/operating`` ``{"method": "user.get"}``: block it until its window resets
``POST /sandbox/reset``  forget all data, calls and faults
``GET /sandbox/disk/download/{id}`` a Disk file's bytes (its ``DOWNLOAD_URL``)
=======================  ==========================================================
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from .params import as_bool, as_int, as_list
from .state import Record, State

if TYPE_CHECKING:
    from .server import Bitrix24Emulator

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda v: json.dumps(v, default=str))


def _file(obj: Record) -> Record:
    out = {key: value for key, value in obj.items() if key != "CONTENT"}
    out["content_base64"] = base64.b64encode(obj["CONTENT"]).decode()
    return out


def _files(state: State) -> list[Record]:
    return [_file(obj) for obj in state.disk.values() if obj["TYPE"] == "file"]


def dump(state: State) -> dict[str, Any]:
    """The whole state as JSON-able data."""
    folders = [obj for obj in state.disk.values() if obj["TYPE"] == "folder"]
    return {
        "users": list(state.users.values()),
        "departments": list(state.departments.values()),
        "items": list(state.items.values()),
        "item_history": state.item_history,
        "comments": state.comments,
        "tasks": list(state.tasks.values()),
        "storages": list(state.storages.values()),
        "folders": folders,
        "files": _files(state),
        "notifications": state.notifications,
        "calls": state.calls,
    }


def normalise_user(raw: Record) -> Record:
    user: Record = {
        "NAME": "",
        "LAST_NAME": "",
        "SECOND_NAME": "",
        "EMAIL": "",
        "PERSONAL_MOBILE": "",
        "WORK_PHONE": "",
        "WORK_POSITION": "",
        "USER_TYPE": "employee",
    }
    user.update(raw)
    user["ID"] = str(raw["ID"])
    user["ACTIVE"] = as_bool(raw.get("ACTIVE", True))
    user["UF_DEPARTMENT"] = [as_int(d) for d in as_list(raw.get("UF_DEPARTMENT"))]
    return user


def normalise_department(raw: Record) -> Record:
    department: Record = {"ID": str(raw["ID"]), "NAME": str(raw.get("NAME", ""))}
    department["SORT"] = as_int(raw.get("SORT"), 500)
    for key in ("PARENT", "UF_HEAD"):
        if raw.get(key) not in (None, ""):
            department[key] = str(raw[key])
    return department


def seed(state: State, body: Record) -> dict[str, int]:
    """Add (or, with ``replace``, replace) users and departments; ids are kept."""
    if as_bool(body.get("replace", False)):
        state.users.clear()
        state.departments.clear()
    for raw in body.get("users", []):
        state.users[int(raw["ID"])] = normalise_user(raw)
    for raw in body.get("departments", []):
        state.departments[int(raw["ID"])] = normalise_department(raw)
    return {"users": len(state.users), "departments": len(state.departments)}


def _readers(emu: Bitrix24Emulator) -> dict[str, Callable[[web.Request], Any]]:
    def state() -> State:
        return emu.portal.state

    def items(request: web.Request) -> Any:
        wanted = as_int(request.query.get("entityTypeId"))
        return [i for i in state().items.values() if wanted in (None, i["entityTypeId"])]

    def notifications(request: web.Request) -> Any:
        wanted = as_int(request.query.get("user_id"))
        return [n for n in state().notifications if wanted in (None, n["USER_ID"])]

    return {
        "state": lambda r: dump(state()),
        "users": lambda r: list(state().users.values()),
        "departments": lambda r: list(state().departments.values()),
        "items": items,
        "item-history": lambda r: state().item_history,
        "comments": lambda r: state().comments,
        "tasks": lambda r: list(state().tasks.values()),
        "files": lambda r: _files(state()),
        "notifications": notifications,
        "calls": lambda r: state().calls,
        "faults": lambda r: emu.faults.listing(),
    }


def add_control_routes(app: web.Application, emu: Bitrix24Emulator) -> None:
    for name, reader in _readers(emu).items():
        app.router.add_get(f"/sandbox/{name}", _reader(reader))
    handlers: dict[tuple[str, str], Route] = {
        ("POST", "seed"): _writer(lambda body: seed(emu.portal.state, body)),
        ("POST", "faults"): _writer(lambda body: emu.faults.add(body).as_dict()),
        ("DELETE", "faults"): _writer(lambda body: emu.faults.clear()),
        ("DELETE", "calls"): _writer(lambda body: emu.portal.state.calls.clear()),
        ("POST", "config"): _writer(lambda body: _configure(emu, body)),
        ("POST", "operating"): _writer(lambda body: {"reset_at": emu.portal.meter.block(
            str(body["method"]).lower())}),
        ("POST", "reset"): _writer(lambda body: _reset(emu)),
    }  # fmt: skip
    for (verb, name), handler in handlers.items():
        app.router.add_route(verb, f"/sandbox/{name}", handler)
    app.router.add_get("/sandbox/disk/download/{id}", _download(emu))


def _configure(emu: Bitrix24Emulator, body: Record) -> Record:
    emu.portal.reconfigure(body)
    return dict(vars(emu.config))


def _reset(emu: Bitrix24Emulator) -> None:
    emu.portal.reset()
    emu.faults.clear()


def _reader(reader: Callable[[web.Request], Any]) -> Route:
    async def handle(request: web.Request) -> web.StreamResponse:
        return _json(reader(request))

    return handle


def _writer(action: Callable[[Record], Any]) -> Route:
    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.json() if request.can_read_body else {}
        try:
            result = action(body if isinstance(body, dict) else {})
        except (ValueError, KeyError, TypeError) as exc:
            return _json({"error": type(exc).__name__, "error_description": str(exc)}, 400)
        return _json({"ok": True} if result is None else result)

    return handle


def _download(emu: Bitrix24Emulator) -> Route:
    async def handle(request: web.Request) -> web.StreamResponse:
        obj = emu.portal.state.disk.get(as_int(request.match_info["id"], 0) or 0)
        if obj is None or obj["TYPE"] != "file":
            raise web.HTTPNotFound()
        disposition = f"attachment; filename*=UTF-8''{quote(obj['NAME'])}"
        return web.Response(body=obj["CONTENT"], headers={"Content-Disposition": disposition})

    return handle

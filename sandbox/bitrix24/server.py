"""The Bitrix24 REST emulator: an aiohttp server on ``/rest/{user}/{secret}/{method}``.

Each request goes through the stages of the real portal in order: outage faults, redirect
faults, the webhook check (401 INVALID_CREDENTIALS), the leaky bucket (503
QUERY_LIMIT_EXCEEDED), switched-on faults, the method itself (with its operating meter), and
``after`` faults. Every request is appended to the call log with its arrival time.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

from .control import add_control_routes, seed
from .faults import Fault, FaultBook
from .params import BadParams, read_params
from .portal import EmulatorConfig, Portal
from .protocol import (
    RestError,
    error_response,
    invalid_credentials,
    json_response,
    no_auth_found,
    query_limit_exceeded,
    success_body,
)
from .state import CallContext

_OUTAGE_PAGE = "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"
Outcome = tuple[web.StreamResponse, str | None, list[dict[str, Any]]]


class _Dropped(Exception):
    """The connection was closed on purpose; there is no answer to log."""


class Bitrix24Emulator:
    """One emulated portal; ``await start()`` returns the bound port (``port=0``: any free)."""

    def __init__(
        self, config: EmulatorConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.config = config or EmulatorConfig()
        self.portal = Portal(self.config)
        self.faults = FaultBook()
        self.host = host
        self.port = port
        self.app = web.Application(client_max_size=256 * 1024 * 1024)
        for pattern in (
            "/rest/{user}/{secret}/{method}",
            "/{prefix}/rest/{user}/{secret}/{method}",
        ):
            self.app.router.add_route("*", pattern, self._rest)
        self.app.router.add_route("*", "/rest/{method}", self._no_auth)
        add_control_routes(self.app, self)
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/rest/{self.config.user_id}/{self.config.secret}/"

    async def start(self) -> int:
        self._runner = web.AppRunner(
            self.app, handler_cancellation=True, shutdown_timeout=0.5, access_log=None
        )
        await self._runner.setup()
        await self.resume()
        return self.port

    async def resume(self) -> None:
        """(Re)open the listening socket on the same port."""
        assert self._runner is not None, "start() first"
        self._site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await self._site.start()
        if self.port == 0:
            self.port = int(self._runner.addresses[-1][1])

    async def pause(self) -> None:
        """Go away: drop open connections and refuse new ones until :meth:`resume`."""
        if self._site is not None:
            await self._site.stop()
            self._site = None
        server = self._runner.server if self._runner is not None else None
        for connection in server.connections if server is not None else []:
            connection.force_close()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self._site = None

    async def __aenter__(self) -> Bitrix24Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _no_auth(self, request: web.Request) -> web.StreamResponse:
        return error_response(no_auth_found())

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"].lower().removesuffix(".json")
        prefix = request.match_info.get("prefix", "")
        entry: dict[str, Any] = {"t": time.time(), "method": method, "prefix": prefix}
        try:
            response, error, log = await self._pipeline(request, method, prefix)
        except _Dropped:
            self._log(entry, 0, "CONNECTION_CLOSED", [])
            return web.Response(status=503)  # never reaches the aborted connection
        except asyncio.CancelledError:
            self._log(entry, 0, "CLIENT_GONE", [])
            raise
        self._log(entry, response.status, error, log)
        return response

    def _log(self, entry: dict[str, Any], status: int, error: str | None, log: list[Any]) -> None:
        calls = self.portal.state.calls
        entry.update(seq=len(calls) + 1, status=status, error=error)
        entry["duration"] = time.time() - entry["t"]
        if entry["method"] == "batch":
            entry["commands"] = log
        calls.append(entry)

    async def _pipeline(self, request: web.Request, method: str, prefix: str) -> Outcome:
        early = self._outage(request, method) or self._redirect(request, method, prefix)
        if early is not None:
            return early, None, []
        if request.match_info["user"] != str(self.config.user_id) or (
            request.match_info["secret"] != self.config.secret
        ):
            return _failed(invalid_credentials())
        if not self.portal.bucket.admit():
            return _failed(query_limit_exceeded())
        forced = await self._stage_fault(method, "before")
        if forced is not None:
            return _failed(forced)
        return await self._run(request, method)

    async def _run(self, request: web.Request, method: str) -> Outcome:
        try:
            params = await read_params(request)
        except BadParams as exc:
            return _failed(RestError("ERROR_ARGUMENT", str(exc)))
        ctx = CallContext(self.config.user_id, f"{request.scheme}://{request.host}", time.time())
        log: list[dict[str, Any]] = []
        error: str | None
        try:
            outcome, timing = self.portal.execute(method, params, ctx, log)
        except RestError as exc:
            response, error = error_response(exc), exc.code
        else:
            response, error = json_response(success_body(outcome, timing)), None
        forced = await self._stage_fault(method, "after")
        if forced is not None:
            return error_response(forced), forced.code, log
        return response, error, log

    async def _stage_fault(self, method: str, stage: str) -> RestError | None:
        fault = self.faults.take({"error", "delay"}, method, stage)
        if fault is None:
            return None
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
            return None
        return RestError(fault.error, fault.description, fault.status or 500)

    def _outage(self, request: web.Request, method: str) -> web.StreamResponse | None:
        fault = self.faults.take({"down"}, method)
        if fault is None:
            return None
        if fault.mode == "close":
            if request.transport is not None:
                request.transport.abort()
            raise _Dropped
        return web.Response(status=503, text=_OUTAGE_PAGE, content_type="text/html")

    def _redirect(
        self, request: web.Request, method: str, prefix: str
    ) -> web.StreamResponse | None:
        fault = self.faults.peek({"redirect"}, method)
        if fault is None:
            return None
        base = f"{request.scheme}://{request.host}"
        target = fault.to if fault.to.startswith("http") else base + "/" + fault.to.strip("/")
        current = base + (f"/{prefix}" if prefix else "")
        if target.rstrip("/") == current:
            return None
        self.faults.take({"redirect"}, method)
        tail = request.path_qs.split("/rest/", 1)[1]
        return web.Response(
            status=fault.status or 302, headers={"Location": f"{target}/rest/{tail}"}
        )

    def seed(
        self,
        users: list[dict[str, Any]] | None = None,
        departments: list[dict[str, Any]] | None = None,
        *,
        replace: bool = False,
    ) -> None:
        """Add users and departments (Bitrix24 shapes: ``ID``, ``NAME``, ``UF_DEPARTMENT``...)."""
        body = {"users": users or [], "departments": departments or [], "replace": replace}
        seed(self.portal.state, body)

    def add_fault(self, spec: dict[str, Any]) -> Fault:
        """Switch on a fault (see :mod:`sandbox.bitrix24.faults`)."""
        return self.faults.add(spec)


def _failed(error: RestError) -> Outcome:
    return error_response(error), error.code, []

"""HTTP session of `SandboxTelegramClient` and the emulator-wide controls."""

from __future__ import annotations

import asyncio
import json
from types import TracebackType
from typing import Any, Self

from aiohttp import ClientSession, ClientTimeout

from sandbox.telegram.client_types import ApiCall, Attachment, BotInfo, FloodSettings, SandboxError


class ControlApiSession:
    """HTTP plumbing of the client and the emulator-wide controls (reset, flood control,
    call log, faults); `bot` picks the bot (token, id or username) when the emulator
    serves several, `timeout` is the default for waits."""

    def __init__(
        self,
        base_url: str,
        *,
        bot: str | None = None,
        timeout: float = 5.0,
        session: ClientSession | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.bot = bot
        self.timeout = timeout
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
        self._session = None

    def _http(self) -> ClientSession:
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=None))
        return self._session

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the control API; its JSON answer, or `SandboxError` for a refusal."""
        query = {"bot": self.bot} if self.bot else {}
        query.update(kwargs.pop("params", {}))
        url = f"{self.base_url}/sandbox{path}"
        async with self._http().request(method, url, params=query, **kwargs) as response:
            text = await response.text()
            try:
                body = json.loads(text) if text else None
            except ValueError:
                body = text
            if response.status >= 400:
                message = body.get("error") if isinstance(body, dict) else None
                raise SandboxError(response.status, str(message or body))
            return body

    async def download(self, file: str | Attachment) -> bytes:
        """The bytes behind an attachment or its `url`."""
        url = file.url if isinstance(file, Attachment) else file
        if url.startswith("/"):
            url = self.base_url + url
        async with self._http().get(url) as response:
            if response.status != 200:
                raise SandboxError(response.status, await response.text())
            return await response.read()

    # The emulator --------------------------------------------------------------------

    async def reset(self, *, full: bool = False) -> None:
        await self._request("POST", "/reset", json={"full": full})

    async def set_flood_control(
        self,
        enabled: bool | None = None,
        *,
        per_chat_rate: float | None = None,
        per_chat_burst: int | None = None,
        global_rate: float | None = None,
        global_burst: int | None = None,
    ) -> FloodSettings:
        changes = {
            "enabled": enabled, "per_chat_rate": per_chat_rate, "per_chat_burst": per_chat_burst,
            "global_rate": global_rate, "global_burst": global_burst,
        }  # fmt: skip
        payload = {key: value for key, value in changes.items() if value is not None}
        return FloodSettings(**await self._request("PUT", "/flood", json=payload))

    async def flood_control(self) -> FloodSettings:
        return FloodSettings(**await self._request("GET", "/flood"))

    async def calls(self, method: str | None = None, *, since: int = 0) -> list[ApiCall]:
        """Bot API calls the emulator received (after call seq `since`), oldest first."""
        params = {"since": str(since), **({"method": method} if method else {})}
        body = await self._request("GET", "/calls", params=params)
        return [ApiCall(**item) for item in body["calls"]]

    async def clear_calls(self) -> None:
        await self._request("DELETE", "/calls")

    async def inject_fault(
        self,
        method: str,
        *,
        error_code: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next `times` calls of `method` ("*": any) fail with this error."""
        fault = {
            "method": method, "error_code": error_code, "description": description,
            "retry_after": retry_after, "times": times, "chat_id": chat_id,
        }  # fmt: skip
        await self._request("POST", "/faults", json=fault)

    async def clear_faults(self) -> None:
        await self._request("DELETE", "/faults")

    async def bots(self) -> list[BotInfo]:
        return [BotInfo.parse(item) for item in await self._request("GET", "/bots")]

    async def push_update(self, update_type: str, payload: dict[str, Any]) -> int:
        """Deliver a hand-made update of `update_type` to the bot; returns its id."""
        body = await self._request(
            "POST", "/updates", json={"type": update_type, "payload": payload}
        )
        return int(body["update_id"])

    async def wait_until_ready(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait for a freshly started emulator process to answer."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            try:
                await self._request("GET", "/health")
                return
            except OSError:
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.05)

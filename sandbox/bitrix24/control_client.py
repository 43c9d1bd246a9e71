"""A small async client of the emulator's ``/sandbox/...`` API, for tests in any process."""

from __future__ import annotations

from typing import Any

import aiohttp


class Bitrix24Control:
    """Talks to ``/sandbox/...`` of an emulator at ``base_url`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._own = session is None

    async def __aenter__(self) -> Bitrix24Control:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own and self._session is not None:
            await self._session.close()
            self._session = None

    async def _request(self, verb: str, name: str, body: Any = None, **query: Any) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        url = f"{self.base_url}/sandbox/{name}"
        params = {k: str(v) for k, v in query.items() if v is not None}
        async with self._session.request(verb, url, json=body, params=params) as response:
            payload = await response.json()
            if response.status >= 400:
                raise RuntimeError(f"{verb} {url}: {response.status} {payload}")
            return payload

    async def get(self, name: str, **query: Any) -> Any:
        """``name``: state, users, departments, items, item-history, comments, tasks, files,
        notifications, calls, faults."""
        return await self._request("GET", name, **query)

    async def seed(
        self, users: list[dict[str, Any]] | None = None,
        departments: list[dict[str, Any]] | None = None, replace: bool = False,
    ) -> Any:  # fmt: skip
        body = {"users": users or [], "departments": departments or [], "replace": replace}
        return await self._request("POST", "seed", body)

    async def add_fault(self, **spec: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self._request("POST", "faults", spec)
        return result

    async def clear_faults(self) -> None:
        await self._request("DELETE", "faults")

    async def configure(self, **changes: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self._request("POST", "config", changes)
        return result

    async def block_method(self, method: str) -> int:
        """Push ``method`` over its operating limit; returns ``operating_reset_at``."""
        result = await self._request("POST", "operating", {"method": method})
        return int(result["reset_at"])

    async def calls(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._request("GET", "calls")
        return result

    async def clear_calls(self) -> None:
        await self._request("DELETE", "calls")

    async def reset(self) -> None:
        await self._request("POST", "reset")

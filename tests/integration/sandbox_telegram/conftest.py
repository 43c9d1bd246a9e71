"""Fixtures: a fresh emulator per test on an ephemeral port, the control client, and a
raw Bot API caller that speaks like aiogram (multipart form, nested values as JSON)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from sandbox.telegram.client import SandboxTelegramClient
from sandbox.telegram.server import TelegramEmulator

TOKEN = "123456:TEST-token"


class RawBotApi:
    """Calls /bot<token>/<method> with form fields; returns (HTTP status, JSON body)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, token: str = TOKEN) -> None:
        self.session = session
        self.base_url = base_url
        self.token = token

    async def call(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        form = aiohttp.FormData()
        for key, value in params.items():
            if value is None:
                continue
            if isinstance(value, str):
                form.add_field(key, value)
            elif isinstance(value, bytes):
                form.add_field(key, value, filename=f"{key}.bin")
            else:
                form.add_field(key, json.dumps(value))
        url = f"{self.base_url}/bot{self.token}/{method}"
        async with self.session.post(url, data=form) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self.call(method, **params)
        assert (status, body["ok"]) == (200, True), body
        return body["result"]

    async def error(self, method: str, **params: Any) -> tuple[int, str]:
        status, body = await self.call(method, **params)
        assert body["ok"] is False and body["error_code"] == status, body
        return status, body["description"]


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    emulator = TelegramEmulator([TOKEN], flood_control=False)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def tg(emulator: TelegramEmulator) -> AsyncIterator[SandboxTelegramClient]:
    async with SandboxTelegramClient(emulator.url, timeout=3.0) as client:
        yield client


@pytest.fixture
async def bot_api(emulator: TelegramEmulator) -> AsyncIterator[RawBotApi]:
    async with aiohttp.ClientSession() as session:
        yield RawBotApi(session, emulator.url)

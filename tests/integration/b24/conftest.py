"""Fixtures: a fresh Bitrix24 emulator per test, its control API, and fast clients."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from b24sync.client import Bitrix24Client, ClientOptions
from sandbox.bitrix24 import Bitrix24Control, Bitrix24Emulator, EmulatorConfig

SECRET = "Wh00k-s3cr3t-7f9q"
SPA = 1038  # a smart process entityTypeId

# Fast pacing so the whole folder stays well under 20 s; the rules are the same.
FAST = ClientOptions(
    rate_per_second=1000.0,
    burst=100,
    max_retries=3,
    backoff_base=0.01,
    backoff_cap=0.05,
    timeout=2.0,
    max_operating_wait=5.0,
)

MakeClient = Callable[..., Awaitable[Bitrix24Client]]


@pytest.fixture
async def emulator() -> AsyncIterator[Bitrix24Emulator]:
    async with Bitrix24Emulator(EmulatorConfig(user_id=1, secret=SECRET)) as emu:
        yield emu


@pytest.fixture
async def control(emulator: Bitrix24Emulator) -> AsyncIterator[Bitrix24Control]:
    async with Bitrix24Control(emulator.base_url) as ctl:
        yield ctl


@pytest.fixture
async def make_client(emulator: Bitrix24Emulator) -> AsyncIterator[MakeClient]:
    clients: list[Bitrix24Client] = []

    async def make(url: str | None = None, **changes: Any) -> Bitrix24Client:
        client = Bitrix24Client(url or emulator.webhook_url, dataclasses.replace(FAST, **changes))
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def client(make_client: MakeClient) -> Bitrix24Client:
    return await make_client()


def rest_calls(calls: list[dict[str, Any]], method: str | None = None) -> list[dict[str, Any]]:
    """Entries of the emulator's call log, optionally for one method."""
    return [call for call in calls if method is None or call["method"] == method]

"""Fixtures: an embedded Bitrix24 emulator, fast clients, and relays over a real database."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

import pytest

from b24sync.client import Bitrix24Client, ClientOptions
from b24sync.delivery import HandlerRegistry
from b24sync.relay import Relay, RelayOptions, RoundReport
from bot.clock import SystemClock
from models.db import Database
from models.outbox_repo import SqlOutboxStore
from models.uow import SqlUnitOfWork
from sandbox.bitrix24 import Bitrix24Emulator, EmulatorConfig
from services.b24_ports import DeadLetter
from services.outbox_ports import NewOutboxMessage, OutboxStatus

SECRET = "0utb0x-s3cr3t"
SPA = 1038
VIZA_ID = "ufCrm1038VizaId"

FAST = ClientOptions(
    rate_per_second=1000.0, burst=100, max_retries=1, backoff_base=0.01, backoff_cap=0.02,
    timeout=2.0, max_operating_wait=1.0,
)  # fmt: skip
QUICK = RelayOptions(
    claim_limit=200, max_attempts=50, retry_base=0.02, retry_cap=0.1,
    lease=timedelta(seconds=30), poll_seconds=0.02,
)  # fmt: skip

MakeRelay = Callable[..., Awaitable[Relay]]


class RecordingAlerts:
    """The alert port as the bot would implement it, recording instead of messaging."""

    def __init__(self) -> None:
        self.letters: list[DeadLetter] = []

    async def dead_letters(self, letters: Sequence[DeadLetter]) -> None:
        self.letters.extend(letters)


@pytest.fixture
async def emulator() -> AsyncIterator[Bitrix24Emulator]:
    config = EmulatorConfig(user_id=1, secret=SECRET, bucket_burst=0)  # no portal limit
    async with Bitrix24Emulator(config) as emu:
        yield emu


@pytest.fixture
def alerts() -> RecordingAlerts:
    return RecordingAlerts()


@pytest.fixture
async def make_relay(
    emulator: Bitrix24Emulator, database: Database, alerts: RecordingAlerts
) -> AsyncIterator[MakeRelay]:
    clients: list[Bitrix24Client] = []

    async def make(
        db: Database | None = None, client: dict[str, Any] | None = None, **options: Any
    ) -> Relay:
        b24 = Bitrix24Client(emulator.webhook_url, dataclasses.replace(FAST, **(client or {})))
        clients.append(b24)
        store = SqlOutboxStore(db or database)
        relay_options = dataclasses.replace(QUICK, **options)
        return Relay(store, b24, HandlerRegistry.discover(), SystemClock(), relay_options,
                     alerts=alerts)  # fmt: skip

    yield make
    for b24 in clients:
        await b24.close()


async def enqueue(database: Database, messages: Sequence[NewOutboxMessage]) -> list[int]:
    """Write messages the way a use case does: inside a unit of work, committed once."""
    async with SqlUnitOfWork(database) as uow:
        ids = [await uow.outbox.add(message, SystemClock().now()) for message in messages]
        await uow.commit()
    return ids


def texts_by_user(notifications: list[dict[str, Any]]) -> dict[int, list[str]]:
    """Notification texts per Bitrix24 user, in the order the portal received them."""
    found: dict[int, list[str]] = {}
    for notification in sorted(notifications, key=lambda n: n["id"]):
        found.setdefault(notification["USER_ID"], []).append(notification["MESSAGE"])
    return found


async def settle(relay: Relay, database: Database, seconds: float = 10.0) -> RoundReport:
    """Run the relay until no message is pending or in flight (retries included)."""
    total = RoundReport()
    store = SqlOutboxStore(database)
    deadline = time.monotonic() + seconds
    while True:
        total.add(await relay.drain())
        counts = await store.counts()
        if counts[OutboxStatus.PENDING] + counts[OutboxStatus.IN_FLIGHT] == 0:
            return total
        assert time.monotonic() < deadline, counts
        await asyncio.sleep(0.02)

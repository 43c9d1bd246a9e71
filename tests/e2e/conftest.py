"""End-to-end fixtures: one stack (emulator + bot process) per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from sandbox.telegram import SandboxTelegramClient
from tests.e2e.harness import Stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("e2e"))
    running.start()
    yield running
    running.stop()


@pytest.fixture
async def tg(stack: Stack) -> AsyncIterator[SandboxTelegramClient]:
    async with SandboxTelegramClient(stack.url, timeout=15) as client:
        yield client

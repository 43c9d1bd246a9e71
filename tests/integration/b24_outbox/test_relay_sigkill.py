"""``viza b24 relay`` killed with SIGKILL in the middle of a delivery, then restarted:
no duplicate item, no lost decision."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from models.db import Database, create_database
from models.migrate import upgrade_to_head
from models.outbox_repo import SqlOutboxStore
from services.outbox_ports import OutboxStatus

from .conftest import VIZA_ID, enqueue
from .test_relay_delivery import upsert

ROOT = Path(__file__).resolve().parents[3]
ITEMS = 30
LEASE = 1.5


def write_config(tmp_path: Path, database_url: str, webhook_url: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n'
        f'[bitrix24]\nwebhook_url = "{webhook_url}"\nrate_per_second = 1000\nburst = 100\n'
        f"[bitrix24.relay]\nlease = {LEASE}\nretry_base = 0.05\nretry_cap = 0.1\npoll = 0.05\n"
        "timeout = 20\nmax_retries = 0\n",
        encoding="utf-8",
    )
    return config


async def viza(config: Path, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), *args, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """A SQLite file the relay processes share with the test."""
    db = create_database(f"sqlite+aiosqlite:///{tmp_path / 'viza.sqlite3'}")
    await upgrade_to_head(db)
    yield db
    await db.dispose()


async def test_a_relay_killed_mid_delivery_and_restarted_leaves_no_duplicate(
    tmp_path, emulator, database
):
    await enqueue(database, [upsert(e, "v0") for e in range(ITEMS)])
    await enqueue(database, [upsert(e, "v1") for e in range(ITEMS)])
    url = database.engine.url.render_as_string(hide_password=False)
    config = write_config(tmp_path, url, emulator.webhook_url)
    # The lookups are answered at once; the adds run, then the answer hangs.
    emulator.add_fault({"kind": "delay", "stage": "after", "method": "batch", "count": 1})
    emulator.add_fault({"kind": "delay", "stage": "after", "method": "batch", "seconds": 30})
    relay = await viza(config, "b24", "relay")
    try:
        deadline = time.monotonic() + 20
        while len(emulator.portal.state.items) < ITEMS:
            assert time.monotonic() < deadline and relay.returncode is None
            await asyncio.sleep(0.02)
    finally:
        relay.send_signal(signal.SIGKILL)
        _, err = await relay.communicate()
    assert relay.returncode == -signal.SIGKILL, err.decode()
    emulator.faults.clear()
    await asyncio.sleep(LEASE + 0.2)  # the dead relay's lease runs out
    again = await viza(config, "b24", "relay", "--once")
    out, err = await again.communicate()
    assert again.returncode == 0, err.decode()
    assert "Доставлено: 60" in out.decode()
    state = emulator.portal.state
    assert len([h for h in state.item_history if h["op"] == "add"]) == ITEMS
    assert sorted(i[VIZA_ID] for i in state.items.values()) == sorted(
        f"decision:{e}" for e in range(ITEMS)
    )
    assert {item["title"] for item in state.items.values()} == {"v1"}
    counts = await SqlOutboxStore(database).counts()
    assert counts[OutboxStatus.DONE] == 2 * ITEMS and sum(counts.values()) == 2 * ITEMS

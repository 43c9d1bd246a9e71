"""Bitrix24 sync: 1,000 decisions through the outbox and the relay to the Bitrix24 emulator.

Each decision is one outbox message (a notification to a different person, written in a
unit of work as a use case does); the relay delivers them with the client's default pacing
(1 request/s, burst 10, as in config). Figures, from the emulator's own call log:

- ``http_calls``: requests the relay made (goal: at most ceil(1000 / 50) + 3);
- ``seconds``: wall time of the delivery; ``floor_seconds``: the least time the rate
  allows for that many requests, ``(http_calls - burst) / rate``;
- ``max_rate_seen``: the highest request rate beyond the burst allowance over any stretch
  of the log, ``max (n - burst) / (t_last - t_first)`` (must not exceed the rate);
  ``peak_1s``: most requests in any one-second window (the burst may fill the first one).

``ratio`` = http_calls / ceil(1000 / 50), judged against ``goal``.

    .venv/bin/python bench/b24sync.py
"""

from __future__ import annotations

import asyncio
import json
import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DECISIONS = 1000
BATCH = 50
SLACK = 3


def max_rate_beyond_burst(times: list[float], burst: int) -> float:
    best = 0.0
    for i, start in enumerate(times):
        for j in range(i + burst, len(times)):
            elapsed = times[j] - start
            if elapsed > 0:
                best = max(best, (j - i + 1 - burst) / elapsed)
    return best


def peak_in_one_second(times: list[float]) -> int:
    peak, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1.0:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


async def deliver(database_url: str) -> dict[str, float | int]:
    from b24sync.client import Bitrix24Client, ClientOptions
    from b24sync.delivery import HandlerRegistry
    from b24sync.relay import Relay, RelayOptions
    from bot.clock import SystemClock
    from models.db import create_database
    from models.migrate import upgrade_to_head
    from models.outbox_repo import SqlOutboxStore
    from models.uow import SqlUnitOfWork
    from sandbox.bitrix24 import Bitrix24Emulator
    from services.b24_ports import notice_message

    database = create_database(database_url)
    await upgrade_to_head(database)
    clock = SystemClock()
    async with SqlUnitOfWork(database) as uow:
        for n in range(DECISIONS):
            text = f"Решение №{n}: платёж одобрен"
            await uow.outbox.add(notice_message(1000 + n, text, person_id=n), clock.now())
        await uow.commit()
    options = ClientOptions()  # the defaults of config: 1 request/s, burst 10
    async with (
        Bitrix24Emulator() as emulator,
        Bitrix24Client(emulator.webhook_url, options) as b24,
    ):
        relay = Relay(SqlOutboxStore(database), b24, HandlerRegistry.discover(), clock,
                      RelayOptions(claim_limit=DECISIONS))  # fmt: skip
        started = time.perf_counter()
        report = await relay.drain()
        seconds = time.perf_counter() - started
        times = sorted(call["t"] for call in emulator.portal.state.calls)
        delivered = len(emulator.portal.state.notifications)
    await database.dispose()
    assert report.delivered == delivered == DECISIONS, (report, delivered)
    return {
        "http_calls": len(times),
        "seconds": seconds,
        "floor_seconds": max(0.0, (len(times) - options.burst) / options.rate_per_second),
        "max_rate_seen": max_rate_beyond_burst(times, options.burst),
        "peak_1s": peak_in_one_second(times),
        "rate": options.rate_per_second,
        "burst": options.burst,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(deliver(f"sqlite+aiosqlite:///{folder}/bench.sqlite3"))
    least = math.ceil(DECISIONS / BATCH)
    ratio = figures["http_calls"] / least
    print(f"decisions delivered:        {DECISIONS}")
    print(f"HTTP calls:                 {figures['http_calls']} (goal ≤ {least + SLACK})")
    print(f"elapsed:                    {figures['seconds']:.2f} s")
    print(f"floor allowed by the rate:  {figures['floor_seconds']:.2f} s "
          f"({figures['rate']:g}/s, burst {figures['burst']})")  # fmt: skip
    print(f"max rate beyond the burst:  {figures['max_rate_seen']:.3f}/s")
    print(f"most requests in 1 s:       {figures['peak_1s']}")
    print(
        json.dumps(
            {
                "bench": "b24sync",
                "http_calls": figures["http_calls"],
                "seconds": round(figures["seconds"], 2),
                "floor_seconds": round(figures["floor_seconds"], 2),
                "max_rate_seen": round(figures["max_rate_seen"], 3),
                "peak_1s": figures["peak_1s"],
                "rate": figures["rate"],
                "burst": figures["burst"],
                "ratio": round(ratio, 2),
                "goal": round((least + SLACK) / least, 2),
            }
        )
    )


if __name__ == "__main__":
    main()

"""The floors of ``bench/approvals.py``: trivial bots (``bench/floor_bot.py``) driven by the
same harness, on the same emulator, as Viza.

- the floor: a tap is only answered (done at the answer), as the issue defines it;
- the edit ceiling: a tap is answered and then its message is edited to show the tapped
  page (done at the edit, as Viza's taps are). No database, no middleware: it is the most
  any bot can do when every tap must update the card, so ``edit_ceiling / floor`` bounds
  the ratio Viza could reach;
- the durable ceiling: as the edit ceiling, but each tap is first stored (one row, one
  transaction, SQLAlchemy async Core) in a database of the same kind as Viza's run: the
  most a bot on this stack can do when every tap must be kept and shown. It reads nothing,
  checks nothing and writes no audit, so Viza, which must, stays below it.

Not a bench by itself (``make bench`` runs it and it only says what it is).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.tapping import (  # noqa: E402
    CardEdits,
    answered_tap,
    answered_times,
    closed_loop,
    latencies,
    paced,
    rate,
)
from sandbox.telegram import SandboxTelegramClient  # noqa: E402
from tests.e2e.harness import Stack  # noqa: E402

FLOOR_TOKEN = "434343:bench-floor-token"
EDIT_TOKEN = "434344:bench-edit-floor-token"
DURABLE_TOKEN = "434345:bench-durable-floor-token"
TOKENS = [
    f"{FLOOR_TOKEN}@viza_floor_bot",
    f"{EDIT_TOKEN}@viza_edit_floor_bot",
    f"{DURABLE_TOKEN}@viza_durable_floor_bot",
]
USER = 500020
WARMUP, FLOOR_TAPS, LATENCY_TAPS, IN_FLIGHT, PACE = 10, 1000, 30, 8, 0.1


def start_floor_bot(stack: Stack, token: str, mode: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, str(ROOT / "bench" / "floor_bot.py"), stack.url, token, mode]
    if mode == "durable":
        command.append(durable_database(stack))
    with (stack.workdir / f"floor-bot-{mode}.log").open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"{stack.url}/sandbox/calls?method=getUpdates&bot={token}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        with urllib.request.urlopen(url, timeout=5) as response:
            if json.loads(response.read())["calls"]:
                return process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"the {mode} floor bot did not start polling")


def durable_database(stack: Stack) -> str:
    """PostgreSQL: Viza's bench database (a table of its own); SQLite: a file of its own."""
    if stack.database_url.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{stack.workdir / 'durable-floor.sqlite3'}"
    return stack.database_url


async def floor_figures(stack: Stack) -> dict[str, float]:
    """Taps only answered: the closed-loop rate, and answer latencies at 10 taps/s."""
    async with SandboxTelegramClient(stack.url, bot=FLOOR_TOKEN, timeout=60) as tg:
        message = await _button_message(tg)
        since = (await tg.calls(since=0))[-1].seq
        pressed: dict[str, float] = {}

        tap = answered_tap(tg, USER, message, lambda k, w: f"ap:y:1:{k}:{w}:0", pressed)
        await closed_loop(WARMUP, 1, tap)
        pressed.clear()
        await closed_loop(FLOOR_TAPS, IN_FLIGHT, tap)
        loop_times = await answered_times(tg, pressed, since)
        pressed.clear()
        since = (await tg.calls(since=0))[-1].seq
        await paced(LATENCY_TAPS, PACE, tap)
        paced_times = await answered_times(tg, pressed, since)
    figures = latencies(paced_times)
    return {"taps_per_s": rate(loop_times), "p50_ms": figures["p50_ms"],
            "p95_ms": figures["p95_ms"]}  # fmt: skip


async def edit_ceiling_figures(stack: Stack, token: str = EDIT_TOKEN) -> dict[str, float]:
    """Taps answered and then shown by an edit of their message: the closed-loop rate to
    the edit, with the same 8 taps in flight on distinct pages as Viza's run. The bot of
    ``token`` (the edit ceiling's or the durable ceiling's) does the rest."""
    async with SandboxTelegramClient(stack.url, bot=token, timeout=60) as tg:
        message = await _button_message(tg)
        calls = await tg.calls(since=0)
        edits = CardEdits(tg, USER, calls[-1].seq if calls else 0)
        watcher = asyncio.create_task(edits.run())

        async def tap(k: int, w: int) -> tuple[float, float]:
            edited = edits.expect(w)
            started = time.time()
            sent = await tg.press_nowait(USER, message, f"e:{w}:{k}", crafted=True)
            assert (await tg.callback_answer(sent.callback_query_id, timeout=30)).answered
            edits.answered(w)
            return started, await asyncio.wait_for(edited, 30)

        try:
            await closed_loop(WARMUP, 1, tap)
            loop_times = await closed_loop(FLOOR_TAPS, IN_FLIGHT, tap)
        finally:
            watcher.cancel()
    return {"taps_per_s": rate(loop_times)}


async def _button_message(tg: SandboxTelegramClient) -> int:
    user = tg.user(USER)
    await user.send_command("/start")
    return (await user.wait_for_message(lambda m: bool(m.buttons))).message_id


if __name__ == "__main__":
    print("bench/approvals_floor.py: the floors of bench/approvals.py, which runs them")

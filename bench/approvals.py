"""Register approval taps through the whole path: the Telegram emulator -> the real bot
process -> the database -> the card edit, on SQLite and on PostgreSQL (a stack each, the
e2e harness), against a trivial bot (``bench/floor_bot.py``) driven by the same harness
on the same emulator as the floor.

A register of 410 payments (Волкова, the accountant of msk-kia) waits at its director's
stage; Кузнецов taps ✅ on distinct items with callback data made by hand on his card:

- ``taps_per_s``: 300 taps, 8 in flight (a worker taps again once its tap is answered,
  i.e. committed); the run ends when the card shows the last of them. A tap counts as
  shown at the first edit of the card after its answer whose «Не решено» has fallen by
  as many taps as were answered by then (every tap decides a distinct item). The bot edits
  a card one edit at a time and a newer screen replaces one still waiting
  (``handlers/card_editor.py``, which Telegram's flood control needs anyway), so a burst
  of taps costs fewer edits than taps;
- ``floor_taps_per_s``: the same with the floor bot (1,000 taps: it is fast, and a short
  run is noisy), a tap done at its callback answer;
- ``edit_ceiling_ratio``: a second trivial bot that answers and then edits the message to
  the tapped page (no database, nothing of ours), a tap done at the edit like Viza's,
  against the floor: the most any bot that must show each tap on its card could reach;
- ``durable_ceiling_ratio``: a third trivial bot that also stores each tap first (one row,
  one transaction, SQLAlchemy async Core, in a database of the run's kind) and then
  answers and edits: the most a bot on the prescribed stack could reach when every tap
  must be kept and shown. Viza does all of that and more (it reads the register and the
  approver, checks authority and version, writes the decision and its audit entry);
- ``pipeline_taps_per_s``: 300 taps with callback data no handler of ours knows, 8 in
  flight, through the real bot's update ledger, identification, dialog state and routers
  to the fallback's answer (no use case, no edit), a tap done at its answer: the most the
  bot's per-update machinery allows before any approval work;
- ``p50_ms`` / ``p95_ms``: 100 taps paced at 100 ms (10 taps/s), each from the press to
  the card edit that shows it (as above); ``answer_p50_ms``: from the press to the
  callback answer, which the bot sends once the use case has committed (the rest is
  rendering and the edit).

Times are the emulator's (when it handled the edit or the answer) against the bench's own
clock at the press, on one machine. Flood control is off: this measures the bot, not
Telegram's limits. 10 taps warm each bot up first. Ends with one JSON line: the worse
database's ``taps_per_s``, ``p50_ms``, ``p95_ms``; ``floor_taps_per_s`` the higher of the
two floor runs; ``ratio`` = taps_per_s / floor_taps_per_s (goal ≥ 0.5; p95 goal < 150 ms);
``edit_ceiling_ratio``, ``durable_ceiling_ratio`` and ``pipeline_ratio``, the worse
database's ceilings against it.

    .venv/bin/python bench/approvals.py            (needs PostgreSQL on 127.0.0.1:5432)
"""

from __future__ import annotations

import asyncio
import json
import math
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.approvals_floor import (  # noqa: E402
    DURABLE_TOKEN,
    EDIT_TOKEN,
    FLOOR_TOKEN,
    TOKENS,
    edit_ceiling_figures,
    floor_figures,
    start_floor_bot,
)
from bench.tapping import (  # noqa: E402
    TapFn,
    answered_tap,
    answered_times,
    answers,
    card_edits,
    closed_loop,
    latencies,
    paced,
    rate,
    shown_times,
)
from sandbox.telegram import SandboxTelegramClient  # noqa: E402
from tests.e2e.harness import TOKEN, Stack  # noqa: E402
from tests.unit.registers.builders import HEADER_RU, payment, xlsx  # noqa: E402

ITEMS, WARMUP, TAPS, IN_FLIGHT, LATENCY_TAPS = 410, 10, 300, 8, 100
PACE = 0.1  # s between taps: 10 taps/s
GOAL = {"ratio": 0.5, "p95_ms": 150}
VOLKOVA, KUZNETSOV = 500031, 500020  # the only accountant of msk-kia, its director
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


# --- Viza -------------------------------------------------------------------------------


async def card_for_director(tg: SandboxTelegramClient) -> tuple[int, int]:
    """Волкова uploads and submits the register; Кузнецов's card: (register id, message)."""
    for user_id in (VOLKOVA, KUZNETSOV):
        await tg.user(user_id).send_command("/start")
        await tg.user(user_id).wait_for_message(contains="роли")
    volkova = tg.user(VOLKOVA)
    rows = (payment(n, amount=1000 + n, invoice=f"B-{n}") for n in range(1, ITEMS + 1))
    await volkova.send_document("bench.xlsx", xlsx([HEADER_RU, *rows]))
    status = await volkova.wait_for_message(contains="Проверяю файл")
    draft = await volkova.wait_for_edit(status.message_id, contains=f"Платежей: {ITEMS}")
    register_id = int((draft.text or "").split("№")[1].split()[0])
    await volkova.press(draft.message_id, text="✅ Отправить на согласование")
    card = await tg.user(KUZNETSOV).wait_for_message(
        lambda m: f"№{register_id}" in (m.text or "") and bool(m.buttons)
    )
    return register_id, card.message_id


async def item_ids(stack: Stack, register_id: int) -> list[int]:
    sql = "select id from register_item where register_id = {} order by position"
    if stack.database_url.startswith("sqlite"):
        with sqlite3.connect(stack.database) as db:
            return [row[0] for row in db.execute(sql.format("?"), (register_id,))]
    import asyncpg  # type: ignore[import-untyped]

    connection = await asyncpg.connect(stack.database_url.replace("+asyncpg", ""))
    try:
        return [row[0] for row in await connection.fetch(sql.format("$1"), register_id)]
    finally:
        await connection.close()


async def viza_figures(stack: Stack) -> dict[str, float]:
    from handlers.approval_callbacks import CardTap, CardVerb

    async with SandboxTelegramClient(stack.url, bot=TOKEN, timeout=60) as tg:
        register_id, card = await card_for_director(tg)
        items, pages = await item_ids(stack, register_id), math.ceil(ITEMS / 6)
        pressed: dict[str, float] = {}

        def tapping(first: int, page_of: Callable[[int, int], int]) -> TapFn:
            async def tap(k: int, w: int) -> tuple[float, float]:
                data = CardTap(verb=CardVerb.APPROVE, register_id=register_id,
                               item_id=items[first + k], page=page_of(k, w)).pack()  # fmt: skip
                started = time.time()
                sent = await tg.press_nowait(KUZNETSOV, card, data, crafted=True)
                pressed[sent.callback_query_id] = started
                answer = await tg.callback_answer(sent.callback_query_id, timeout=30)
                assert answer.answered and not answer.text, answer
                return started, 0.0

            return tap

        decided = 0

        async def run(count: int, drive: Awaitable[object]) -> list[tuple[float, float]]:
            """Taps driven by ``drive``, each from its press to the card showing it."""
            nonlocal decided
            pressed.clear()
            since, undecided = (await tg.calls(since=0))[-1].seq, ITEMS - decided
            await drive
            decided += count
            edits = await card_edits(tg, KUZNETSOV, since, ITEMS - decided)
            return shown_times(await answers(tg, pressed, since), edits, undecided)

        await run(WARMUP, closed_loop(WARMUP, 1, tapping(0, lambda k, w: k)))
        loop_times = await run(TAPS, closed_loop(TAPS, IN_FLIGHT, tapping(WARMUP, lambda k, w: w)))
        paced_times = await run(
            LATENCY_TAPS, paced(LATENCY_TAPS, PACE, tapping(WARMUP + TAPS, lambda k, w: k % pages))
        )
        answered = latencies(await answered_times(tg, pressed, 0))
        pipeline = await pipeline_rate(tg, card)
    return {"taps_per_s": rate(loop_times), **latencies(paced_times),
            "answer_p50_ms": answered["p50_ms"], "pipeline_taps_per_s": pipeline}  # fmt: skip


async def pipeline_rate(tg: SandboxTelegramClient, card: int) -> float:
    """Taps that reach the fallback router's answer: the bot's fixed cost per update."""
    pressed: dict[str, float] = {}
    tap = answered_tap(tg, KUZNETSOV, card, lambda k, w: f"bench:{k}", pressed)
    since = (await tg.calls(since=0))[-1].seq
    await closed_loop(TAPS, IN_FLIGHT, tap)
    return rate(await answered_times(tg, pressed, since))


async def pg_database(action: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN)
    try:
        sql = f'CREATE DATABASE "{name}"' if action == "create" else (
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # fmt: skip
        await connection.execute(sql)
    finally:
        await connection.close()


def measure(kind: str) -> dict[str, float]:
    name = f"viza_bench_{uuid.uuid4().hex[:12]}"
    url = None
    if kind == "postgresql":
        asyncio.run(pg_database("create", name))
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    try:
        with tempfile.TemporaryDirectory(prefix="viza-bench-") as folder:
            return measure_stack(Stack(Path(folder), database_url=url, extra_tokens=TOKENS))
    finally:
        if kind == "postgresql":
            asyncio.run(pg_database("drop", name))


def measure_stack(stack: Stack) -> dict[str, float]:
    floors: list[subprocess.Popen[bytes]] = []
    try:
        stack.start()
        viza = asyncio.run(viza_figures(stack))
        floors.append(start_floor_bot(stack, FLOOR_TOKEN, "answer"))
        bare = asyncio.run(floor_figures(stack))
        floors.append(start_floor_bot(stack, EDIT_TOKEN, "edit"))
        ceiling = asyncio.run(edit_ceiling_figures(stack))
        floors.append(start_floor_bot(stack, DURABLE_TOKEN, "durable"))
        durable = asyncio.run(edit_ceiling_figures(stack, DURABLE_TOKEN))
    except BaseException:
        sys.stderr.write(stack.bot_log()[-4000:])
        raise
    finally:
        for floor in floors:
            stop(floor)
        stack.stop()
    return viza | {f"floor_{key}": value for key, value in bare.items()} | {
        "edit_ceiling_taps_per_s": ceiling["taps_per_s"],
        "durable_ceiling_taps_per_s": durable["taps_per_s"],
        "ratio": viza["taps_per_s"] / bare["taps_per_s"]}  # fmt: skip


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def main() -> None:
    started = time.monotonic()
    figures = {kind: measure(kind) for kind in ("sqlite", "postgresql")}
    rows = [
        ("taps/s, 8 in flight (to the card edit)", "taps_per_s", "{:.1f}"),
        ("floor taps/s, 8 in flight (to the answer)", "floor_taps_per_s", "{:.1f}"),
        ("ratio (goal ≥ 0.5)", "ratio", "{:.2f}"),
        ("edit ceiling taps/s: answer + edit, no DB", "edit_ceiling_taps_per_s", "{:.1f}"),
        ("durable ceiling taps/s: store + answer + edit", "durable_ceiling_taps_per_s", "{:.1f}"),
        ("pipeline taps/s: to the fallback, no use case", "pipeline_taps_per_s", "{:.1f}"),
        ("p50 tap→card edit at 10 taps/s, ms", "p50_ms", "{:.1f}"),
        ("p95 tap→card edit at 10 taps/s, ms (goal < 150)", "p95_ms", "{:.1f}"),
        ("max tap→card edit at 10 taps/s, ms", "max_ms", "{:.1f}"),
        ("p50 tap→callback answer at 10 taps/s, ms", "answer_p50_ms", "{:.1f}"),
        ("floor p50 / p95 tap→answer at 10 taps/s, ms", "floor_p50_ms", "{:.1f}"),
    ]
    print(f"{'':50} {'SQLite':>11} {'PostgreSQL':>11}")
    for label, key, pattern in rows:
        cells = []
        for kind in figures:
            cell = pattern.format(figures[kind][key])
            if key == "floor_p50_ms":
                cell += " / " + pattern.format(figures[kind]["floor_p95_ms"])
            cells.append(cell)
        print(f"{label:50} {cells[0]:>11} {cells[1]:>11}")
    print(f"(bench took {time.monotonic() - started:.0f} s)")
    taps = min(f["taps_per_s"] for f in figures.values())
    floor = max(f["floor_taps_per_s"] for f in figures.values())
    ceiling = min(f["edit_ceiling_taps_per_s"] for f in figures.values())
    durable = min(f["durable_ceiling_taps_per_s"] for f in figures.values())
    pipeline = min(f["pipeline_taps_per_s"] for f in figures.values())
    summary = {
        "bench": "approvals",
        "taps_per_s": round(taps, 1),
        "floor_taps_per_s": round(floor, 1),
        "ratio": round(taps / floor, 2),
        "edit_ceiling_ratio": round(ceiling / floor, 2),
        "durable_ceiling_ratio": round(durable / floor, 2),
        "pipeline_ratio": round(pipeline / floor, 2),
        "p50_ms": round(max(f["p50_ms"] for f in figures.values()), 1),
        "p95_ms": round(max(f["p95_ms"] for f in figures.values()), 1),
        "goal": GOAL,
    }
    for kind, values in figures.items():
        summary[kind] = {key: round(value, 2) for key, value in values.items()}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

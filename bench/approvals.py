"""Register approval taps through the whole path: the Telegram emulator -> the real bot
process -> the database -> the card edit, on SQLite and on PostgreSQL (a stack each, the
e2e harness), against a trivial bot (``bench/floor_bot.py``) driven by the same harness
on the same emulator as the floor.

A register of 410 payments (Волкова, the accountant of msk-kia) waits at its director's
stage; Кузнецов taps ✅ on distinct items with callback data made by hand on his card:

- ``taps_per_s``: 300 taps, 8 in flight; a tap is done at its card edit (the emulator's
  call log; in-flight taps show distinct pages, so each edit is matched to its tap);
- ``floor_taps_per_s``: the same with the floor bot (1,000 taps: it is fast, and a short
  run is noisy), a tap done at its callback answer;
- ``p50_ms`` / ``p95_ms``: 100 taps paced at 100 ms (10 taps/s), each from the press to
  its card edit; ``answer_p50_ms``: from the press to the callback answer, which the bot
  sends once the use case has committed (the rest is rendering and the edit).

Times are the emulator's (when it handled the edit or the answer) against the bench's own
clock at the press, on one machine. Flood control is off: this measures the bot, not
Telegram's limits. 10 taps warm each bot up first. Ends with one JSON line: the worse
database's ``taps_per_s``, ``p50_ms``, ``p95_ms``; ``floor_taps_per_s`` the higher of the
two floor runs; ``ratio`` = taps_per_s / floor_taps_per_s (goal ≥ 0.5; p95 goal < 150 ms).

    .venv/bin/python bench/approvals.py            (needs PostgreSQL on 127.0.0.1:5432)
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sandbox.telegram import SandboxTelegramClient  # noqa: E402
from tests.e2e.harness import TOKEN, Stack  # noqa: E402
from tests.unit.registers.builders import HEADER_RU, payment, xlsx  # noqa: E402

ITEMS, WARMUP, TAPS, IN_FLIGHT, LATENCY_TAPS = 410, 10, 300, 8, 100
FLOOR_TAPS, FLOOR_LATENCY_TAPS = 1000, 30
PACE = 0.1  # s between taps: 10 taps/s
GOAL = {"ratio": 0.5, "p95_ms": 150}
VOLKOVA, KUZNETSOV = 500031, 500020  # the only accountant of msk-kia, its director
FLOOR_TOKEN = "434343:bench-floor-token"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PAGE = re.compile(r"Стр\. (\d+)/\d+")
TapFn = Callable[[int, int], Coroutine[Any, Any, tuple[float, float]]]


def epoch(at: str) -> float:
    return datetime.fromisoformat(at).timestamp()


class CardEdits:
    """Edits of one card from the emulator's call log, each handed to the tap waiting for
    the page it shows (taps in flight use distinct pages). The log is read only while an
    answered tap still waits for its edit, which follows the answer within milliseconds."""

    def __init__(self, tg: SandboxTelegramClient, chat_id: int, since: int) -> None:
        self._tg, self._chat, self._since = tg, str(chat_id), since
        self._waiting: dict[int, asyncio.Future[float]] = {}
        self._answered: set[int] = set()
        self._wake = asyncio.Event()

    def expect(self, page: int) -> asyncio.Future[float]:
        assert page not in self._waiting, f"two taps in flight show page {page}"
        self._waiting[page] = asyncio.get_running_loop().create_future()
        return self._waiting[page]

    def answered(self, page: int) -> None:
        if page in self._waiting:
            self._answered.add(page)
            self._wake.set()

    async def run(self) -> None:
        while True:
            await self._wake.wait()
            calls = await self._tg.calls("editMessageText", since=self._since)
            for call in calls:
                self._since = call.seq
                found = PAGE.search(str(call.params.get("text", "")))
                if str(call.params.get("chat_id")) != self._chat or found is None:
                    continue
                page = int(found.group(1)) - 1
                if (waiter := self._waiting.pop(page, None)) is not None:
                    waiter.set_result(epoch(call.at))
                self._answered.discard(page)
            if not self._answered:
                self._wake.clear()
            elif not calls:
                await asyncio.sleep(0.002)


async def closed_loop(count: int, in_flight: int, tap: TapFn) -> list[tuple[float, float]]:
    """``count`` taps by ``in_flight`` workers, each tapping again once its tap is done."""
    taps, done = iter(range(count)), []

    async def worker(w: int) -> None:
        done.extend([await tap(k, w) for k in taps])  # the workers share ``taps``

    await asyncio.gather(*(worker(w) for w in range(in_flight)))
    return done


async def paced(count: int, pace: float, tap: TapFn) -> list[tuple[float, float]]:
    """A tap every ``pace`` seconds whether or not the previous ones are done."""
    loop, tasks = asyncio.get_running_loop(), []
    start = loop.time()
    for k in range(count):
        await asyncio.sleep(max(0.0, start + k * pace - loop.time()))
        tasks.append(asyncio.create_task(tap(k, k)))
    return list(await asyncio.gather(*tasks))


def rate(times: list[tuple[float, float]]) -> float:
    return len(times) / (max(t for _, t in times) - min(s for s, _ in times))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def latencies(times: list[tuple[float, float]]) -> dict[str, float]:
    ms = [(end - start) * 1000 for start, end in times]
    return {"p50_ms": percentile(ms, 0.5), "p95_ms": percentile(ms, 0.95), "max_ms": max(ms)}


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
        calls = await tg.calls(since=0)
        edits = CardEdits(tg, KUZNETSOV, calls[-1].seq if calls else 0)
        watcher = asyncio.create_task(edits.run())
        pressed: dict[str, float] = {}

        def tapping(first: int, page_of: Callable[[int, int], int]) -> TapFn:
            async def tap(k: int, w: int) -> tuple[float, float]:
                page = page_of(k, w)
                data = CardTap(verb=CardVerb.APPROVE, register_id=register_id,
                               item_id=items[first + k], page=page).pack()  # fmt: skip
                edited = edits.expect(page)
                started = time.time()
                sent = await tg.press_nowait(KUZNETSOV, card, data, crafted=True)
                pressed[sent.callback_query_id] = started
                answer = await tg.callback_answer(sent.callback_query_id, timeout=30)
                assert answer.answered and not answer.text, answer
                edits.answered(page)
                return started, await asyncio.wait_for(edited, 30)

            return tap

        try:
            await closed_loop(WARMUP, 1, tapping(0, lambda k, w: k))
            loop_times = await closed_loop(TAPS, IN_FLIGHT, tapping(WARMUP, lambda k, w: w))
            since = (await tg.calls(since=0))[-1].seq
            pressed.clear()
            paced_times = await paced(
                LATENCY_TAPS, PACE, tapping(WARMUP + TAPS, lambda k, w: k % pages)
            )
            answers = latencies(await answered_times(tg, pressed, since))
        finally:
            watcher.cancel()
    return {"taps_per_s": rate(loop_times), **latencies(paced_times),
            "answer_p50_ms": answers["p50_ms"]}  # fmt: skip


# --- the floor --------------------------------------------------------------------------


def start_floor_bot(stack: Stack) -> subprocess.Popen[bytes]:
    with (stack.workdir / "floor-bot.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "floor_bot.py"), stack.url, FLOOR_TOKEN],
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
    url = f"{stack.url}/sandbox/calls?method=getUpdates&bot={FLOOR_TOKEN}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        with urllib.request.urlopen(url, timeout=5) as response:
            if json.loads(response.read())["calls"]:
                return process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("the floor bot did not start polling")


async def floor_figures(stack: Stack) -> dict[str, float]:
    async with SandboxTelegramClient(stack.url, bot=FLOOR_TOKEN, timeout=60) as tg:
        user = tg.user(KUZNETSOV)
        await user.send_command("/start")
        message = (await user.wait_for_message(lambda m: bool(m.buttons))).message_id
        since = (await tg.calls(since=0))[-1].seq
        pressed: dict[str, float] = {}

        async def tap(k: int, w: int) -> tuple[float, float]:
            started = time.time()
            sent = await tg.press_nowait(KUZNETSOV, message, f"ap:y:1:{k}:{w}:0", crafted=True)
            pressed[sent.callback_query_id] = started
            assert (await tg.callback_answer(sent.callback_query_id, timeout=30)).answered
            return started, 0.0

        await closed_loop(WARMUP, 1, tap)
        pressed.clear()
        await closed_loop(FLOOR_TAPS, IN_FLIGHT, tap)
        loop_times = await answered_times(tg, pressed, since)
        pressed.clear()
        since = (await tg.calls(since=0))[-1].seq
        await paced(FLOOR_LATENCY_TAPS, PACE, tap)
        paced_times = await answered_times(tg, pressed, since)
    figures = latencies(paced_times)
    return {"taps_per_s": rate(loop_times), "p50_ms": figures["p50_ms"],
            "p95_ms": figures["p95_ms"]}  # fmt: skip


async def answered_times(
    tg: SandboxTelegramClient, pressed: dict[str, float], since: int
) -> list[tuple[float, float]]:
    """(press, answer) per tap, the answer's time from the emulator's call log."""
    answers = await tg.calls("answerCallbackQuery", since=since)
    at = {str(call.params["callback_query_id"]): epoch(call.at) for call in answers}
    return [(started, at[query]) for query, started in pressed.items()]


# --- one database ---------------------------------------------------------------------------


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
    floor = [f"{FLOOR_TOKEN}@viza_floor_bot"]
    try:
        with tempfile.TemporaryDirectory(prefix="viza-bench-") as folder:
            return measure_stack(Stack(Path(folder), database_url=url, extra_tokens=floor))
    finally:
        if kind == "postgresql":
            asyncio.run(pg_database("drop", name))


def measure_stack(stack: Stack) -> dict[str, float]:
    floor: subprocess.Popen[bytes] | None = None
    try:
        stack.start()
        floor = start_floor_bot(stack)
        viza = asyncio.run(viza_figures(stack))
        bare = asyncio.run(floor_figures(stack))
    except BaseException:
        sys.stderr.write(stack.bot_log()[-4000:])
        raise
    finally:
        if floor is not None:
            floor.terminate()
            try:
                floor.wait(timeout=10)
            except subprocess.TimeoutExpired:
                floor.kill()
        stack.stop()
    return viza | {f"floor_{key}": value for key, value in bare.items()} | {
        "ratio": viza["taps_per_s"] / bare["taps_per_s"]}  # fmt: skip


def main() -> None:
    started = time.monotonic()
    figures = {kind: measure(kind) for kind in ("sqlite", "postgresql")}
    rows = [
        ("taps/s, 8 in flight (to the card edit)", "taps_per_s", "{:.1f}"),
        ("floor taps/s, 8 in flight (to the answer)", "floor_taps_per_s", "{:.1f}"),
        ("ratio (goal ≥ 0.5)", "ratio", "{:.2f}"),
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
    summary = {
        "bench": "approvals",
        "taps_per_s": round(taps, 1),
        "floor_taps_per_s": round(floor, 1),
        "ratio": round(taps / floor, 2),
        "p50_ms": round(max(f["p50_ms"] for f in figures.values()), 1),
        "p95_ms": round(max(f["p95_ms"] for f in figures.values()), 1),
        "goal": GOAL,
    }
    for kind, values in figures.items():
        summary[kind] = {key: round(value, 2) for key, value in values.items()}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()

"""The tapping harness of ``bench/approvals.py`` and its floors: taps driven in a closed
loop or at a pace, and their times read from the Telegram emulator's call log.

Not a bench by itself (``make bench`` runs it and it only says what it is).
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from sandbox.telegram import SandboxTelegramClient

PAGE = re.compile(r"Стр\. (\d+)/\d+")
UNDECIDED = re.compile(r"Не решено: (?:<b>)?(\d+)")
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


def answered_tap(
    tg: SandboxTelegramClient,
    user_id: int,
    message_id: int,
    data: Callable[[int, int], str],
    pressed: dict[str, float],
) -> TapFn:
    """A tap on ``message_id`` with callback data ``data(k, w)`` made by hand, done at its
    callback answer; its press time goes into ``pressed`` by callback query id."""

    async def tap(k: int, w: int) -> tuple[float, float]:
        started = time.time()
        sent = await tg.press_nowait(user_id, message_id, data(k, w), crafted=True)
        pressed[sent.callback_query_id] = started
        assert (await tg.callback_answer(sent.callback_query_id, timeout=30)).answered
        return started, 0.0

    return tap


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


async def answered_times(
    tg: SandboxTelegramClient, pressed: dict[str, float], since: int
) -> list[tuple[float, float]]:
    """(press, answer) per tap, the answer's time from the emulator's call log."""
    answers = await tg.calls("answerCallbackQuery", since=since)
    at = {str(call.params["callback_query_id"]): epoch(call.at) for call in answers}
    return [(started, at[query]) for query, started in pressed.items()]


if __name__ == "__main__":
    print("bench/tapping.py: the tapping harness of bench/approvals.py")


async def card_edits(
    tg: SandboxTelegramClient, chat_id: int, since: int, undecided: int
) -> list[tuple[int, float, int]]:
    """(seq, time, «Не решено») of the edits of the card in ``chat_id`` since ``since``,
    read once the card shows ``undecided`` (every tap of the run) or fewer."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        edits = []
        for call in await tg.calls("editMessageText", since=since):
            found = UNDECIDED.search(str(call.params.get("text", "")))
            if call.ok and str(call.params.get("chat_id")) == str(chat_id) and found:
                edits.append((call.seq, epoch(call.at), int(found.group(1))))
        if any(left <= undecided for _, _, left in edits):
            return edits
        await asyncio.sleep(0.02)
    raise TimeoutError(f"the card never showed {undecided} undecided")


async def answers(
    tg: SandboxTelegramClient, pressed: dict[str, float], since: int
) -> list[tuple[float, int]]:
    """(press, seq of the answer in the call log) per tap."""
    calls = await tg.calls("answerCallbackQuery", since=since)
    seq = {str(call.params["callback_query_id"]): call.seq for call in calls}
    return [(started, seq[query]) for query, started in pressed.items()]


def shown_times(
    answered: list[tuple[float, int]], edits: list[tuple[int, float, int]], undecided: int
) -> list[tuple[float, float]]:
    """(press, shown) per tap: the tap answered r-th is shown by the first card edit after
    its answer whose «Не решено» has fallen by r. A decision commits before its answer,
    and every tap decides a distinct item, so that edit counts it."""
    result = []
    for rank, (pressed_at, answer_seq) in enumerate(sorted(answered, key=lambda a: a[1]), 1):
        shown = next(
            at for seq, at, left in edits if seq > answer_seq and left <= undecided - rank
        )
        result.append((pressed_at, shown))
    return result

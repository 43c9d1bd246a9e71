"""Upload-to-summary of a 300-row register through the whole path: the Telegram emulator ->
the real bot process (download, parse, checks, store on SQLite) -> the «Проверяю файл…»
message edited into the draft's summary.

An accountant of one DC (Новикова, nsk-lexus) sends ``UPLOADS`` distinct generated .xlsx
files of 300 payments one after another (the first two warm the bot up and are not
counted). Each is timed from the bench's clock just before the document is sent to the
emulator's clock when it received the edit showing «Платежей: 300»; ``status_ms`` is the
same up to the «Проверяю файл…» message. Ends with one JSON line:
{"bench": "upload", "p50_ms": ..., "p95_ms": ..., "max_ms": ..., "goal_ms": 1000}

    .venv/bin/python bench/upload.py
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import make_xlsx  # noqa: E402
from bench.tapping import epoch, percentile  # noqa: E402
from sandbox.telegram import SandboxTelegramClient  # noqa: E402
from tests.e2e.harness import TOKEN, Stack  # noqa: E402

ROWS, WARMUP, UPLOADS = 300, 2, 22
GOAL_MS = 1000
NOVIKOVA = 500034  # the only accountant of nsk-lexus


async def one_upload(tg: SandboxTelegramClient, data: bytes, n: int) -> tuple[float, float]:
    """(ms to the «Проверяю файл…» message, ms to the summary) of one upload."""
    since = (await tg.calls(since=0))[-1].seq
    user = tg.user(NOVIKOVA)
    started = time.time()
    await user.send_document(f"reestr-{n}.xlsx", data)
    status = await user.wait_for_message(contains="Проверяю файл", timeout=30)
    await user.wait_for_edit(status.message_id, contains=f"Платежей: {ROWS}", timeout=30)
    sent = await tg.calls("sendMessage", since=since)
    edits = await tg.calls("editMessageText", since=since)
    status_at = next(epoch(c.at) for c in sent if "Проверяю файл" in str(c.params.get("text", "")))
    summary_at = next(
        epoch(c.at) for c in edits if f"Платежей: <b>{ROWS}</b>" in str(c.params.get("text", ""))
    )
    return (status_at - started) * 1000, (summary_at - started) * 1000


async def figures(stack: Stack) -> dict[str, float]:
    # Generated before the clock starts: a file per upload, so none is the same file twice.
    files = [make_xlsx(ROWS, seed=n) for n in range(UPLOADS)]
    async with SandboxTelegramClient(stack.url, bot=TOKEN, timeout=60) as tg:
        times = [await one_upload(tg, data, n) for n, data in enumerate(files)]
    counted = times[WARMUP:]
    summary = [total for _, total in counted]
    return {
        "p50_ms": round(percentile(summary, 0.5), 1),
        "p95_ms": round(percentile(summary, 0.95), 1),
        "max_ms": round(max(summary), 1),
        "status_p50_ms": round(percentile([first for first, _ in counted], 0.5), 1),
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="viza-bench-") as folder:
        stack = Stack(Path(folder))
        try:
            stack.start()
            result = asyncio.run(figures(stack))
        except BaseException:
            sys.stderr.write(stack.bot_log()[-4000:])
            raise
        finally:
            stack.stop()
    counted = UPLOADS - WARMUP
    print(f"upload-to-summary of a {ROWS}-row .xlsx, {counted} uploads after {WARMUP} warm-up:")
    print(f"  to «Проверяю файл…»  p50 {result['status_p50_ms']:7.1f} ms")
    print(
        f"  to the summary       p50 {result['p50_ms']:7.1f} ms, p95 {result['p95_ms']:.1f} ms, "
        f"max {result['max_ms']:.1f} ms (goal < {GOAL_MS} ms)"
    )
    print(json.dumps({"bench": "upload", **result, "goal_ms": GOAL_MS}))


if __name__ == "__main__":
    main()

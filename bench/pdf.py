"""Memo PDF: time and peak RSS to produce the PDF of a memo with 50 approval steps (memo ->
document -> template -> PDF through `render_memo_pdf`) against weasyprint rendering the
same final HTML alone (the floor), in the same process.

The memo is stored in a SQLite database first (50 steps, 5 attachments, a real audit
entry); the measured path loads it back through the memo repository, builds the document
and renders it. Times are the best of a few interleaved runs after a warm-up.

Then tap-to-answer latency: «🔄 Обновить» on the memo's card fed to a dispatcher with the
memo router (the Bot API answered by a stub session), p95 while idle and while five PDFs
render through the bot's renderer (a process pool) - goal: within 2x of idle.

Ends with one JSON line: {"bench": "pdf", "seconds", "floor_seconds", "ratio",
"peak_rss_mb", "idle_p95_ms", "busy_p95_ms", "latency_ratio", "goal", "latency_goal"}
(``ratio`` = seconds / floor_seconds; ``latency_ratio`` = busy_p95_ms / idle_p95_ms).

    .venv/bin/python bench/pdf.py
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pdf_taps import Tapper  # noqa: E402
from domain.memo import Attachment, Memo  # noqa: E402 - after the path set-up
from domain.org import OrgDirectory, load_org_toml  # noqa: E402
from formats.memo_document import memo_document  # noqa: E402
from formats.memo_pdf import (  # noqa: E402
    BASE_URL,
    MemoDocument,
    render_memo_html,
    render_memo_pdf,
)
from models.db import Database, create_database  # noqa: E402
from models.migrate import upgrade_to_head  # noqa: E402
from models.uow import SqlUnitOfWork  # noqa: E402
from services.memos.ports import NewAttachment  # noqa: E402
from services.ports import AuditEvent  # noqa: E402

GOAL = 1.3
LATENCY_GOAL = 2.0
TAPS = 60
BUSY_PDFS = 5
ZONE = "Europe/Moscow"
STEPS = 50
REPEAT = 5
ROUNDS = 10  # 10 rounds of 4 intermediate approvers and the final one: 50 steps
ORG_FILE = ROOT / "tests" / "unit" / "domain" / "org_sample.toml"
APPROVERS = ["sidorov", "petrov", "kuznetsov", "glavbuh"]
START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def files() -> list[NewAttachment]:
    return [NewAttachment(f"Смета {n}.xlsx", "application/vnd.ms-excel", b"x" * 48_000 * n)
            for n in range(1, 6)]  # fmt: skip


def build_memo(org: OrgDirectory) -> Memo:
    """A memo returned nine times and approved in the tenth round (50 steps in all)."""
    memo = Memo.draft(
        org,
        author="egorov",
        title="Оплата участия в выставке «Автомир-2026»",
        text="\n".join(
            f"{n}. Прошу согласовать расходы на участие дилерского центра в выставке: "
            "аренда площади, застройка стенда, доставка автомобилей, работа персонала."
            for n in range(1, 21)
        ),
        executor="smirnova",
        now=START,
        attachments=[Attachment(f.name, f.size, f.sha256, f.mime) for f in files()],
        approvers=APPROVERS,
    )
    memo.assign_number(2026, 123)
    memo.submit(actor="egorov", org=org, now=START)
    for round_no in range(1, ROUNDS + 1):
        now = START + timedelta(hours=round_no)
        for step in memo.round_steps()[:-1]:
            memo.approve(actor=step.approver, step_key=step.key, org=org, now=now, comment="Да")
        final = memo.round_steps()[-1]
        if round_no < ROUNDS:
            reason = f"Круг {round_no}: уточните смету по статье «Застройка стенда»."
            memo.return_for_rework(
                actor=final.approver, step_key=final.key, org=org, now=now, reason=reason
            )
            memo.resubmit(actor="egorov", org=org, now=now + timedelta(minutes=30))
        else:
            memo.approve(actor=final.approver, step_key=final.key, org=org, now=now)
    assert len(memo.steps) == STEPS
    return memo


class Store:
    """The bench's database (a temporary SQLite file) holding the sample org and the memo,
    and the event loop every database call of the bench runs on."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.TemporaryDirectory(prefix="viza-bench-pdf-")
        url = f"sqlite+aiosqlite:///{self.folder.name}/bench.sqlite3"
        self.database: Database = create_database(url)
        self.memo_id = self.loop.run_until_complete(self._fill())

    async def _fill(self) -> int:
        from services.org_admin import ImportOrg

        class Clock:
            def now(self) -> datetime:
                return START

        await upgrade_to_head(self.database)
        org = load_org_toml(ORG_FILE.read_text(encoding="utf-8"))
        await ImportOrg(self.uow, Clock())(org)
        memo = build_memo(org)
        async with self.uow() as uow:
            memo_id, _ = await uow.memos.add(memo, files(), "bench")
            await uow.memos.save(memo)
            done = AuditEvent("findir", "memo.approved", "memo", str(memo_id), new={"n": 50})
            entry = await uow.audit.append(done, START)
            await uow.memos.mark_finished(memo_id, entry.hash, "done")
            await uow.commit()
        return memo_id

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.database)

    async def document(self) -> MemoDocument:
        async with self.uow() as uow:
            loaded = await uow.memos.load(self.memo_id, lock=False)
            org = await uow.memos.org_directory(ZONE)
        assert loaded is not None and loaded.audit_hash is not None
        assert len(loaded.memo.steps) == STEPS
        return memo_document(loaded.memo, org, audit_hash=loaded.audit_hash)

    def close(self) -> None:
        self.loop.run_until_complete(self.database.dispose())
        self.loop.close()
        self.folder.cleanup()


STORE: Store | None = None


def store() -> Store:
    global STORE
    if STORE is None:
        STORE = Store()
    return STORE


def load_document() -> MemoDocument:
    """The document to render: the memo and its audit hash loaded from the database."""
    bench = store()
    return bench.loop.run_until_complete(bench.document())


def produce_pdf() -> bytes:
    """The measured path: load -> document -> template -> PDF."""
    return render_memo_pdf(load_document())


def render_floor(html: str) -> bytes:
    """The floor: weasyprint alone on the final HTML, with its default fetcher."""
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=BASE_URL).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def best_of(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """The best wall time of each callable, runs interleaved so drift hits all alike."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def measure_latency() -> dict[str, float]:
    """Tap-to-answer p95 (ms) idle and while five PDFs render, and their ratio."""
    bench = store()
    return bench.loop.run_until_complete(_latency(bench))


async def _latency(bench: Store) -> dict[str, float]:
    from services.memos import ProcessRenderer

    renderer = ProcessRenderer()
    tapper = await Tapper.start(bench)
    document = await bench.document()
    try:
        await renderer(document)  # warm the workers up: imports and fonts
        idle = await tapper.taps(TAPS)
        rendering = asyncio.gather(*(renderer(document) for _ in range(BUSY_PDFS)))
        busy = await tapper.taps(TAPS, until=rendering)
        await rendering
    finally:
        renderer.close()
        await tapper.close()
    idle_p95, busy_p95 = p95(idle), p95(busy)
    print(f"tap-to-answer p95: idle {idle_p95:.1f} ms, while {BUSY_PDFS} PDFs render "
          f"{busy_p95:.1f} ms ({len(busy)} taps; goal within {LATENCY_GOAL}x)")  # fmt: skip
    return {
        "idle_p95_ms": round(idle_p95, 2),
        "busy_p95_ms": round(busy_p95, 2),
        "latency_ratio": round(busy_p95 / idle_p95, 3),
        "latency_goal": LATENCY_GOAL,
    }


def p95(samples: Sequence[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] * 1000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    html = render_memo_html(load_document())
    pdf = produce_pdf()  # warm-up: imports, template compilation, font loading
    floor_pdf = render_floor(html)
    print(f"memo: {STEPS} steps, PDF {len(pdf):,} bytes (floor {len(floor_pdf):,} bytes)")
    print(f"RSS after warm-up: {peak_rss_mb():.1f} MB")
    best = best_of({"pdf": produce_pdf, "floor": lambda: render_floor(html)}, REPEAT)
    ratio = best["pdf"] / best["floor"]
    print(f"render_memo_pdf (load + template + PDF): {best['pdf'] * 1000:.0f} ms")
    print(f"floor (weasyprint on the same HTML):     {best['floor'] * 1000:.0f} ms")
    print(f"ratio {ratio:.2f} (goal {GOAL})")
    figures: dict[str, object] = {
        "bench": "pdf",
        "seconds": round(best["pdf"], 4),
        "floor_seconds": round(best["floor"], 4),
        "ratio": round(ratio, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "goal": GOAL,
    }
    figures.update(measure_latency())
    store().close()
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()

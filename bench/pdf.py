"""Memo PDF: time and peak RSS to produce the PDF of a memo with 50 approval steps (memo ->
document -> template -> PDF through `render_memo_pdf`) against weasyprint rendering the
same final HTML alone (the floor), in the same process.

Times are the best of a few interleaved runs after a warm-up. Ends with one JSON line:
{"bench": "pdf", "seconds": ..., "floor_seconds": ..., "ratio": ..., "peak_rss_mb": ...,
 "goal": 1.3}   (``ratio`` = seconds / floor_seconds)

    .venv/bin/python bench/pdf.py

Extension points (to be filled in by later work, see issue 7):
- `load_document` builds the memo in memory; the real path loads it from the database.
- `measure_latency` returns no figures yet; it is meant to add ``idle_p95_ms``,
  ``busy_p95_ms`` and ``latency_ratio`` (tap-to-answer while five PDFs render).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.memo import Attachment, Memo  # noqa: E402 - after the path set-up
from domain.org import OrgDirectory, load_org_toml  # noqa: E402
from formats.memo_document import memo_document  # noqa: E402
from formats.memo_pdf import (  # noqa: E402
    BASE_URL,
    MemoDocument,
    render_memo_html,
    render_memo_pdf,
)

GOAL = 1.3
STEPS = 50
REPEAT = 5
ROUNDS = 10  # 10 rounds of 4 intermediate approvers and the final one: 50 steps
ORG_FILE = ROOT / "tests" / "unit" / "domain" / "org_sample.toml"
APPROVERS = ["sidorov", "petrov", "kuznetsov", "glavbuh"]
START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


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
        attachments=[
            Attachment(f"Смета {n}.xlsx", 48_000 * n, f"{n:02x}" * 32) for n in range(1, 6)
        ],
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


def load_document() -> MemoDocument:
    """The document to render. Extension point: load the memo and its audit hash from the
    database here (the DB part of the measured path)."""
    org = load_org_toml(ORG_FILE.read_text(encoding="utf-8"))
    return memo_document(build_memo(org), org, audit_hash="5e" * 32)


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
    """Extension point: tap-to-answer p95 while PDFs render vs idle (not measured yet)."""
    return {}


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
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()

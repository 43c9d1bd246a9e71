"""The memo PDF: what it shows, in which fonts, and how long content lays out."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.memo import Memo
from formats.memo_document import memo_document
from formats.memo_pdf import (
    FONTS,
    DocumentStep,
    LocalOnlyFetcher,
    MemoDocument,
    format_moment,
    format_size,
    render_memo_html,
    render_memo_pdf,
)
from tests.unit.memo.builders import DURING_LEAVE, attachment, current_key, sample_org
from tests.unit.memo.pdf_helpers import (
    HASH,
    document,
    font_names,
    pdf_pages,
    pdf_text,
    positions_in_order,
)

ORG = sample_org()
ROOT = Path(__file__).resolve().parents[3]


def _memo_with_history() -> Memo:
    """Round 1: Sokolov's substitute approves, Sidorov adds Kuznetsov, who returns it;
    round 2: everyone approves, the finance director last."""
    now = DURING_LEAVE
    memo = Memo.draft(
        ORG,
        author="egorov",
        title="Оплата выставочного стенда",
        text="Прошу оплатить аренду стенда на автосалоне «Урал-Моторс».",
        executor="smirnova",
        now=now,
        attachments=[attachment("счёт №17.pdf", 2_500_000)],
        approvers=["sokolov", "sidorov"],
    )
    memo.assign_number(2026, 123)
    memo.submit(actor="egorov", org=ORG, now=now)
    memo.approve(actor="petrov", step_key=current_key(memo), org=ORG, now=now)
    memo.add_approver(
        actor="sidorov", step_key=current_key(memo), person="kuznetsov", org=ORG, now=now
    )
    memo.approve(actor="sidorov", step_key=current_key(memo), org=ORG, now=now)
    memo.return_for_rework(
        actor="kuznetsov", step_key=current_key(memo), org=ORG, now=now, reason="Нужна смета"
    )
    memo.resubmit(actor="egorov", org=ORG, now=now + timedelta(hours=1))
    later = now + timedelta(hours=2)
    while (step := memo.current_step) is not None:
        actor = "petrov" if step.approver == "sokolov" else step.approver
        memo.approve(actor=actor, step_key=step.key, org=ORG, now=later, comment="Согласен")
    return memo


def test_the_pdf_holds_the_number_the_content_every_step_in_order_and_the_hash() -> None:
    doc = memo_document(_memo_with_history(), ORG, audit_hash=HASH)
    text = pdf_text(render_memo_pdf(doc))
    for expected in (
        "Служебная записка № СЗ-2026-000123",
        "Статус: Согласована",
        "Егоров Константин Львович, Сотрудник",
        "Смирнова Мария Алексеевна, Бухгалтер",
        "Оплата выставочного стенда",
        "Прошу оплатить аренду стенда на автосалоне «Урал-Моторс».",
        "счёт №17.pdf — 2,3 МБ",
        "SHA-256: " + "ab" * 32,
        HASH,
        "15.12.2026 14:00 (UTC+05:00)",  # Egorov works in Yekaterinburg
    ):
        assert expected in text
    rows = [
        "1 1 Петров Сергей Иванович Директор дилерского центра за Соколов Игорь Дмитриевич"
        " Согласовано",
        "1 2 Сидоров Николай Викторович Директор дилерского центра — Согласовано",
        "1 3 Кузнецов Павел Андреевич Директор дилерского центра — Возвращено на доработку",
        "Нужна смета",
        "1 4 Фёдорова Елена Викторовна Финансовый директор, итоговый согласующий — "
        "Не рассматривалось",
        "2 1 Петров Сергей Иванович",
        "2 2 Сидоров Николай Викторович",
        "2 3 Кузнецов Павел Андреевич",
        "2 4 Фёдорова Елена Викторовна Финансовый директор, итоговый согласующий — Согласовано",
    ]
    assert -1 not in positions_in_order(text, rows), text


def test_step_times_show_the_zone_of_whoever_decided() -> None:
    doc = memo_document(_memo_with_history(), ORG, audit_hash=HASH)
    findir_step = doc.steps[-1]
    assert findir_step.decided_at is not None
    assert findir_step.decided_at.tzinfo == ZoneInfo("Europe/Moscow")  # head office
    sidorov_step = doc.steps[1]  # the director of a Yekaterinburg DC
    assert sidorov_step.decided_at is not None
    assert sidorov_step.decided_at.tzinfo == ZoneInfo("Asia/Yekaterinburg")
    moscow = memo_document(
        _memo_with_history(), ORG, audit_hash=HASH, zone=ZoneInfo("Europe/Moscow")
    )
    assert "15.12.2026 12:00 (UTC+03:00)" in pdf_text(render_memo_pdf(moscow))


def test_an_unnumbered_memo_has_no_document_yet() -> None:
    memo = _memo_with_history()
    memo.number = None
    with pytest.raises(ValueError, match="no number"):
        memo_document(memo, ORG, audit_hash=HASH)


def test_the_text_is_set_in_the_shipped_fonts() -> None:
    fetcher = LocalOnlyFetcher()
    pdf = render_memo_pdf(document(), fetcher=fetcher)
    assert sorted(Path(url.removeprefix("file://")).name for url in fetcher.served) == [
        "DejaVuSans-Bold.ttf",
        "DejaVuSans.ttf",
    ]
    assert fetcher.refused == []
    # weasyprint names embedded @font-face fonts after the CSS family: proof that the text
    # is set in the shipped files, not in a system font of the same design.
    assert {name.split("+")[-1] for name in font_names(pdf)} == {"Viza-Sans", "Viza-Sans-Bold"}
    assert (FONTS / "LICENSE-DejaVu.txt").is_file()


def test_cyrillic_renders_with_no_system_fonts_at_all(tmp_path: Path) -> None:
    config = tmp_path / "fonts.conf"
    config.write_text("<fontconfig><cachedir>" + str(tmp_path) + "</cachedir></fontconfig>")
    script = (
        "import sys; from tests.unit.memo.pdf_helpers import document;"
        "from formats.memo_pdf import render_memo_pdf;"
        "sys.stdout.buffer.write(render_memo_pdf(document()))"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, check=True
    )
    assert "Служебная записка № СЗ-2026-000123" in pdf_text(result.stdout)
    assert "Егоров Константин Львович" in pdf_text(result.stdout)


def test_a_long_text_wraps_and_paginates_and_the_table_header_repeats() -> None:
    word = "Сверхдлинноеслово" * 40  # wider than the page: must wrap, not overflow
    text = "\n".join(f"Абзац {n}. " + "Текст служебной записки. " * 12 for n in range(60))
    pages = pdf_pages(render_memo_pdf(document(text=text + "\n" + word, steps=50)))
    assert len(pages) >= 4
    joined = " ".join(pages)
    assert word in joined.replace(" ", "")
    assert -1 not in positions_in_order(joined, [f"Абзац {n}." for n in range(60)])
    assert -1 not in positions_in_order(joined, [f"Согласующий{n:02d}" for n in range(50)])
    with_rows = [page for page in pages if "Согласующий" in page.replace("Согласующий ", "")]
    headers = [page for page in with_rows if "Круг № Согласующий Роль За кого Решение" in page]
    assert len(with_rows) >= 2
    assert headers == with_rows


def test_rendering_logs_no_warnings(caplog: pytest.LogCaptureFixture) -> None:
    render_memo_pdf(document(steps=12))
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_control_characters_in_user_text_do_not_break_the_pdf() -> None:
    text = "до\x00после\x07\x1b[31m\x0cконец"
    assert "до\ufffdпосле" in render_memo_html(document(text=text))
    assert "конец" in pdf_text(render_memo_pdf(document(text=text)))


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2026, 11, 30, 7, 5, tzinfo=UTC), "30.11.2026 07:05 (UTC+00:00)"),
        (
            datetime(2026, 11, 30, 7, 5, tzinfo=UTC).astimezone(ZoneInfo("Asia/Kolkata")),
            "30.11.2026 12:35 (UTC+05:30)",
        ),
        (
            datetime(2026, 11, 30, 7, 5, tzinfo=UTC).astimezone(ZoneInfo("America/New_York")),
            "30.11.2026 02:05 (UTC-05:00)",
        ),
        (None, "—"),
    ],
)
def test_a_moment_shows_wall_time_with_its_offset(moment: datetime | None, shown: str) -> None:
    assert format_moment(moment) == shown


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 Б"),
        (1023, "1023 Б"),
        (1536, "1,5 КБ"),
        (2_500_000, "2,3 МБ"),
        (3 * 1024**3, "3,0 ГБ"),
    ],
)
def test_a_size_is_shown_in_binary_units(size: int, shown: str) -> None:
    assert format_size(size) == shown


def test_a_document_refuses_naive_times_and_a_malformed_hash() -> None:
    good = document()
    with pytest.raises(ValueError, match="64 lowercase hex"):
        MemoDocument(**{**good.__dict__, "audit_hash": "ABC"})
    naive = DocumentStep(1, 1, "А", "Б", "В", decided_at=datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        MemoDocument(**{**good.__dict__, "steps": (naive,)})

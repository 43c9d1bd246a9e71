"""Memo numbers, attachments, drafts and events: the small rules."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.memo import (
    Attachment,
    InvalidMemoNumber,
    Memo,
    MemoContentError,
    format_memo_number,
    parse_memo_number,
)
from tests.unit.memo.builders import NOW, SHA, attachment, draft, sample_org

ORG = sample_org()


@pytest.mark.parametrize(
    ("year", "seq", "number"),
    [
        (2026, 1, "СЗ-2026-000001"),
        (2026, 123, "СЗ-2026-000123"),
        (2027, 999_999, "СЗ-2027-999999"),
    ],
)
def test_a_memo_number_is_the_year_and_six_digits(year: int, seq: int, number: str) -> None:
    assert format_memo_number(year, seq) == number
    assert parse_memo_number(f" {number} ") == (year, seq)


@pytest.mark.parametrize(("year", "seq"), [(2026, 0), (2026, 1_000_000), (99, 1)])
def test_a_number_out_of_range_is_a_programming_error(year: int, seq: int) -> None:
    with pytest.raises(ValueError, match="out of range"):
        format_memo_number(year, seq)


@pytest.mark.parametrize(
    "text", ["СЗ-2026-123", "SZ-2026-000123", "СЗ-2026-000000", "СЗ-26-000123", ""]
)
def test_text_that_is_not_a_memo_number_is_refused_in_russian(text: str) -> None:
    with pytest.raises(InvalidMemoNumber, match="не похоже на номер"):
        parse_memo_number(text)


def test_a_memo_is_numbered_once() -> None:
    memo = draft(ORG)
    assert memo.assign_number(2026, 7) == "СЗ-2026-000007"
    with pytest.raises(ValueError, match="already numbered"):
        memo.assign_number(2026, 8)


@pytest.mark.parametrize(
    ("name", "size", "sha256", "message"),
    [
        (" ", 1, SHA, "нет имени"),
        ("a.pdf", -1, SHA, "отрицательным"),
        ("a.pdf", 1, "AB" * 32, "повреждена"),
        ("a.pdf", 1, "ab" * 31, "повреждена"),
    ],
)
def test_an_attachment_needs_a_name_a_size_and_a_sha256(
    name: str, size: int, sha256: str, message: str
) -> None:
    with pytest.raises(MemoContentError, match=message):
        Attachment(name=name, size=size, sha256=sha256)


def test_too_many_attachments_are_refused() -> None:
    with pytest.raises(MemoContentError, match="не больше 20 файлов"):
        Memo.draft(
            ORG,
            author="egorov",
            title="Т",
            text="Т",
            executor="smirnova",
            now=NOW,
            attachments=[attachment(f"{n}.pdf") for n in range(21)],
        )


def test_a_draft_keeps_its_content_trimmed_and_its_times_in_utc() -> None:
    moscow = datetime.fromisoformat("2026-11-30T10:00:00+03:00")
    memo = Memo.draft(
        ORG, author="egorov", title="  Тема ", text=" Текст\n", executor="smirnova", now=moscow
    )
    assert (memo.title, memo.text) == ("Тема", "Текст")
    assert memo.created_at == NOW
    assert memo.created_at.utcoffset() is not None
    assert memo.created_at.tzinfo is not None
    assert str(memo.created_at.tzinfo) == "UTC"


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Memo.draft(
            ORG,
            author="egorov",
            title="Т",
            text="Т",
            executor="smirnova",
            now=datetime(2026, 11, 30, 10, 0),  # noqa: DTZ001 - the point of the test
        )


def test_pulling_events_drains_them() -> None:
    memo = draft(ORG)
    memo.submit(actor="egorov", org=ORG, now=NOW)
    assert [e.name for e in memo.pull_events()] == ["memo.submitted"]
    assert memo.pull_events() == []

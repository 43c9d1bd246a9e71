"""The time left to the cutoff, in the reader's language (the card header, reminders)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n

from handlers.views import time_left_text

LOCALES = Path(__file__).resolve().parents[2] / "locales"
CASES = [
    (timedelta(hours=1, minutes=25), "1 ч 25 мин", "1 h 25 min"),
    (timedelta(minutes=14, seconds=1), "15 мин", "15 min"),
    (timedelta(hours=2), "2 ч", "2 h"),
    (timedelta(days=2, hours=22, minutes=10), "2 дн 22 ч", "2 d 22 h"),
    (timedelta(days=1), "1 дн", "1 d"),
    (timedelta(0), "срок прошёл", "time is up"),
]


@pytest.mark.parametrize(("left", "russian", "english"), CASES)
def test_time_left_reads_in_russian_and_in_english(
    left: timedelta, russian: str, english: str
) -> None:
    i18n = I18n(path=LOCALES, default_locale="ru")
    with i18n.context():
        assert time_left_text(left) == russian
        with i18n.use_locale("en"):
            assert time_left_text(left) == english

"""The calendar cases of the daily cutoff (issue 5): holidays and moved working days, an
upload after the cutoff, the reminder slot a moment falls in, and a reminder that reads in
the approver's own time (Novosibirsk time for a Novosibirsk director)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram.utils.i18n import I18n

from domain.calendar import BusinessCalendar, CutoffPolicy
from domain.register_route import Stage
from handlers import cutoff_views as views
from services.cutoff import Reminder, reminder_offset
from services.cutoff.ports import StageWaiting
from services.ports import PersonView

LOCALES = Path(__file__).resolve().parents[3] / "locales"
MSK = ZoneInfo("Europe/Moscow")
# 2026: 31 December and the New Year holidays are days off; Saturday 9 January 2027 is a
# moved working day (an assumption of this test calendar, not the real decree).
CALENDAR = BusinessCalendar(
    holidays=frozenset({date(2026, 12, 31), *(date(2027, 1, d) for d in range(1, 9))}),
    workdays=frozenset({date(2027, 1, 9)}),
)
POLICY = CutoffPolicy(CALENDAR, MSK, time(14, 0), (timedelta(minutes=60), timedelta(minutes=15)))


@pytest.fixture(autouse=True)
def russian() -> Iterator[None]:
    with I18n(path=LOCALES, default_locale="ru").context():
        yield


def msk(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "payment_date"),
    [
        (msk(date(2026, 12, 30), 13, 59), date(2026, 12, 30)),
        (msk(date(2026, 12, 30), 14, 0), date(2027, 1, 9)),  # over the holidays to Saturday
        (msk(date(2027, 1, 4), 10, 0), date(2027, 1, 9)),  # a holiday morning
        (msk(date(2027, 1, 9), 15, 0), date(2027, 1, 11)),  # the working Saturday, late
    ],
)
def test_an_upload_after_the_cutoff_or_on_a_day_off_goes_to_the_next_business_day(
    now, payment_date
):
    assert POLICY.payment_date_for_upload(now) == payment_date


def test_the_jobs_skip_holidays_and_run_on_moved_working_days():
    assert not CALENDAR.is_business_day(date(2026, 12, 31))
    assert CALENDAR.is_business_day(date(2027, 1, 9))
    assert CALENDAR.next_business_day(date(2026, 12, 30)) == date(2027, 1, 9)


@pytest.mark.parametrize(
    ("at", "offset"),
    [((12, 0), 60), ((13, 0), 60), ((13, 30), 60), ((13, 45), 15), ((13, 59), 15)],
)
def test_a_manual_reminder_takes_the_slot_its_moment_falls_in(at, offset):
    day = date(2026, 12, 16)
    assert reminder_offset(POLICY, [60, 15], day, msk(day, *at)) == offset
    assert reminder_offset(POLICY, [], day, msk(day, *at)) is None


def person(code: str) -> PersonView:
    return PersonView(1, code, "Попов Игорь", "ru", True, frozenset(), telegram_user_id=1)


def reminder(zone: str) -> Reminder:
    day = date(2026, 12, 16)
    waiting = StageWaiting(7, "Лексус Новосибирск", Stage.DC_DIRECTOR, "popov", None, 5, 3,
                           Decimal("12345.60"))  # fmt: skip
    return Reminder(person("popov"), (waiting,), POLICY.cutoff_moment(day), msk(day, 13), zone)


def test_a_novosibirsk_reminder_says_novosibirsk_time():
    text = views.reminder(reminder("Asia/Novosibirsk"))
    assert "18:00" in text and "Новосибирск, UTC+7" in text
    assert "осталось 1 ч" in text
    assert "14:00" not in text


def test_a_moscow_reminder_says_moscow_time():
    text = views.reminder(reminder("Europe/Moscow"))
    assert "14:00" in text and "Москва, UTC+3" in text

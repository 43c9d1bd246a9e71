from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import (
    BusinessCalendar,
    CutoffPolicy,
    format_local,
    time_left,
    time_left_parts,
)
from domain.errors import CalendarError

MSK = ZoneInfo("Europe/Moscow")
NSK = ZoneInfo("Asia/Novosibirsk")
EKB = ZoneInfo("Asia/Yekaterinburg")

# The November 2025 holidays of the Russian production calendar: Saturday 1 November is a
# working day, Monday 3 and Tuesday 4 November are holidays.
CALENDAR = BusinessCalendar(
    holidays=frozenset(
        {date(2025, 11, 3), date(2025, 11, 4), *(date(2026, 1, d) for d in range(1, 9))}
    ),
    workdays=frozenset({date(2025, 11, 1)}),
)
POLICY = CutoffPolicy(
    calendar=CALENDAR,
    head_office_tz=MSK,
    cutoff=time(14, 0),
    remind_before=(timedelta(minutes=15), timedelta(minutes=60)),
)


# Hypothesis takes naive bounds and attaches the zone itself.
START = datetime(2025, 1, 1)  # noqa: DTZ001
END = datetime(2027, 12, 31)  # noqa: DTZ001
MOMENTS = st.datetimes(min_value=START, max_value=END, timezones=st.just(UTC))


def msk(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=MSK).astimezone(UTC)


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2025, 10, 31), True),  # Friday
        (date(2025, 11, 1), True),  # moved working Saturday
        (date(2025, 11, 2), False),  # Sunday
        (date(2025, 11, 3), False),  # holiday Monday
        (date(2025, 11, 4), False),  # holiday Tuesday
        (date(2025, 11, 5), True),
        (date(2025, 11, 8), False),  # an ordinary Saturday
    ],
)
def test_business_days(day: date, business: bool) -> None:
    assert CALENDAR.is_business_day(day) is business


@pytest.mark.parametrize(
    ("day", "following"),
    [
        (date(2025, 10, 31), date(2025, 11, 1)),  # Friday -> working Saturday
        (date(2025, 11, 1), date(2025, 11, 5)),  # over Sunday and two holidays
        (date(2026, 12, 18), date(2026, 12, 21)),  # Friday -> Monday
        (date(2025, 12, 31), date(2026, 1, 9)),  # over the New Year holidays
    ],
)
def test_the_next_business_day(day: date, following: date) -> None:
    assert CALENDAR.next_business_day(day) == following


@pytest.mark.parametrize(
    ("now", "payment_date"),
    [
        (msk(2026, 12, 16, 9, 0), date(2026, 12, 16)),  # a Wednesday morning: today
        (msk(2026, 12, 16, 13, 59), date(2026, 12, 16)),
        (msk(2026, 12, 16, 14, 0), date(2026, 12, 17)),  # at the cutoff: tomorrow
        (msk(2026, 12, 16, 18, 30), date(2026, 12, 17)),  # after the cutoff
        (msk(2026, 12, 18, 15, 0), date(2026, 12, 21)),  # Friday after the cutoff: Monday
        (msk(2026, 12, 19, 10, 0), date(2026, 12, 21)),  # Saturday: Monday
        (msk(2025, 11, 3, 10, 0), date(2025, 11, 5)),  # holiday morning
        (msk(2025, 11, 1, 10, 0), date(2025, 11, 1)),  # working Saturday before the cutoff
        (datetime(2026, 12, 16, 22, 30, tzinfo=UTC), date(2026, 12, 17)),  # 01:30 MSK Thu
    ],
)
def test_the_payment_date_of_an_upload(now: datetime, payment_date: date) -> None:
    assert POLICY.payment_date_for_upload(now) == payment_date


def test_the_cutoff_is_head_office_time_and_reads_locally_per_city() -> None:
    moment = POLICY.cutoff_moment(date(2026, 12, 16))
    assert moment == datetime(2026, 12, 16, 11, 0, tzinfo=UTC)
    assert format_local(moment, MSK).time() == time(14, 0)
    assert format_local(moment, EKB).time() == time(16, 0)
    assert format_local(moment, NSK).time() == time(18, 0)
    assert format_local(moment, NSK).tzinfo == NSK


def test_the_next_cutoff_after_a_friday_cutoff_is_monday() -> None:
    assert POLICY.next_cutoff(msk(2026, 12, 18, 14, 0)) == msk(2026, 12, 21, 14, 0)
    assert POLICY.next_cutoff(msk(2026, 12, 18, 13, 0)) == msk(2026, 12, 18, 14, 0)


def test_reminders_come_before_the_cutoff_earliest_first() -> None:
    assert POLICY.reminder_moments(date(2026, 12, 16)) == (
        msk(2026, 12, 16, 13, 0),
        msk(2026, 12, 16, 13, 45),
    )


def test_a_novosibirsk_reminder_reads_in_novosibirsk_time() -> None:
    first = POLICY.reminder_moments(date(2026, 12, 16))[0]
    assert format_local(first, NSK).strftime("%H:%M") == "17:00"
    left = time_left(first, POLICY.cutoff_moment(date(2026, 12, 16)))
    assert time_left_parts(left) == (0, 1, 0)


@pytest.mark.parametrize(
    ("left", "parts"),
    [
        (timedelta(hours=1, minutes=25), (0, 1, 25)),
        (timedelta(minutes=15), (0, 0, 15)),
        (timedelta(minutes=14, seconds=1), (0, 0, 15)),  # rounded up
        (timedelta(seconds=20), (0, 0, 1)),
        (timedelta(hours=2), (0, 2, 0)),
        (timedelta(days=2, hours=22, minutes=10), (2, 22, 10)),
        (timedelta(days=1), (1, 0, 0)),
        (timedelta(0), None),
        (timedelta(minutes=-5), None),
    ],
)
def test_time_left_in_days_hours_and_minutes(
    left: timedelta, parts: tuple[int, int, int] | None
) -> None:
    assert time_left_parts(left) == parts


def test_time_left_never_goes_negative() -> None:
    cutoff = msk(2026, 12, 16, 14, 0)
    assert time_left(cutoff + timedelta(minutes=1), cutoff) == timedelta(0)
    assert time_left(cutoff - timedelta(minutes=15), cutoff) == timedelta(minutes=15)


def test_naive_moments_are_refused() -> None:
    with pytest.raises(CalendarError):
        POLICY.payment_date_for_upload(datetime(2026, 12, 16, 10, 0))  # noqa: DTZ001


@pytest.mark.parametrize(
    "build",
    [
        lambda: BusinessCalendar(frozenset({date(2025, 11, 1)}), frozenset({date(2025, 11, 1)})),
        lambda: CutoffPolicy(CALENDAR, MSK, time(14, 0), (timedelta(0),)),
        lambda: CutoffPolicy(CALENDAR, MSK, time(14, 0, tzinfo=UTC)),
    ],
)
def test_an_impossible_schedule_is_refused(build: object) -> None:
    with pytest.raises(CalendarError):
        build()  # type: ignore[operator]


def test_a_calendar_without_business_days_fails_instead_of_looping() -> None:
    start = date(2026, 1, 1)
    every_day = frozenset(start + timedelta(days=n) for n in range(800))
    with pytest.raises(CalendarError):
        BusinessCalendar(holidays=every_day).next_business_day(start)


@given(MOMENTS)
def test_the_payment_date_is_a_business_day_whose_cutoff_is_still_ahead(now: datetime) -> None:
    payment_date = POLICY.payment_date_for_upload(now)
    assert CALENDAR.is_business_day(payment_date)
    assert POLICY.cutoff_moment(payment_date) > now
    assert POLICY.next_cutoff(now) - now <= timedelta(days=12)


@given(MOMENTS)
def test_no_earlier_payment_date_was_still_open(now: datetime) -> None:
    payment_date = POLICY.payment_date_for_upload(now)
    day = now.astimezone(MSK).date()
    while day < payment_date:
        assert not (CALENDAR.is_business_day(day) and POLICY.cutoff_moment(day) > now)
        day += timedelta(days=1)

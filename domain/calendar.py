"""The business calendar and the daily cutoff policy (head-office time)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.errors import CalendarError

_SATURDAY = 5
# A calendar with no business day in two years is a configuration mistake, not a long holiday.
_SEARCH_LIMIT_DAYS = 731


@dataclass(frozen=True)
class BusinessCalendar:
    """Business days: Monday to Friday, minus ``holidays``, plus ``workdays`` (moved working
    Saturdays or Sundays).

    Invariant: no date is both a holiday and a workday.
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        both = sorted(self.holidays & self.workdays)
        if both:
            days = ", ".join(d.isoformat() for d in both)
            raise CalendarError(f"Даты указаны и как праздник, и как рабочий день: {days}.")

    def is_business_day(self, day: date) -> bool:
        """True when payments are made on ``day``."""
        if day in self.workdays:
            return True
        return day.weekday() < _SATURDAY and day not in self.holidays

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after ``day``."""
        return self.business_day_on_or_after(day + timedelta(days=1))

    def business_day_on_or_after(self, day: date) -> date:
        """``day`` itself if it is a business day, else the next one."""
        candidate = day
        for _ in range(_SEARCH_LIMIT_DAYS):
            if self.is_business_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise CalendarError(f"В календаре нет рабочих дней после {day.isoformat()}.")


@dataclass(frozen=True)
class CutoffPolicy:
    """The daily cutoff: payments approved before ``cutoff`` (head-office wall time) on a
    business day are paid that day; later uploads go to the next business day.

    Invariants: ``cutoff`` is a naive wall time; every ``remind_before`` offset is positive.
    All moments taken and returned are timezone-aware; returned moments are in UTC.
    """

    calendar: BusinessCalendar
    head_office_tz: ZoneInfo
    cutoff: time
    remind_before: tuple[timedelta, ...] = ()

    def __post_init__(self) -> None:
        if self.cutoff.tzinfo is not None:
            raise CalendarError(
                "Время отсечки задаётся без часового пояса (время головного офиса)."
            )
        if any(offset <= timedelta(0) for offset in self.remind_before):
            raise CalendarError("Напоминания задаются положительным числом минут до отсечки.")

    def payment_date_for_upload(self, now_utc: datetime) -> date:
        """Today (head-office date) if it is a business day and the cutoff has not come yet;
        otherwise the next business day."""
        local = _require_aware(now_utc).astimezone(self.head_office_tz)
        today = local.date()
        if self.calendar.is_business_day(today) and local.time() < self.cutoff:
            return today
        return self.calendar.next_business_day(today)

    def cutoff_moment(self, day: date) -> datetime:
        """The cutoff of business date ``day`` as a UTC moment."""
        local = datetime.combine(day, self.cutoff, tzinfo=self.head_office_tz)
        return local.astimezone(UTC)

    def next_cutoff(self, now_utc: datetime) -> datetime:
        """The first cutoff strictly after ``now_utc`` (UTC)."""
        return self.cutoff_moment(self.payment_date_for_upload(now_utc))

    def reminder_moments(self, day: date) -> tuple[datetime, ...]:
        """The reminder moments of business date ``day`` (UTC), earliest first."""
        cutoff = self.cutoff_moment(day)
        return tuple(sorted({cutoff - offset for offset in self.remind_before}))


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError("Ожидалось время с часовым поясом.")
    return moment


def format_local(moment: datetime, tz: ZoneInfo) -> datetime:
    """``moment`` as wall time in ``tz`` (e.g. a person's city), still timezone-aware."""
    return _require_aware(moment).astimezone(tz)


def time_left(now: datetime, deadline: datetime) -> timedelta:
    """Time from ``now`` until ``deadline``; zero once the deadline has come."""
    left = _require_aware(deadline) - _require_aware(now)
    return max(left, timedelta(0))


def time_left_parts(left: timedelta) -> tuple[int, int, int] | None:
    """(days, hours, minutes) of the time left, for «2 дн 3 ч», «1 ч 25 мин», «15 мин»;
    None once the deadline has passed. Minutes are rounded up, so any time left shows at
    least one minute. (The words are the bot's: ``handlers.views.time_left_text``.)"""
    if left <= timedelta(0):
        return None
    minutes = math.ceil(left.total_seconds() / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    return days, hours, mins

"""The daily jobs on a schedule (APScheduler 3, `AsyncIOScheduler`): a cron per reminder
offset, the cutoff (with the digest right after it), and a later digest as a safety net —
all in head-office time, every day; each job checks the business calendar itself, so moved
working Saturdays run and holidays do not.

Jobs hold no state: fixed ids and ``replace_existing=True``; each run is an idempotent scan
of one business date (the ``job_run`` ledger), so several instances may all schedule them.
The cron times follow the application clock: with ``[clock] shift_minutes`` the jobs fire
when the shifted clock reads the cutoff.

    scheduler = start_scheduler(app, runner)   # in run_bot, once the bot is up
    ...
    scheduler.shutdown(wait=False)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.application import Application
from bot.config import ScheduleSettings
from bot.jobs import DIGEST_SAFETY_NET, JobRunner
from services.ports import Clock

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}


def reminder_job_id(minutes: int) -> str:
    return f"viza-remind-{minutes}"


CUTOFF_JOB_ID = "viza-cutoff"
DIGEST_JOB_ID = "viza-digest"


def build_scheduler(
    schedule: ScheduleSettings, clock: Clock, runner: JobRunner
) -> AsyncIOScheduler:
    """The scheduler with every job added (not started)."""
    zone = ZoneInfo(schedule.timezone)
    shift = _clock_shift(clock)
    scheduler = AsyncIOScheduler(timezone=zone, job_defaults=dict(JOB_DEFAULTS))

    def cron(before_cutoff: timedelta) -> CronTrigger:
        wall = datetime.combine(date(2000, 1, 3), schedule.cutoff) - before_cutoff - shift
        return CronTrigger(hour=wall.hour, minute=wall.minute, second=wall.second, timezone=zone)

    for minutes in schedule.remind_before:
        scheduler.add_job(
            runner.scheduled_reminder, cron(timedelta(minutes=minutes)),
            id=reminder_job_id(minutes), kwargs={"offset": minutes}, replace_existing=True,
        )  # fmt: skip
    scheduler.add_job(
        runner.scheduled_cutoff, cron(timedelta(0)), id=CUTOFF_JOB_ID, replace_existing=True
    )
    scheduler.add_job(
        runner.scheduled_digest, cron(-DIGEST_SAFETY_NET), id=DIGEST_JOB_ID,
        replace_existing=True,
    )  # fmt: skip
    return scheduler


def start_scheduler(app: Application, runner: JobRunner) -> AsyncIOScheduler:
    """Build and start it on the running event loop."""
    scheduler = build_scheduler(app.settings.schedule, app.clock, runner)
    scheduler.start()
    return scheduler


def _clock_shift(clock: Clock) -> timedelta:
    """How far the application clock is ahead of the wall clock, to whole seconds."""
    ahead = clock.now() - datetime.now(UTC)
    return timedelta(seconds=round(ahead.total_seconds()))


__all__ = [
    "CUTOFF_JOB_ID",
    "DIGEST_JOB_ID",
    "build_scheduler",
    "reminder_job_id",
    "start_scheduler",
]

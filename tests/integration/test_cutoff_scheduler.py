"""The scheduler's jobs and the runner they call: fixed job ids, a cron per reminder offset
and the cutoff in head-office time (following a shifted application clock), and scheduled
runs that take their business date from the application clock, the cutoff followed by the
digest, each run once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.application import Application
from bot.clock import SystemClock
from bot.config import Settings
from bot.jobs import JobRunner
from bot.scheduler import CUTOFF_JOB_ID, DIGEST_JOB_ID, build_scheduler, reminder_job_id
from domain.org import load_org_toml
from services.cutoff import Digest, Job, MissedNotice, Reminder
from services.ports import PersonView
from tests.conftest import FIXTURES, SetClock


class Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def reminders(self, reminders: Sequence[Reminder]) -> int:
        self.calls.append("remind")
        return len(reminders)

    async def missed(self, notices: Sequence[MissedNotice]) -> int:
        self.calls.append("missed")
        return len(notices)

    async def digest(self, digest: Digest, recipients: Sequence[PersonView]) -> int:
        self.calls.append(f"digest {digest.day.isoformat()}")
        return len(recipients)


def settings(tmp_path: Path) -> Settings:
    return Settings(database={"url": f"sqlite+aiosqlite:///{tmp_path / 'viza.sqlite3'}"})


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[Application]:
    clock = SetClock(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))
    opened = await Application.open(settings(tmp_path), clock)
    await opened.usecases.import_org(
        load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8"))
    )
    yield opened
    await opened.close()


def fields(trigger: object) -> tuple[str, str, str]:
    by_name = {f.name: str(f) for f in trigger.fields}  # type: ignore[attr-defined]
    return by_name["hour"], by_name["minute"], by_name["second"]


@pytest.mark.parametrize(("shift", "cutoff_at"), [(0, ("14", "0", "0")), (30, ("13", "30", "0"))])
async def test_every_job_has_a_fixed_id_and_a_head_office_cron(app, shift, cutoff_at):
    runner = JobRunner(app, Recorder())
    clock = SystemClock(timedelta(minutes=shift))
    scheduler = build_scheduler(app.settings.schedule, clock, runner)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {reminder_job_id(60), reminder_job_id(15), CUTOFF_JOB_ID, DIGEST_JOB_ID}
    assert fields(jobs[CUTOFF_JOB_ID].trigger) == cutoff_at
    if shift == 0:
        assert fields(jobs[reminder_job_id(60)].trigger) == ("13", "0", "0")
        assert fields(jobs[reminder_job_id(15)].trigger) == ("13", "45", "0")
        assert fields(jobs[DIGEST_JOB_ID].trigger) == ("14", "15", "0")
    assert str(jobs[CUTOFF_JOB_ID].trigger.timezone) == "Europe/Moscow"
    again = build_scheduler(app.settings.schedule, clock, runner)
    assert {job.id for job in again.get_jobs()} == set(jobs)


async def test_scheduled_runs_take_their_day_from_the_application_clock(app):
    recorder = Recorder()
    runner = JobRunner(app, recorder)
    clock = app.clock
    assert isinstance(clock, SetClock)
    clock.moment = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 13:00 Moscow, 60 min before
    await runner.scheduled_reminder(60)
    clock.moment = datetime(2026, 11, 30, 11, 0, 2, tzinfo=UTC)  # just after the cutoff
    await runner.scheduled_cutoff()
    assert recorder.calls == ["remind", "missed", "digest 2026-11-30"]
    clock.moment += timedelta(minutes=15)  # the safety net finds the digest done
    await runner.scheduled_digest()
    await runner.scheduled_cutoff()
    assert recorder.calls == ["remind", "missed", "digest 2026-11-30"]


async def test_nothing_runs_on_a_saturday(app):
    recorder = Recorder()
    runner = JobRunner(app, recorder)
    assert isinstance(app.clock, SetClock)
    app.clock.moment = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)
    await runner.scheduled_cutoff()
    assert recorder.calls == []
    report = await runner.run(Job.CUTOFF, date(2026, 12, 5))
    assert "не рабочий день" in report.message

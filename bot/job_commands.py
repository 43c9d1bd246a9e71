"""``viza job run remind|cutoff|digest [--date YYYY-MM-DD] [--offset MIN]``: one daily job by
hand, for a missed day or a test. It runs exactly like the scheduled one — the same ledger,
so a day already done is not done twice (the command says so). The date defaults to today
(head-office time, by the application clock: ``[clock] now`` or ``shift_minutes`` set it);
a reminder's offset defaults to the reminder slot the clock is in."""

from __future__ import annotations

import argparse
from datetime import date

from bot.config import ConfigError, Settings


def add_job_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    job = sub.add_parser("job", help="daily jobs: reminders, cutoff, digest")
    commands = job.add_subparsers(dest="job_command", required=True)
    run = commands.add_parser("run", help="run one job for one business date")
    run.add_argument("job", choices=["remind", "cutoff", "digest"])
    run.add_argument("--date", type=date.fromisoformat, help="business date, YYYY-MM-DD")
    run.add_argument("--offset", type=int, help="reminder: minutes before the cutoff")


async def job(settings: Settings, args: argparse.Namespace) -> int:
    if settings.telegram.token is None:
        raise ConfigError("telegram.token не задан: задаче некуда отправлять сообщения.")
    from zoneinfo import ZoneInfo

    from bot.app import make_bot
    from bot.application import Application
    from bot.jobs import JobRunner, make_notifier, make_sender
    from services.cutoff import Job

    app = await Application.open(settings)
    bot = make_bot(settings)
    try:
        runner = JobRunner(app, make_sender(make_notifier(bot, app), app))
        zone = ZoneInfo(settings.schedule.timezone)
        day = args.date or app.clock.now().astimezone(zone).date()
        report = await runner.run(Job(args.job), day, args.offset)
    finally:
        await bot.session.close()
        await app.close()
    print(report.message)
    return 0

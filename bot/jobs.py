"""Running the daily jobs (PRODUCT §5), for the scheduler and for ``viza job run``: the
sender over the notifier, the DCs' payer details from config, and the business date a
scheduled run belongs to (taken from the application clock, never the wall clock)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.utils.i18n import I18n

from bot.application import Application
from bot.config import Settings
from bot.i18n import make_i18n
from bot.notifier import Notifier
from formats.exports import PayerDetails
from handlers.cutoff_sender import TelegramCutoffSender
from services.cutoff import CutoffSender, Job, JobReport, default_instance, reminder_offset

log = logging.getLogger("viza.jobs")
DIGEST_SAFETY_NET = timedelta(minutes=15)  # the scheduled digest, should the cutoff's fail


def make_notifier(bot: Bot, app: Application) -> Notifier:
    async def blocked(chat_id: int) -> None:
        await app.usecases.mark_blocked(chat_id, blocked=True)

    return Notifier(bot, on_blocked=blocked)


def make_sender(
    notifier: Notifier, app: Application, i18n: I18n | None = None
) -> TelegramCutoffSender:
    """The jobs' sender over the notifier (``i18n``: the dispatcher's, when there is one);
    people Telegram cannot reach get the text in Bitrix24 when it is configured."""
    notify = app.usecases.notify_bitrix
    return TelegramCutoffSender(notifier, i18n or make_i18n(), bitrix=notify)


def payers(settings: Settings) -> dict[str, PayerDetails]:
    """``[dealer_centers.<code>]`` of the config, as the 1C export takes them."""
    return {
        code: PayerDetails(
            payer=s.payer, inn=s.inn, kpp=s.kpp, account=s.account, bank=s.bank,
            bik=s.bik, correspondent_account=s.correspondent_account, bank_city=s.bank_city,
        )
        for code, s in settings.dealer_centers.items()
    }  # fmt: skip


@dataclass
class JobRunner:
    """Runs one job for one business date; the same for the scheduler and the CLI."""

    app: Application
    sender: CutoffSender
    instance: str = field(default_factory=default_instance)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.app.settings.schedule.timezone)

    async def run(self, job: Job, day: date, offset: int | None = None) -> JobReport:
        cases = self.app.usecases.cutoff
        if job is Job.REMIND:
            minutes = offset if offset is not None else self._current_offset(day)
            return await cases.remind(day, minutes, self.sender, instance=self.instance)
        if job is Job.CUTOFF:
            return await cases.cutoff(day, self.sender, instance=self.instance)
        return await cases.digest(
            day, self.sender, payers(self.app.settings), instance=self.instance
        )

    def _current_offset(self, day: date) -> int:
        offsets = self.app.settings.schedule.remind_before
        policy = self.app.usecases.cutoff.rules.cutoff
        found = reminder_offset(policy, offsets, day, self.app.clock.now())
        if found is None:
            raise ValueError("schedule.remind_before пуст: напоминания отключены.")
        return found

    # --- what the scheduler calls ------------------------------------------------------

    async def scheduled_reminder(self, offset: int) -> None:
        """The day whose cutoff comes ``offset`` minutes from now."""
        now = self.app.clock.now() + timedelta(minutes=offset)
        await self._logged(Job.REMIND, now.astimezone(self.zone).date(), offset)

    async def scheduled_cutoff(self) -> None:
        """The cutoff, then the digest right after it."""
        day = self.app.clock.now().astimezone(self.zone).date()
        report = await self._logged(Job.CUTOFF, day)
        if report is not None and report.done:
            await self._logged(Job.DIGEST, day)

    async def scheduled_digest(self) -> None:
        day = (self.app.clock.now() - DIGEST_SAFETY_NET).astimezone(self.zone).date()
        await self._logged(Job.DIGEST, day)

    async def _logged(self, job: Job, day: date, offset: int | None = None) -> JobReport | None:
        try:
            report = await self.run(job, day, offset)
        except Exception:  # a failed run stays claimed-unfinished; another takes it over
            log.exception("job %s for %s failed", job.value, day.isoformat())
            return None
        log.info("job %s for %s: %s", job.value, day.isoformat(), report.message)
        return report

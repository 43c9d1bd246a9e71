"""The finance digest right after the cutoff (PRODUCT §5), to every finance director, chief
accountant and treasurer: per DC and in total, count and sum approved, rejected, missed and
still open; the largest payments; who left items waiting; and the day's approved payments
as .xlsx and as a 1C bank-exchange file. It waits for that day's cutoff to have finished."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from domain.register_approval import ItemStatus
from domain.roles import Role
from formats.exports import ApprovedPayment, PayerDetails, onec_exchange, payments_xlsx
from services.cutoff.base import JobReport, JobUseCase, day_text
from services.cutoff.ports import (
    CutoffSender,
    DcFigures,
    Digest,
    DigestFile,
    FigureRow,
    Figures,
    Job,
    JobKey,
    JobRun,
    LateRegister,
)
from services.ports import PersonView

RECIPIENTS = (Role.FINANCE_DIRECTOR, Role.CHIEF_ACCOUNTANT, Role.TREASURER)
_KINDS = {
    ItemStatus.APPROVED.value: "approved",
    ItemStatus.REJECTED.value: "rejected",
    ItemStatus.MISSED.value: "missed",
    ItemStatus.PENDING.value: "open",
}


class RunDigest(JobUseCase):
    async def __call__(
        self,
        day: date,
        sender: CutoffSender,
        payers: Mapping[str, PayerDetails],
        *,
        instance: str | None = None,
    ) -> JobReport:
        key = JobKey(Job.DIGEST, day)
        if (skipped := self._not_business(key)) is not None:
            return skipped
        async with self._uow() as uow:
            cutoff = await uow.cutoff.run_of(JobKey(Job.CUTOFF, day))
        if cutoff is None or cutoff.finished_at is None:
            text = f"Отсечка {day_text(day)} ещё не выполнена — сводку отправлять рано."
            return JobReport(key, False, text)
        title = f"Сводка за {day_text(day)}"
        claim = await self._claim(key, instance)
        if not claim.ours:
            return self._held(claim, title)
        digest, recipients = await self._collect(day, cutoff, payers)
        sent = await sender.digest(digest, recipients)
        result = {
            "recipients": len(recipients),
            "sent": sent,
            "approved": digest.total.approved.count,
            "bank_file": digest.bank_file_count,
        }
        await self._finish(claim.run.id, result)
        message = f"{title}: отправлена {sent} из {len(recipients)} получателей."
        return JobReport(key, True, message, sent, result)

    async def _collect(
        self, day: date, cutoff: JobRun, payers: Mapping[str, PayerDetails]
    ) -> tuple[Digest, list[PersonView]]:
        async with self._uow() as uow:
            rows = await uow.cutoff.figures(day)
            payments = list(await uow.cutoff.approved_payments(day))
            recipients: dict[int, PersonView] = {}
            for role in RECIPIENTS:
                for person in await uow.org.people_with_role(role):
                    recipients.setdefault(person.id, person)
        digest = await asyncio.to_thread(self._digest, day, rows, payments, cutoff, payers)
        return digest, sorted(recipients.values(), key=lambda p: p.full_name)

    def _digest(
        self,
        day: date,
        rows: Sequence[FigureRow],
        payments: list[ApprovedPayment],
        cutoff: JobRun,
        payers: Mapping[str, PayerDetails],
    ) -> Digest:
        created = self._clock.now().astimezone(self.policy.head_office_tz)
        bank = onec_exchange(payments, payers, day=day, created_at=created)
        files = [DigestFile(f"viza-payments-{day.isoformat()}.xlsx", payments_xlsx(payments, day),
                            f"Согласованные платежи на {day_text(day)}")]  # fmt: skip
        if bank.data is not None:
            files.append(DigestFile(f"viza-1c-{day.isoformat()}.txt", bank.data,
                                    f"Файл для банк-клиента (1С) на {day_text(day)}"))  # fmt: skip
        dcs = _per_dc(rows)
        largest = sorted(payments, key=lambda p: (p.currency != "RUB", -p.amount))
        return Digest(
            day=day,
            dcs=dcs,
            total=_total(dcs),
            largest=tuple(largest[: self._rules.largest]),
            late=_late(cutoff),
            files=tuple(files) if payments else (),
            bank_file_count=len(bank.included),
            bank_file_total=bank.total,
            without_payer=tuple(sorted({p.dc_name for p in bank.without_payer})),
            foreign_currency=len(bank.foreign_currency),
        )


def _per_dc(rows: Sequence[FigureRow]) -> tuple[DcFigures, ...]:
    found: dict[tuple[str, str], dict[str, dict[str, tuple[int, Decimal]]]] = {}
    for row in rows:
        kind = _KINDS.get(row.status)
        if kind is None:  # withdrawn items are no part of the day's run
            continue
        kinds = found.setdefault((row.dc_code, row.dc_name), {})
        count, amount = kinds.setdefault(kind, {}).get(row.currency, (0, Decimal("0.00")))
        kinds[kind][row.currency] = (count + row.count, amount + row.amount)
    return tuple(
        _figures(code, name, kinds)
        for (code, name), kinds in sorted(found.items(), key=lambda kv: kv[0][1])
    )


def _figures(
    code: str, name: str, kinds: Mapping[str, Mapping[str, tuple[int, Decimal]]]
) -> DcFigures:
    def of(kind: str) -> Figures:
        per_currency = kinds.get(kind, {})
        count = sum(n for n, _ in per_currency.values())
        return Figures(count, {c: amount for c, (_, amount) in sorted(per_currency.items())})

    return DcFigures(code, name, of("approved"), of("rejected"), of("missed"), of("open"))


def _total(dcs: Sequence[DcFigures]) -> DcFigures:
    def add(kind: str) -> Figures:
        sums: dict[str, Decimal] = {}
        count = 0
        for dc in dcs:
            figures: Figures = getattr(dc, kind)
            count += figures.count
            for currency, amount in (figures.sums or {}).items():
                sums[currency] = sums.get(currency, Decimal("0.00")) + amount
        return Figures(count, dict(sorted(sums.items())))

    return DcFigures("", "Итого", add("approved"), add("rejected"), add("missed"), add("open"))


def _late(cutoff: JobRun) -> tuple[LateRegister, ...]:
    found = (cutoff.result or {}).get("late")
    if not isinstance(found, list):
        return ()
    return tuple(
        LateRegister(
            register_id=int(entry["register_id"]),
            dc_name=str(entry["dc_name"]),
            stage=str(entry["stage"]),
            waiting=int(entry["waiting"]),
            undecided=int(entry["undecided"]),
            people=tuple(str(p) for p in entry["people"]),
        )
        for entry in found
        if isinstance(entry, dict)
    )

"""Upload a payment register by file (PRODUCT §3 «Upload»): parse off the event loop, check,
and store a clean file as a draft in one transaction; a file with errors stores nothing."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from domain.register_approval import RegisterStatus
from domain.register_checks import DuplicateKey, PriorItem, review_warnings, row_keys
from domain.registers_rows import ParsedRegister, RegisterWarning, WarningKind
from formats.registers import ReadLimits, RegisterFileError, read_register
from formats.registers.limits import check_file_size
from services.errors import NotAllowed
from services.ports import AuditEvent, Clock, PersonView
from services.register_ports import (
    DealerCenterRef,
    NewRegister,
    NewRegisterFile,
    PriorPayment,
    RegisterSummary,
    RegisterUowFactory,
    summarize_groups,
)
from services.registers.model import (
    DraftReady,
    FileRefused,
    NeedDealerCenter,
    RegisterRules,
    Rejected,
    UploadOutcome,
)

_DUPLICATES = (WarningKind.DUPLICATE_IN_FILE, WarningKind.DUPLICATE_PRIOR)
# The same file for the same DC from the same person within this window is the same
# upload (a double tap), answered with the draft made the first time.
SAME_UPLOAD_WINDOW = timedelta(minutes=10)


class UploadRegister:
    """An accountant sends a register file.

    Only a person who keeps the books of a DC may upload, and only for such a DC (``dc_id``,
    needed when they serve several). The file is read in a worker thread so the bot's loop
    never blocks. A clean file becomes a draft (register, items, original file, audit
    entry) in one transaction; a file with errors stores nothing.
    """

    def __init__(self, uow: RegisterUowFactory, clock: Clock, rules: RegisterRules) -> None:
        self._uow, self._clock, self._rules = uow, clock, rules

    @property
    def limits(self) -> ReadLimits:
        return self._rules.limits

    async def precheck(self, actor: PersonView, size: int | None) -> None:
        """Refuse early, before the file is downloaded: who may upload, and the size cap."""
        await self._served(actor)
        if size is not None and size > self._rules.limits.max_file_bytes:
            raise FileRefused(
                f"Файл слишком большой: {_mb(size)} МБ, предел — "
                f"{_mb(self._rules.limits.max_file_bytes)} МБ."
            )

    async def __call__(
        self,
        actor: PersonView,
        filename: str,
        data: bytes,
        dc_id: int | None = None,
        *,
        telegram_file_id: str | None = None,
    ) -> UploadOutcome:
        served = await self._served(actor)
        dc = _pick(served, dc_id)
        try:
            check_file_size(data, self._rules.limits)
            parsed, digest, keys = await asyncio.to_thread(
                _read, filename, data, self._rules.limits
            )
        except RegisterFileError as error:
            return _rejected(filename, (error.message,))
        if parsed.errors:
            return _rejected(filename, tuple(issue.message for issue in parsed.errors))
        if dc is None:
            return NeedDealerCenter(tuple(served))
        upload = NewRegisterFile(filename, data, digest, telegram_file_id)
        return DraftReady(await self._store(actor, dc, parsed, upload, keys))

    async def _served(self, actor: PersonView) -> Sequence[DealerCenterRef]:
        async with self._uow() as uow:
            served = await uow.registers.dealer_centers_served_by(actor.id) if actor.active else ()
            if served:
                return served
            accountants = await uow.registers.accountants_for(actor.id)
        raise NotAllowed(_who_can(accountants))

    async def _store(
        self,
        actor: PersonView,
        dc: DealerCenterRef,
        parsed: ParsedRegister,
        upload: NewRegisterFile,
        keys: list[DuplicateKey],
    ) -> RegisterSummary:
        now, rules = self._clock.now(), self._rules
        today = now.astimezone(rules.cutoff.head_office_tz).date()
        async with self._uow() as uow:
            twin = await uow.registers.same_draft(
                actor.id, dc.id, upload.sha256, now - SAME_UPLOAD_WINDOW
            )
            if twin is not None:  # a second tap on the DC button, or the file sent twice
                summary = await uow.registers.summary(twin)
                assert summary is not None
                return summary
            prior = await uow.registers.prior_payments(set(keys), now - rules.duplicate_window)
            warnings = parsed.warnings + review_warnings(
                parsed.rows,
                today=today,
                ceo_threshold=rules.ceo_threshold,
                prior=[self._prior_item(p) for p in prior],
                keys=keys,
            )
            draft = self._draft(actor, dc, parsed, warnings, upload, keys, now)
            register_id = await uow.registers.add_draft(draft)
            await uow.audit.append(_uploaded(actor, register_id, dc, draft, parsed), now)
            await uow.commit()
        # Built from what was just stored rather than read back: a 10,000-row register
        # would otherwise pay for a second pass over its items.
        return _summary(register_id, dc, draft)

    def _draft(  # noqa: PLR0917  (one call site, every part of the draft)
        self,
        actor: PersonView,
        dc: DealerCenterRef,
        parsed: ParsedRegister,
        warnings: tuple[RegisterWarning, ...],
        upload: NewRegisterFile,
        keys: list[DuplicateKey],
        now: datetime,
    ) -> NewRegister:
        threshold = self._rules.ceo_threshold
        return NewRegister(
            dc_id=dc.id,
            uploaded_by_id=actor.id,
            payment_date=self._rules.cutoff.payment_date_for_upload(now),
            source_format=str(parsed.source_format),
            rows=parsed.rows,
            warnings=warnings,
            file=upload,
            created_at=now,
            keys=keys,
            notes=_duplicate_notes(warnings),
            over_threshold=frozenset(
                row.line
                for row in parsed.rows
                if row.currency == "RUB" and row.amount >= threshold
            ),
        )

    def _prior_item(self, payment: PriorPayment) -> PriorItem:
        created = payment.register_created_at.astimezone(self._rules.cutoff.head_office_tz)
        return PriorItem(
            inn=payment.inn,
            invoice_number=payment.invoice_number,
            amount=payment.amount,
            register_label=f"реестр №{payment.register_id} от {created:%d.%m.%Y}",
            dc_label=payment.dc_name,
            purpose=payment.purpose,
        )


def _summary(register_id: int, dc: DealerCenterRef, draft: NewRegister) -> RegisterSummary:
    amounts: dict[tuple[str, str | None], list[Decimal]] = {}
    for row in draft.rows:
        group = amounts.get((row.currency, row.category))
        if group is None:
            group = amounts[row.currency, row.category] = []
        group.append(row.amount)
    totals, by_category = summarize_groups(
        (currency, category, sum(group, Decimal("0.00")), len(group))
        for (currency, category), group in amounts.items()
    )
    return RegisterSummary(
        id=register_id,
        version=1,
        status=RegisterStatus.DRAFT,
        dc=dc,
        uploaded_by_id=draft.uploaded_by_id,
        payment_date=draft.payment_date,
        earliest_payment_date=draft.payment_date,
        item_count=len(draft.rows),
        totals=totals,
        by_category=by_category,
        warnings=tuple(warning.message for warning in draft.warnings),
        filename=draft.file.filename[:255],
        created_at=draft.created_at,
    )


def _read(
    filename: str, data: bytes, limits: ReadLimits
) -> tuple[ParsedRegister, str, list[DuplicateKey]]:
    """Runs in a worker thread: parsing, hashing and the rows' duplicate keys (computed once,
    for the 30-day lookup, its warnings and the stored items) are CPU-bound."""
    parsed = read_register(filename, data, limits)
    keys = [] if parsed.errors else list(row_keys(parsed))
    return parsed, hashlib.sha256(data).hexdigest(), keys


def _pick(served: Sequence[DealerCenterRef], dc_id: int | None) -> DealerCenterRef | None:
    if dc_id is not None:
        chosen = next((dc for dc in served if dc.id == dc_id), None)
        if chosen is None:
            raise NotAllowed("Вы не ведёте учёт этого дилерского центра — выберите свой.")
        return chosen
    return served[0] if len(served) == 1 else None


def _who_can(accountants: Sequence[tuple[str, str]]) -> str:
    text = (
        "Реестры платежей загружают бухгалтеры дилерских центров. "
        "Вы не указаны бухгалтером ни одного ДЦ."
    )
    by_person: dict[str, list[str]] = {}
    for name, dc in accountants:
        by_person.setdefault(name, []).append(dc)
    if by_person:
        names = "; ".join(
            f"{name} ({', '.join(dcs)})" for name, dcs in list(by_person.items())[:10]
        )
        text += f" Бухгалтеры ваших ДЦ: {names}."
    return text + " Если это ошибка, обратитесь к администратору."


def _rejected(filename: str, errors: tuple[str, ...]) -> Rejected:
    return Rejected(filename, errors, rejection_report(filename, errors))


def rejection_report(filename: str, errors: Iterable[str]) -> str:
    """The plain-text report of a refused file (sent as a .txt when it is long)."""
    lines = list(errors)
    head = f"Реестр «{filename}» не принят. Ошибок: {len(lines)}."
    tail = "Исправьте файл и отправьте его снова: реестр с ошибками не сохраняется."
    return "\n".join([head, "", *lines, "", tail]) + "\n"


def _duplicate_notes(warnings: Iterable[RegisterWarning]) -> dict[int, str]:
    notes: dict[int, str] = {}
    for warning in warnings:
        if warning.kind in _DUPLICATES:
            for line in warning.lines:
                notes[line] = (
                    f"{notes[line]}\n{warning.message}" if line in notes else warning.message
                )
    return notes


def _uploaded(
    actor: PersonView,
    register_id: int,
    dc: DealerCenterRef,
    draft: NewRegister,
    parsed: ParsedRegister,
) -> AuditEvent:
    return AuditEvent(
        actor=actor.code,
        action="register.uploaded",
        entity_type="register",
        entity_id=str(register_id),
        new={
            "dc": dc.code,
            "payment_date": draft.payment_date,
            "items": len(parsed.rows),
            "totals": parsed.totals_by_currency(),
            "filename": draft.file.filename,
            "sha256": draft.file.sha256,
            "size": len(draft.file.content),
            "warnings": len(draft.warnings),
        },
    )


def _mb(size: int) -> str:
    text = f"{size / (1024 * 1024):.1f}".replace(".", ",")
    return text.removesuffix(",0")

"""Storing an upload while its file is read: the draft's transaction opens as the parser
starts, takes each slice of payments as the parser passes it on, and commits only once the
whole file has been read clean; a file with errors, or any failure, rolls it all back.

On SQLite the transaction holds the write lock while the file is read: about a fifth of a
second for 10,000 rows, during which other writes wait (reads do not; see
`models.db`). The row cap (``registers.max_rows``) bounds it.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from decimal import Decimal

from domain.register_approval import RegisterStatus
from domain.register_checks import PriorItem
from services.ports import AuditEvent, PersonView
from services.register_ports import (
    DealerCenterRef,
    DraftHeader,
    DraftTotals,
    NewRegisterFile,
    PriorPayment,
    RegisterSummary,
    RegisterUnitOfWork,
    RegisterUowFactory,
    StoredKey,
    summarize_groups,
)
from services.registers.model import RegisterRules
from services.registers.parse_job import Finished, Items
from services.registers.parsers import ParseRun

# The same file for the same DC from the same person within this window is the same
# upload (a double tap), answered with the draft made the first time.
SAME_UPLOAD_WINDOW = timedelta(minutes=10)


class DraftStore:
    """One upload's draft: ``dc`` chosen, the file read by ``run``; see the module doc."""

    def __init__(  # noqa: PLR0917  (one call site: every part of the upload)
        self,
        uow: RegisterUowFactory,
        rules: RegisterRules,
        actor: PersonView,
        dc: DealerCenterRef,
        upload: NewRegisterFile,
        now: datetime,
    ) -> None:
        self._factory, self._rules, self._now = uow, rules, now
        self._payment_date = rules.cutoff.payment_date_for_upload(now)
        self._actor, self._dc, self._upload = actor, dc, upload
        self._uow: RegisterUnitOfWork | None = None
        self._register_id = 0
        self._twin: int | None = None
        self._keys: set[StoredKey] = set()  # of the items stored, for the duplicate lookup

    async def open(self, stack: AsyncExitStack) -> None:
        """Begin the draft's transaction (while the parser reads the file's first rows)."""
        uow = self._uow = await stack.enter_async_context(self._factory())
        # The uploader's lock, held to the commit: the same file sent twice (a double tap,
        # or twice within minutes) finds the draft made the first time and stores nothing.
        self._twin = await uow.registers.same_draft(
            self._actor.id, self._dc.id, self._upload.sha256, self._now - SAME_UPLOAD_WINDOW
        )
        if self._twin is None:
            header = DraftHeader(self._dc.id, self._actor.id, self._payment_date, self._now)
            self._register_id = await uow.registers.begin_draft(header, self._upload)

    async def items(self, message: Items) -> None:
        assert self._uow is not None, "open() first"
        if self._twin is None:
            registers = self._uow.registers
            self._keys.update(await registers.add_items(self._register_id, message.items))

    async def answer(self, run: ParseRun) -> RegisterSummary | None:
        """Answer a clean read with the earlier payments that match the items' keys; or,
        when a twin was found, stop the parser and return the twin's summary."""
        uow = self._uow
        assert uow is not None, "open() first"
        if self._twin is not None:
            run.reply(None)
            return await uow.registers.summary(self._twin)
        found = await uow.registers.prior_payments(
            self._keys, self._now - self._rules.duplicate_window, self._register_id
        )
        run.reply([self._prior_item(payment) for payment in found])
        return None

    async def finish(self, finished: Finished) -> RegisterSummary:
        """Store what the checks found, commit, and the draft's summary."""
        uow = self._uow
        assert uow is not None
        total = finished.totals.get("RUB", Decimal("0.00"))
        await uow.registers.finish_draft(
            self._register_id,
            DraftTotals(
                finished.source_format, finished.item_count, total, finished.warnings,
                finished.notes,
            ),
        )  # fmt: skip
        await uow.audit.append(self._uploaded(finished), self._now)
        await uow.commit()
        return self._summary(finished)

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

    def _summary(self, finished: Finished) -> RegisterSummary:
        """Built from what was stored rather than read back: a 10,000-row register would
        otherwise pay for a second pass over its items."""
        totals, by_category = summarize_groups(finished.groups)
        return RegisterSummary(
            id=self._register_id,
            version=1,
            status=RegisterStatus.DRAFT,
            dc=self._dc,
            uploaded_by_id=self._actor.id,
            payment_date=self._payment_date,
            earliest_payment_date=self._payment_date,
            item_count=finished.item_count,
            totals=totals,
            by_category=by_category,
            warnings=tuple(warning.message for warning in finished.warnings),
            filename=self._upload.filename[:255],
            created_at=self._now,
        )

    def _uploaded(self, finished: Finished) -> AuditEvent:
        return AuditEvent(
            actor=self._actor.code,
            action="register.uploaded",
            entity_type="register",
            entity_id=str(self._register_id),
            new={
                "dc": self._dc.code,
                "payment_date": self._payment_date,
                "items": finished.item_count,
                "totals": finished.totals,
                "filename": self._upload.filename,
                "sha256": self._upload.sha256,
                "size": len(self._upload.content),
                "warnings": len(finished.warnings),
            },
        )

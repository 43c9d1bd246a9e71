"""The approvers' moves: approve, reject (reason), return for rework (reason), add an
approver. Each is one transaction with its audit entries; the right to act is checked by
the domain against the stored memo (never the button); a repeated tap by the same person
is answered with what it did the first time, a stale button with «уже решено»; both come
with the present card. The last approval also renders the PDF, away from the event loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from domain.audit import StoredEntry
from domain.errors import N_, Text
from domain.memo import MemoStatus, StaleDecision, StepStatus
from formats.memo_document import memo_document
from services.memos.base import MemoRules, MemoUseCase, Opened
from services.memos.drafting import require_active
from services.memos.finishing import StorePdf
from services.memos.ports import (
    MemoNotice,
    MemoOutcome,
    MemoUnitOfWork,
    MemoUowFactory,
    PdfRenderer,
)
from services.ports import Clock, PersonView

_DONE_BEFORE = {
    StepStatus.APPROVED: N_("Вы уже согласовали эту записку."),
    StepStatus.REJECTED: N_("Вы уже отклонили эту записку."),
    StepStatus.RETURNED: N_("Вы уже вернули эту записку на доработку."),
}
STALE = N_("Уже решено: этот шаг согласования больше не ожидает решения.")

Move = Callable[[MemoUnitOfWork, Opened], Awaitable[None]]


class _Decision(MemoUseCase):
    async def _decide(
        self, actor: PersonView, memo_id: int, step_key: int, move: Move
    ) -> MemoOutcome:
        async with self._uow() as uow:
            opened = await self._open(uow, memo_id, lock=True)
            self._require_view(opened, actor)
            try:
                await move(uow, opened)
            except StaleDecision:
                note = self._repeat_note(opened, actor, step_key)
                return MemoOutcome(self._card(opened, actor), message=note)
            entry = await self._record(uow, opened)
            notices = await self._after(uow, opened, actor, entry)
            card = self._card(opened, actor)
            await uow.commit()
        return MemoOutcome(card, tuple(notices))

    async def _after(
        self, uow: MemoUnitOfWork, opened: Opened, actor: PersonView, entry: StoredEntry | None
    ) -> list[MemoNotice]:
        """Who to tell once the move is recorded: by default whoever decides next."""
        notices = await self._waiting_notices(uow, opened)
        return [n for n in notices if n.person.id != actor.id]

    @staticmethod
    def _repeat_note(opened: Opened, actor: PersonView, step_key: int) -> Text:
        step = next((s for s in opened.loaded.memo.steps if s.key == step_key), None)
        if step is not None and step.decided_by == actor.code:
            return Text(_DONE_BEFORE.get(step.status, STALE))
        return Text(STALE)


class ApproveMemo(_Decision):
    """«Согласовать». The last approval marks the memo for its Bitrix24 task, then makes
    the PDF (with the hash of the memo's last audit entry), stores it, and sends it to the
    author and the executor."""

    def __init__(
        self, uow: MemoUowFactory, clock: Clock, rules: MemoRules, renderer: PdfRenderer
    ) -> None:
        super().__init__(uow, clock, rules)
        self._pdf = StorePdf(uow, clock, rules, renderer)

    async def __call__(
        self, actor: PersonView, memo_id: int, step_key: int, comment: str | None = None
    ) -> MemoOutcome:
        async def move(_uow: MemoUnitOfWork, opened: Opened) -> None:
            opened.loaded.memo.approve(actor=actor.code, step_key=step_key, org=opened.org,
                                       now=self._now(), comment=comment)  # fmt: skip

        outcome = await self._decide(actor, memo_id, step_key, move)
        if outcome.message is not None or outcome.card.status is not MemoStatus.APPROVED:
            return outcome
        pdf = await self._pdf.ensure(memo_id)
        notices = tuple(
            replace(n, pdf=pdf) if n.kind == "approved" else n for n in outcome.notices
        )
        return MemoOutcome(replace(outcome.card, has_pdf=True), notices)

    async def _after(
        self, uow: MemoUnitOfWork, opened: Opened, actor: PersonView, entry: StoredEntry | None
    ) -> list[MemoNotice]:
        memo = opened.loaded.memo
        if memo.status is not MemoStatus.APPROVED:
            return await super()._after(uow, opened, actor, entry)
        assert entry is not None, "the last approval is an audit entry"
        memo_document(memo, opened.org, audit_hash=entry.hash)  # fails now, not after commit
        await uow.memos.mark_finished(opened.memo_id, entry.hash, "files")
        return await self._notices(uow, opened, [memo.author, memo.executor], "approved")


class RejectMemo(_Decision):
    """«Отклонить» with a reason: the memo ends; the author is told why."""

    kind = "rejected"

    async def __call__(
        self, actor: PersonView, memo_id: int, step_key: int, reason: str
    ) -> MemoOutcome:
        async def move(_uow: MemoUnitOfWork, opened: Opened) -> None:
            opened.loaded.memo.reject(actor=actor.code, step_key=step_key, org=opened.org,
                                      now=self._now(), reason=reason)  # fmt: skip

        return await self._decide(actor, memo_id, step_key, move)

    async def _after(
        self, uow: MemoUnitOfWork, opened: Opened, actor: PersonView, entry: StoredEntry | None
    ) -> list[MemoNotice]:
        memo = opened.loaded.memo
        ended = (StepStatus.REJECTED, StepStatus.RETURNED)
        step = next(s for s in memo.round_steps() if s.status in ended)
        return await self._notices(
            uow, opened, [memo.author], self.kind, reason=step.comment, actor=actor.full_name
        )


class ReturnMemo(RejectMemo):
    """«Вернуть на доработку» with a reason: the author may edit and resubmit."""

    kind = "returned"

    async def __call__(
        self, actor: PersonView, memo_id: int, step_key: int, reason: str
    ) -> MemoOutcome:
        async def move(_uow: MemoUnitOfWork, opened: Opened) -> None:
            opened.loaded.memo.return_for_rework(actor=actor.code, step_key=step_key,
                                                 org=opened.org, now=self._now(),
                                                 reason=reason)  # fmt: skip

        return await self._decide(actor, memo_id, step_key, move)


class AddApprover(_Decision):
    """«Добавить согласующего»: ``person`` goes right after the current approver (before a
    final one), or the domain says why not (the chain is full, the person is in it already,
    or is the author)."""

    async def __call__(
        self, actor: PersonView, memo_id: int, step_key: int, person: str
    ) -> MemoOutcome:
        async def move(uow: MemoUnitOfWork, opened: Opened) -> None:
            await require_active(uow, [person])
            opened.loaded.memo.add_approver(
                actor=actor.code, step_key=step_key, person=person, org=opened.org,
                now=self._now(), max_approvers=self._rules.max_approvers,
            )  # fmt: skip

        return await self._decide(actor, memo_id, step_key, move)

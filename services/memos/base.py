"""Shared machinery of the memo use cases: the rules from config, loading a memo under lock
with the org directory, the right to see it, recording its events in the audit log, the
viewer's card, and addressing the people to tell afterwards."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from domain.audit import StoredEntry
from domain.errors import N_
from domain.memo import DEFAULT_MAX_APPROVERS, MemoAction, MemoEvent
from domain.org_model import OrgDirectory
from services.b24_ports import enqueue_bitrix_notice, wants_bitrix_notice
from services.errors import NotAllowed
from services.memos.cards import awaited, build_card, is_involved
from services.memos.ports import LoadedMemo, MemoCard, MemoNotice, MemoUnitOfWork, MemoUowFactory
from services.ports import AuditEvent, Clock, PersonView

ENTITY = "memo"
_MB = 1024 * 1024


@dataclass(frozen=True)
class MemoRules:
    """``memos.max_approvers``, ``memos.max_attachment_mb`` (as bytes) and the head-office
    time zone (the year of a memo number and substitutions' dates are taken there)."""

    max_approvers: int = DEFAULT_MAX_APPROVERS
    max_attachment_bytes: int = 20 * _MB
    timezone: str = "Europe/Moscow"

    @classmethod
    def from_config(
        cls, *, max_approvers: int, max_attachment_mb: float, timezone: str
    ) -> MemoRules:
        return cls(max_approvers, int(max_attachment_mb * _MB), timezone)


class MemoNotFound(NotAllowed):
    def __init__(self) -> None:
        super().__init__(N_("Служебная записка не найдена."))


@dataclass
class Opened:
    """A memo loaded in a unit of work, with the org directory it is judged against."""

    loaded: LoadedMemo
    org: OrgDirectory

    @property
    def memo_id(self) -> int:
        assert self.loaded.memo.id is not None
        return self.loaded.memo.id


class MemoUseCase:
    def __init__(self, uow: MemoUowFactory, clock: Clock, rules: MemoRules) -> None:
        self._uow, self._clock, self._rules = uow, clock, rules

    async def _org(self, uow: MemoUnitOfWork) -> OrgDirectory:
        return await uow.memos.org_directory(self._rules.timezone)

    async def _open(self, uow: MemoUnitOfWork, memo_id: int, *, lock: bool) -> Opened:
        loaded = await uow.memos.load(memo_id, lock=lock)
        if loaded is None:
            raise MemoNotFound()
        return Opened(loaded, await self._org(uow))

    def _require_view(self, opened: Opened, actor: PersonView) -> None:
        memo = opened.loaded.memo
        if not actor.active:
            raise NotAllowed(N_("Ваша учётная запись отключена."))
        if is_involved(memo, actor.code) or memo.can_decide(actor.code, opened.org, self._now()):
            return
        raise MemoNotFound()

    def _now(self) -> datetime:
        return self._clock.now()

    def _card(self, opened: Opened, viewer: PersonView) -> MemoCard:
        return build_card(opened.loaded, opened.org, viewer.code, self._now())

    async def _record(self, uow: MemoUnitOfWork, opened: Opened) -> StoredEntry | None:
        """Store the memo and one audit entry per event; the last entry stored, if any."""
        memo = opened.loaded.memo
        await uow.memos.save(memo)
        last: StoredEntry | None = None
        for event in memo.pull_events():
            last = await uow.audit.append(
                audit_event(opened.memo_id, event, memo.number), event.at
            )
        return last

    async def _waiting_notices(self, uow: MemoUnitOfWork, opened: Opened) -> list[MemoNotice]:
        """The card for whoever decides the current step today (a substitute if away)."""
        memo = opened.loaded.memo
        if memo.current_step is None:
            return []
        assignee, _behalf = awaited(memo, opened.org, self._now())
        return await self._notices(uow, opened, [assignee], "card")

    async def _notices(
        self,
        uow: MemoUnitOfWork,
        opened: Opened,
        codes: Iterable[str],
        kind: str,
        *,
        reason: str | None = None,
        actor: str | None = None,
        pdf: bytes | None = None,
    ) -> list[MemoNotice]:
        """One notice of ``kind`` per active person among ``codes`` (each once). Whoever
        has no working Telegram link is told in Bitrix24 too, in this transaction."""
        memo = opened.loaded.memo
        wanted = list(dict.fromkeys(codes))
        people = {p.code: p for p in await uow.memos.people(wanted)}
        notices = [
            MemoNotice(
                kind,
                people[code],
                opened.memo_id,
                memo.number,
                memo.title,
                reason=reason,
                actor=actor,
                pdf=pdf,
            )
            for code in wanted
            if code in people and people[code].active
        ]
        for notice in notices:
            text = bitrix_text(notice)
            if text and wants_bitrix_notice(notice.person):
                tag = f"viza.memo.{notice.memo_id}.{kind}.{memo.round}.{memo.version}"
                await enqueue_bitrix_notice(uow.outbox, notice.person, text, self._now(), tag=tag)
        return notices


def bitrix_text(notice: MemoNotice) -> str | None:
    """The notice as a Bitrix24 notification, for people the bot cannot reach."""
    memo = f"Служебная записка {notice.number or ''} «{notice.title}»".replace("  ", " ")
    texts = {
        "card": f"{memo} ждёт вашего решения. Подключите Telegram-бота «Виза», чтобы решить.",
        "approved": f"{memo} согласована.",
        "rejected": f"{memo} отклонена: {notice.reason or ''}",
        "returned": f"{memo} возвращена на доработку: {notice.reason or ''}",
        "task": f"{memo}: задача №{notice.task_id} создана.",
    }
    return texts.get(notice.kind)


def audit_event(memo_id: int, event: MemoEvent, number: str | None) -> AuditEvent:
    new = event.audit_new()
    if event.action in (MemoAction.SUBMIT, MemoAction.APPROVE_LAST) and number is not None:
        new["number"] = number
    return AuditEvent(
        actor=event.actor,
        action=event.name,
        entity_type=ENTITY,
        entity_id=str(memo_id),
        on_behalf_of=event.on_behalf_of,
        old=event.audit_old(),
        new=new,
        reason=event.reason,
    )

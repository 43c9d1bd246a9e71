"""The author's moves: plan the route the dialog previews, create the draft, submit it
(numbered «СЗ-<year>-<6 digits>» without gaps), and after a return revise and resubmit it.
A repeated «Отправить» finds what the first tap did and changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import N_, Text
from domain.memo import (
    Attachment,
    Memo,
    MemoStatus,
    RouteError,
    final_approvers,
    plan_route,
    suggested_approvers,
)
from domain.org_model import OrgDirectory
from domain.roles import Role
from services.errors import NotAllowed
from services.memos.base import ENTITY, MemoUseCase, Opened
from services.memos.cards import person_name, role_of
from services.memos.ports import (
    KeptAttachment,
    MemoDraft,
    MemoOutcome,
    MemoUnitOfWork,
    NewAttachment,
    StoredAttachment,
)
from services.ports import AuditEvent, PersonView


@dataclass(frozen=True)
class RoutePerson:
    code: str
    name: str
    role: Role | None  # None: no company role


@dataclass(frozen=True)
class RoutePlan:
    """The chain as the preview shows it; ``problem`` says why it cannot be sent as is
    (worded in the reader's language by the Telegram side)."""

    intermediate: tuple[RoutePerson, ...]
    final: tuple[RoutePerson, ...]
    max_approvers: int
    problem: Text | None = None


@dataclass(frozen=True)
class DraftView:
    """A returned memo's content, to prefill the author's dialog."""

    memo_id: int
    round: int
    draft: MemoDraft
    executor_name: str
    attachments: tuple[StoredAttachment, ...]


def _person(org: OrgDirectory, code: str) -> RoutePerson:
    return RoutePerson(code, person_name(org, code) or code, role_of(org, code))


class PlanRoute(MemoUseCase):
    """The route a dialog's choices give, and the approvers to suggest to the author."""

    async def __call__(
        self, actor: PersonView, executor: str, approvers: Sequence[str], with_gd: bool
    ) -> RoutePlan:
        async with self._uow() as uow:
            org = await self._org(uow)
        problem = None
        try:
            plan_route(
                org,
                author=actor.code,
                executor=executor,
                approvers=approvers,
                with_general_director=with_gd,
                max_approvers=self._rules.max_approvers,
            )
        except RouteError as error:
            problem = error.text
        finals = final_approvers(
            org, author=actor.code, executor=executor, with_general_director=with_gd
        )
        return RoutePlan(
            tuple(_person(org, code) for code in approvers),
            tuple(_person(org, stop.person) for stop in finals),
            self._rules.max_approvers,
            problem,
        )

    async def suggest(self, actor: PersonView, executor: str) -> tuple[str, ...]:
        async with self._uow() as uow:
            org = await self._org(uow)
        chosen = suggested_approvers(org, author=actor.code, executor=executor)
        return chosen[: self._rules.max_approvers]


class CreateMemo(MemoUseCase):
    """A draft from the dialog's data; the same ``dialog_key`` gives the same draft."""

    async def __call__(self, actor: PersonView, draft: MemoDraft, dialog_key: str) -> int:
        new = self._files(draft)
        async with self._uow() as uow:
            found = await uow.memos.by_dialog_key(dialog_key)
            if found is not None:
                return found
            org = await self._org(uow)
            await self._check_people(uow, draft)
            memo = Memo.draft(
                org, author=actor.code, title=draft.title, text=draft.text,
                executor=draft.executor, now=self._now(), attachments=[_meta(a) for a in new],
                approvers=draft.approvers, with_general_director=draft.with_general_director,
                max_approvers=self._rules.max_approvers,
            )  # fmt: skip
            memo_id, created = await uow.memos.add(memo, new, dialog_key)
            if not created:
                return memo_id
            fields = {"status": memo.status.value, "title": memo.title}
            event = AuditEvent(actor.code, "memo.created", ENTITY, str(memo_id), new=fields)
            await uow.audit.append(event, self._now())
            await uow.commit()
        return memo_id

    def _files(self, draft: MemoDraft) -> list[NewAttachment]:
        files = [a for a in draft.attachments if isinstance(a, NewAttachment)]
        check_sizes(files, self._rules.max_attachment_bytes)
        return files

    async def _check_people(self, uow: MemoUnitOfWork, draft: MemoDraft) -> None:
        await require_active(uow, [draft.executor, *draft.approvers])


class SubmitMemo(MemoUseCase):
    """«Отправить»: the draft gets its number and round 1 starts; the first approver gets
    the card. A second tap answers «уже отправлена» with the current card."""

    async def __call__(self, actor: PersonView, memo_id: int) -> MemoOutcome:
        async with self._uow() as uow:
            opened = await self._open(uow, memo_id, lock=True)
            memo = opened.loaded.memo
            if memo.status is not MemoStatus.DRAFT and memo.author == actor.code:
                return MemoOutcome(self._card(opened, actor), message=_already(memo))
            now = self._now()
            memo.submit(actor=actor.code, org=opened.org, now=now,
                        max_approvers=self._rules.max_approvers)  # fmt: skip
            year = now.astimezone(opened.org.head_office_zone).year
            memo.assign_number(year, await uow.memos.next_number(year))
            await self._record(uow, opened)
            notices = await self._waiting_notices(uow, opened)
            card = self._card(opened, actor)
            await uow.commit()
        return MemoOutcome(card, tuple(notices))


class ResubmitMemo(MemoUseCase):
    """After a return: the author's changes and a new round, in one transaction. A repeat
    (the memo already moved past ``expected_round``) changes nothing."""

    async def __call__(
        self, actor: PersonView, memo_id: int, draft: MemoDraft, expected_round: int
    ) -> MemoOutcome:
        new = [a for a in draft.attachments if isinstance(a, NewAttachment)]
        check_sizes(new, self._rules.max_attachment_bytes)
        async with self._uow() as uow:
            opened = await self._open(uow, memo_id, lock=True)
            memo = opened.loaded.memo
            if memo.author == actor.code and memo.round > expected_round:
                return MemoOutcome(self._card(opened, actor), message=_already(memo))
            await require_active(uow, [draft.executor, *draft.approvers])
            await self._revise(uow, opened, actor, draft, new)
            memo.resubmit(actor=actor.code, org=opened.org, now=self._now(),
                          max_approvers=self._rules.max_approvers)  # fmt: skip
            await self._record(uow, opened)
            notices = await self._waiting_notices(uow, opened)
            card = self._card(opened, actor)
            await uow.commit()
        return MemoOutcome(card, tuple(notices))

    async def _revise(
        self,
        uow: MemoUnitOfWork,
        opened: Opened,
        actor: PersonView,
        draft: MemoDraft,
        new: list[NewAttachment],
    ) -> None:
        loaded = opened.loaded
        stored = {a.id: a for a in loaded.attachments}
        keep = [a.id for a in draft.attachments if isinstance(a, KeptAttachment)]
        if any(k not in stored for k in keep):
            raise NotAllowed(N_("Вложение записки не найдено: откройте записку заново."))
        metas = [_stored_meta(stored[k]) for k in keep] + [_meta(a) for a in new]
        loaded.memo.revise(
            actor=actor.code, org=opened.org, now=self._now(), title=draft.title,
            text=draft.text, executor=draft.executor, attachments=metas,
            approvers=draft.approvers, with_general_director=draft.with_general_director,
            max_approvers=self._rules.max_approvers,
        )  # fmt: skip
        loaded.attachments = await uow.memos.replace_attachments(
            opened.memo_id, keep, new, self._now()
        )


class EditDraft(MemoUseCase):
    """The returned memo's content for its author's edit-and-resubmit dialog."""

    async def __call__(self, actor: PersonView, memo_id: int) -> DraftView:
        async with self._uow() as uow:
            opened = await self._open(uow, memo_id, lock=False)
        memo = opened.loaded.memo
        if memo.author != actor.code or memo.status is not MemoStatus.RETURNED:
            raise NotAllowed(N_("Изменить можно только свою записку, возвращённую на доработку."))
        draft = MemoDraft(
            memo.title,
            memo.text,
            memo.executor,
            memo.approvers,
            memo.with_general_director,
            tuple(KeptAttachment(a.id) for a in opened.loaded.attachments),
        )
        executor = opened.org.find_person(memo.executor)
        name = executor.name if executor else memo.executor
        return DraftView(opened.memo_id, memo.round, draft, name, opened.loaded.attachments)


def check_sizes(files: Sequence[NewAttachment], limit: int) -> None:
    for file in files:
        if file.size > limit:
            raise NotAllowed(
                N_("Файл «{name}» больше {mb} МБ: приложите файл меньше."),
                name=file.name,
                mb=limit // (1024 * 1024),
            )


async def require_active(uow: MemoUnitOfWork, codes: Sequence[str]) -> None:
    """Every person named must be in the directory and active."""
    wanted = list(dict.fromkeys(codes))
    people = {p.code: p for p in await uow.memos.people(wanted)}
    for code in wanted:
        person = people.get(code)
        if person is None or not person.active:
            name = person.full_name if person else code
            raise NotAllowed(N_("{name}: учётная запись отключена или не найдена."), name=name)


def _meta(file: NewAttachment) -> Attachment:
    return Attachment(file.name, file.size, file.sha256, file.mime)


def _stored_meta(file: StoredAttachment) -> Attachment:
    return Attachment(file.name, file.size, file.sha256, file.mime)


_ALREADY_SENT = {
    MemoStatus.DRAFT: N_("Записка уже отправлена: черновик."),
    MemoStatus.IN_APPROVAL: N_("Записка уже отправлена: на согласовании."),
    MemoStatus.APPROVED: N_("Записка уже отправлена: согласована."),
    MemoStatus.REJECTED: N_("Записка уже отправлена: отклонена."),
    MemoStatus.RETURNED: N_("Записка уже отправлена: возвращена на доработку."),
}


def _already(memo: Memo) -> Text:
    """The note for a repeated «Отправить»: where the memo is now."""
    return Text(_ALREADY_SENT[memo.status])

"""What people read: a memo's card, «Мои записки», the memos waiting for their decision,
the PDF and the attachments. Only the people involved in a memo (author, executor, anyone
on its chain) and whoever decides it today may see it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from services.memos.base import MemoUseCase
from services.memos.cards import person_name
from services.memos.ports import MemoCard, MemoRow, StoredAttachment
from services.ports import PersonView

MY_MEMOS_LIMIT = 20


@dataclass(frozen=True)
class MemoFile:
    """A file to hand over in Telegram: by ``telegram_file_id`` when the bot has one."""

    name: str
    mime: str
    content: bytes
    telegram_file_id: str | None = None


class OpenMemo(MemoUseCase):
    async def __call__(self, actor: PersonView, memo_id: int) -> MemoCard:
        async with self._uow() as uow:
            opened = await self._open(uow, memo_id, lock=False)
            self._require_view(opened, actor)
            return self._card(opened, actor)


class MyMemos(MemoUseCase):
    """The memos a person wrote or executes, newest first, with their status and who
    decides now (names, not codes)."""

    async def __call__(self, actor: PersonView) -> list[MemoRow]:
        async with self._uow() as uow:
            rows = await uow.memos.memos_of(actor.code, MY_MEMOS_LIMIT)
            org = await self._org(uow)
        return [
            replace(
                row,
                author=person_name(org, row.author) or row.author,
                executor=person_name(org, row.executor) or row.executor,
                awaiting=person_name(org, row.awaiting),
            )
            for row in rows
        ]


class WaitingMemos(MemoUseCase):
    """Memos whose current step this person decides today (as approver or substitute)."""

    async def __call__(self, actor: PersonView) -> list[MemoCard]:
        now = self._now()
        async with self._uow() as uow:
            org = await self._org(uow)
            day = now.astimezone(org.head_office_zone).date()
            absent = [s.person for s in org.substitutes if s.covers(day)]
            cards = []
            for memo_id in await uow.memos.awaiting([actor.code, *absent]):
                opened = await self._open(uow, memo_id, lock=False)
                if opened.loaded.memo.can_decide(actor.code, org, now):
                    cards.append(self._card(opened, actor))
        return cards


class MemoPdf(MemoUseCase):
    """The stored PDF of an approved memo (None until it is made)."""

    async def __call__(self, actor: PersonView, memo_id: int) -> MemoFile | None:
        async with self._uow() as uow:
            opened = await self._open(uow, memo_id, lock=False)
            self._require_view(opened, actor)
            pdf = await uow.memos.pdf(memo_id)
        if pdf is None:
            return None
        number = opened.loaded.memo.number or f"memo-{memo_id}"
        return MemoFile(f"{number}.pdf", "application/pdf", pdf)


class MemoFiles(MemoUseCase):
    """The memo's attachments, for the people who may see the memo."""

    async def __call__(self, actor: PersonView, memo_id: int) -> list[MemoFile]:
        files = []
        async with self._uow() as uow:
            opened = await self._open(uow, memo_id, lock=False)
            self._require_view(opened, actor)
            for stored in opened.loaded.attachments:
                content = await uow.memos.attachment_content(memo_id, stored.id)
                if content is not None:
                    files.append(_file(stored, content))
        return files


def _file(stored: StoredAttachment, content: bytes) -> MemoFile:
    return MemoFile(stored.name, stored.mime, content, stored.telegram_file_id)

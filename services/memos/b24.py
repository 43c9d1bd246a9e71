"""The executor's Bitrix24 task of an approved memo (PRODUCT §4, §6), as use cases for the
worker in ``b24sync.handlers_memo``.

The final approval marks the memo («files»: its task is due) in the approval's own
transaction. The worker then uploads the PDF and every attachment to Bitrix24 Disk
(uploads never go through ``batch``, so not through the relay) and records each file's
Disk id as it goes; when all are there, `MemoTaskFeed.queue` writes the ``memo.task``
outbox message - title, description, responsible, creator and files - in the same
transaction that moves the memo to «queued». The relay creates the task once (it looks
the task up by the memo number first), and `MemoTaskFeed.complete` stores the task id on
the memo and tells the author and the executor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from domain.memo import Memo, StepStatus
from domain.org_model import OrgDirectory
from formats.memo_pdf import format_moment
from services.memo_task import MEMO_TASK_KIND, memo_task_message, task_title
from services.memos.base import ENTITY, MemoRules, MemoUseCase, Opened
from services.memos.cards import person_name, role_title
from services.memos.finishing import StorePdf
from services.memos.ports import MemoNotice, MemoUowFactory, PdfRenderer, UploadItem
from services.ports import AuditEvent, Clock

FILES, QUEUED, DONE, SKIPPED = "files", "queued", "done", "skipped"
DESCRIPTION_MAX = 20_000
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(frozen=True)
class UploadPlan:
    """What must be on Disk before the task: the PDF first, then the attachments."""

    memo_id: int
    number: str
    items: tuple[UploadItem, ...]

    @property
    def missing(self) -> tuple[UploadItem, ...]:
        return tuple(item for item in self.items if item.b24_file_id is None)


class MemoTaskFeed(MemoUseCase):
    """The worker's side. Each method is one short transaction."""

    def __init__(
        self, uow: MemoUowFactory, clock: Clock, rules: MemoRules, renderer: PdfRenderer
    ) -> None:
        super().__init__(uow, clock, rules)
        self._pdf = StorePdf(uow, clock, rules, renderer)

    async def due(self, limit: int = 20) -> list[int]:
        """Approved memos whose files are still to be uploaded."""
        async with self._uow() as uow:
            return await uow.memos.in_state(FILES, limit)

    async def plan(self, memo_id: int) -> UploadPlan | None:
        """The files of the memo's task (the PDF made first if it is missing)."""
        if await self._pdf.ensure(memo_id) is None:
            return None
        async with self._uow() as uow:
            opened = await self._open(uow, memo_id, lock=False)
            items = await uow.memos.upload_items(memo_id)
        number = opened.loaded.memo.number
        if opened.loaded.b24_state != FILES or number is None:
            return None
        return UploadPlan(memo_id, number, disk_names(items))

    async def content(self, ref: str) -> bytes | None:
        async with self._uow() as uow:
            return await uow.memos.file_content(ref)

    async def uploaded(self, ref: str, b24_file_id: int) -> None:
        async with self._uow() as uow:
            await uow.memos.record_upload(ref, b24_file_id)
            await uow.commit()

    async def queue(self, memo_id: int) -> bool:
        """Queue the task once every file is on Disk; True when this call queued it (an
        executor unknown to Bitrix24 gets no task: the memo is marked «skipped»)."""
        async with self._uow() as uow:
            opened = await self._open(uow, memo_id, lock=True)
            items = await uow.memos.upload_items(memo_id)
            if opened.loaded.b24_state != FILES or any(i.b24_file_id is None for i in items):
                return False
            fields = self._fields(opened, items)
            if fields is None:
                await uow.memos.move_state(memo_id, FILES, SKIPPED)
                await uow.commit()
                return False
            number = opened.loaded.memo.number
            assert number is not None
            await uow.outbox.add(memo_task_message(memo_id, number, fields), self._now())
            await uow.memos.move_state(memo_id, FILES, QUEUED)
            await uow.commit()
        return True

    async def complete(self, limit: int = 50) -> list[MemoNotice]:
        """Store the ids of tasks the relay created; the author and executor are told."""
        notices: list[MemoNotice] = []
        async with self._uow() as uow:
            for memo_id, task_id in await uow.memos.delivered_tasks(MEMO_TASK_KIND, limit):
                if not await uow.memos.set_task(memo_id, task_id):
                    continue
                created = AuditEvent("system", "memo.task_created", ENTITY, str(memo_id),
                                     new={"bitrix_task_id": task_id})  # fmt: skip
                await uow.audit.append(created, self._now())
                opened = await self._open(uow, memo_id, lock=False)
                memo = opened.loaded.memo
                notices += [
                    MemoNotice("task", n.person, memo_id, memo.number, memo.title, task_id=task_id)
                    for n in await self._notices(uow, opened, [memo.author, memo.executor], "task")
                ]
            await uow.commit()
        return notices

    @staticmethod
    def _fields(opened: Opened, items: list[UploadItem]) -> dict[str, object] | None:
        memo = opened.loaded.memo
        assert memo.number is not None
        executor = opened.org.find_person(memo.executor)
        author = opened.org.find_person(memo.author)
        if executor is None or executor.bitrix_id is None:
            return None
        fields: dict[str, object] = {
            "TITLE": task_title(memo.number, memo.title),
            "DESCRIPTION": description(memo, opened.org),
            "RESPONSIBLE_ID": executor.bitrix_id,
            "UF_TASK_WEBDAV_FILES": [f"n{item.b24_file_id}" for item in items],
        }
        if author is not None and author.bitrix_id is not None:
            fields["CREATED_BY"] = author.bitrix_id
        return fields


def disk_names(items: list[UploadItem]) -> tuple[UploadItem, ...]:
    """The items with names Disk accepts and that differ within the memo's folder (a
    second «смета.pdf» becomes «смета (2).pdf»), the same every time."""
    taken: set[str] = set()
    named = []
    for item in items:
        clean = _UNSAFE.sub("_", item.name).strip(" .") or "file"
        stem, dot, ext = clean.rpartition(".") if "." in clean[1:] else (clean, "", "")
        name, copy = clean, 2
        while name.casefold() in taken:
            name, copy = f"{stem} ({copy}){dot}{ext}", copy + 1
        taken.add(name.casefold())
        named.append(replace(item, name=name))
    return tuple(named)


def description(memo: Memo, org: OrgDirectory) -> str:
    """The memo text, then who approved it (the last round) and where the rest is."""
    lines = [memo.text, "", f"Автор: {person_name(org, memo.author)}.",
             f"Исполнитель: {person_name(org, memo.executor)}.", "",
             "Маршрут согласования:"]  # fmt: skip
    for step in memo.round_steps():
        actor = step.decided_by or step.approver
        when = format_moment(step.decided_at.astimezone(org.zone_of(actor))) if (
            step.decided_at and org.find_person(actor)) else "—"  # fmt: skip
        behalf = f" за {person_name(org, step.on_behalf_of)}" if step.on_behalf_of else ""
        status = step.status.title_ru if step.status is not StepStatus.PENDING else "—"
        lines.append(f"{step.position}. {person_name(org, actor)}{behalf} "
                     f"({role_title(org, step.approver)}) — {status}, {when}")  # fmt: skip
    if memo.round > 1:
        lines.append(f"Кругов согласования: {memo.round}; полная история — в PDF.")
    lines.append("Лист согласования с контрольной суммой журнала аудита — во вложении (PDF).")
    return "\n".join(lines)[:DESCRIPTION_MAX]

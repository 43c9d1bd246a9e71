"""The executor's Bitrix24 task of an approved memo (PRODUCT §4): files to Disk, then
``tasks.task.add`` through the outbox, then the task id back on the memo.

Two parts, because uploads may not run inside ``batch`` and so not through the relay:

- :class:`MemoTaskSync`, a small worker next to the relay: for each approved memo it
  uploads the PDF and every attachment (``disk.folder.uploadfile``, one direct call per
  file) into the memo's own folder «<folder>/<number>», recording each Disk id as soon as
  it is known; then `services.memos.MemoTaskFeed.queue` writes the ``memo.task`` outbox
  message. Repeats are harmless: a file whose upload answer was lost is found by its name
  in the memo's folder (and a racing second upload is refused by that name); the folder
  likewise. Later it stores the ids of tasks the relay created and hands the «Задача
  №<id> создана» notices to the bot.
- :class:`MemoTaskHandler`, the relay's handler of ``memo.task``: it looks the task up by
  «№<number>:» in its title (a create whose answer was lost is found, not repeated), and
  adds it otherwise; the task id is the message's remote id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from services.memo_task import MEMO_TASK_KIND, task_marker
from services.outbox_ports import OutboxMessage

from .client import Bitrix24Client
from .delivery import Call, Done, Fail, Next, Step
from .errors import Bitrix24Error
from .paging import page_items
from .ratelimit import Backoff

if TYPE_CHECKING:  # the feed brings in the PDF renderer; the relay does not need it
    from services.memos import MemoTaskFeed, UploadPlan
    from services.memos.ports import MemoNoticeSender, UploadItem

log = logging.getLogger("b24sync.memo")
FOLDER_NAME = "Служебные записки"
EXISTS = "DISK_OBJ_22000"  # «A file/folder with this name already exists»


class MemoTaskHandler:
    """``memo.task``: find the memo's task, else add it (payload of
    ``services.memos.memo_task_message``)."""

    kind = MEMO_TASK_KIND

    def start(self, message: OutboxMessage) -> Step:
        if message.entity_remote_id:  # the task exists already (a re-queued message)
            return Done(message.entity_remote_id)
        number = str(message.payload["number"])
        fields = dict(message.payload["fields"])
        marker = task_marker(number)
        params = {
            "filter": {"%TITLE": marker, "RESPONSIBLE_ID": int(fields["RESPONSIBLE_ID"])},
            "select": ["ID", "TITLE"],
        }

        def found(results: Sequence[Any]) -> Step:
            tasks = [t for t in page_items(results[0]) if marker in str(t.get("title", ""))]
            if tasks:
                return Done(str(tasks[0]["id"]))
            return Next((Call("tasks.task.add", {"fields": fields}),), _added)

        return Next((Call("tasks.task.list", params),), found)


def _added(results: Sequence[Any]) -> Step:
    task = results[0].get("task") if isinstance(results[0], dict) else None
    if not isinstance(task, dict) or "id" not in task:
        return Fail("tasks.task.add answered without a task")
    return Done(str(task["id"]))


HANDLERS = (MemoTaskHandler(),)


@dataclass(frozen=True)
class MemoSyncOptions:
    """``folder_id``: the Disk folder that holds one sub-folder per memo (None: a folder
    «Служебные записки» at the root of the company's shared drive, made if missing)."""

    folder_id: int | None = None
    folder_name: str = FOLDER_NAME
    poll_seconds: float = 5.0
    batch: int = 20
    retry_base: float = 5.0
    retry_cap: float = 900.0


@dataclass
class MemoSyncReport:
    uploaded: int = 0
    queued: int = 0
    completed: int = 0
    failed: list[int] = field(default_factory=list)


class MemoTaskSync:
    """Moves approved memos to Bitrix24. Several instances may run: every step is safe to
    repeat or to race (see the module docstring). A failing memo waits with backoff; the
    others go on."""

    def __init__(
        self,
        client: Bitrix24Client,
        feed: MemoTaskFeed,
        notices: MemoNoticeSender | None = None,
        options: MemoSyncOptions | None = None,
    ) -> None:
        self.client, self.feed, self.notices = client, feed, notices
        self.options = options or MemoSyncOptions()
        self._backoff = Backoff(self.options.retry_base, self.options.retry_cap)
        self._failures: dict[int, tuple[int, float]] = {}
        self._root: int | None = self.options.folder_id

    async def run_once(self) -> MemoSyncReport:
        report = MemoSyncReport()
        for memo_id in await self.feed.due(self.options.batch):
            if self._waiting(memo_id):
                continue
            try:
                await self._upload(memo_id, report)
            except (Bitrix24Error, OSError, TimeoutError) as error:
                self._failed(memo_id, report, error)
        notices = await self.feed.complete()
        report.completed = len({n.memo_id for n in notices})
        if notices and self.notices is not None:
            await self.notices.deliver(notices)
        return report

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        """Until cancelled (or ``stop`` is set); failures are logged, never fatal."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:  # the database or the network; the next round tries again
                log.exception("memo task round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.options.poll_seconds)

    async def _upload(self, memo_id: int, report: MemoSyncReport) -> None:
        plan = await self.feed.plan(memo_id)
        if plan is None:
            return
        if plan.missing:
            folder = await self._memo_folder(plan)
            for item in plan.missing:
                await self.feed.uploaded(item.ref, await self._put(folder, item))
                report.uploaded += 1
        if await self.feed.queue(memo_id):
            report.queued += 1
        self._failures.pop(memo_id, None)

    async def _put(self, folder: int, item: UploadItem) -> int:
        existing = await self._child(folder, item.name, "file")
        if existing is not None:
            return existing
        content = await self.feed.content(item.ref)
        if content is None:
            raise OSError(f"the file {item.ref} is gone from the database")
        try:
            uploaded = await self.client.upload_file(folder, item.name, content)
        except Bitrix24Error as error:
            if error.code != EXISTS:
                raise
            found = await self._child(folder, item.name, "file")
            if found is None:
                raise
            return found
        return int(uploaded["ID"])

    async def _memo_folder(self, plan: UploadPlan) -> int:
        if self._root is None:
            self._root = await self._folder(await self._shared_root(), self.options.folder_name)
        return await self._folder(self._root, plan.number)

    async def _shared_root(self) -> int:
        storages = page_items(
            await self.client.call("disk.storage.getlist", {"filter": {"ENTITY_TYPE": "common"}})
        )
        if not storages:
            raise OSError("Bitrix24 has no shared drive: set the memo folder id")
        return int(storages[0]["ROOT_OBJECT_ID"])

    async def _folder(self, parent: int, name: str) -> int:
        found = await self._child(parent, name, "folder")
        if found is not None:
            return found
        params = {"id": parent, "data": {"NAME": name}}
        try:
            created = await self.client.call("disk.folder.addsubfolder", params, idempotent=False)
        except Bitrix24Error as error:
            again = await self._child(parent, name, "folder") if error.code == EXISTS else None
            if again is None:
                raise
            return again
        return int(created["ID"])

    async def _child(self, folder: int, name: str, kind: str) -> int | None:
        params = {"id": folder, "filter": {"NAME": name}}
        children = page_items(await self.client.call("disk.folder.getchildren", params))
        match = [c for c in children if c.get("NAME") == name and c.get("TYPE") == kind]
        return int(match[0]["ID"]) if match else None

    def _waiting(self, memo_id: int) -> bool:
        failure = self._failures.get(memo_id)
        return failure is not None and time.monotonic() < failure[1]

    def _failed(self, memo_id: int, report: MemoSyncReport, error: BaseException) -> None:
        attempts = self._failures.get(memo_id, (0, 0.0))[0] + 1
        delay = self._backoff.delay(attempts - 1)
        self._failures[memo_id] = (attempts, time.monotonic() + delay)
        report.failed.append(memo_id)
        log.warning("memo %s: Bitrix24 task not prepared (attempt %d, next in %.0f s): %s",
                    memo_id, attempts, delay, self.client.mask(str(error)))  # fmt: skip

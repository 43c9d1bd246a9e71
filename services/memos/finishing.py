"""The PDF of an approved memo: built from the stored memo and the audit hash recorded when
it was approved, rendered off the event loop (a worker thread or process), and stored
once with its sha256. Rendering happens between two short transactions, so no lock is
held while weasyprint works; whoever finds the PDF missing (the approver's tap, the
Bitrix24 worker, a download) renders it, and the first one stored wins."""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor

from domain.memo import MemoStatus
from formats.memo_document import memo_document
from formats.memo_pdf import MemoDocument, render_memo_pdf
from services.child_process import prepare_worker
from services.memos.base import MemoRules, MemoUseCase
from services.memos.ports import MemoUowFactory, PdfRenderer
from services.ports import Clock


class ThreadRenderer:
    """Renders in a worker thread (``asyncio.to_thread``)."""

    async def __call__(self, document: MemoDocument) -> bytes:
        return await asyncio.to_thread(render_memo_pdf, document)


class ProcessRenderer:
    """Renders in a pool of worker processes, so a long render competes with the bot for
    neither the event loop nor the GIL. The workers run at a lower CPU priority and leave
    a core to the bot (default: one worker fewer than the CPUs, at least one). The pool
    starts on first use (``spawn``: safe with the event loop's threads) and ends with
    `close`."""

    def __init__(self, workers: int | None = None) -> None:
        self._workers = workers or max(1, (os.cpu_count() or 2) - 1)
        self._pool: Executor | None = None

    async def __call__(self, document: MemoDocument) -> bytes:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                self._workers,
                mp_context=context,
                initializer=_prepare_worker,
                initargs=(os.getpid(),),
            )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, render_memo_pdf, document)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _prepare_worker(parent: int) -> None:
    """In a render worker: yield the CPU to the bot when both want it."""
    prepare_worker(parent, nice=10)


class StorePdf(MemoUseCase):
    """The PDF of an approved memo, rendered and stored if it is not there yet."""

    def __init__(
        self, uow: MemoUowFactory, clock: Clock, rules: MemoRules, renderer: PdfRenderer
    ) -> None:
        super().__init__(uow, clock, rules)
        self._render = renderer

    async def ensure(self, memo_id: int) -> bytes | None:
        """The memo's PDF; None while the memo is not approved."""
        async with self._uow() as uow:
            opened = await self._open(uow, memo_id, lock=False)
            stored = await uow.memos.pdf(memo_id)
        loaded = opened.loaded
        if stored is not None:
            return stored
        if loaded.memo.status is not MemoStatus.APPROVED or loaded.audit_hash is None:
            return None
        document = memo_document(loaded.memo, opened.org, audit_hash=loaded.audit_hash)
        pdf = await self._render(document)
        async with self._uow() as uow:
            sha256 = hashlib.sha256(pdf).hexdigest()
            if not await uow.memos.store_pdf(memo_id, pdf, sha256, loaded.audit_hash, self._now()):
                pdf = await uow.memos.pdf(memo_id) or pdf
            await uow.commit()
        return pdf

"""Memo use cases (PRODUCT §4): the author's dialog result, the approval chain, the PDF,
«Мои записки», and the Bitrix24 task's feed for the worker."""

from __future__ import annotations

from dataclasses import dataclass

from services.memo_task import MEMO_TASK_KIND, memo_task_message
from services.memos.b24 import MemoTaskFeed, UploadPlan
from services.memos.base import MemoNotFound, MemoRules
from services.memos.deciding import AddApprover, ApproveMemo, RejectMemo, ReturnMemo
from services.memos.drafting import (
    CreateMemo,
    DraftView,
    EditDraft,
    PlanRoute,
    ResubmitMemo,
    RoutePerson,
    RoutePlan,
    SubmitMemo,
)
from services.memos.finishing import ProcessRenderer, StorePdf, ThreadRenderer
from services.memos.ports import MemoUowFactory, PdfRenderer
from services.memos.reading import MemoFile, MemoFiles, MemoPdf, MyMemos, OpenMemo, WaitingMemos
from services.memos.verify import VerifyMemoPdf
from services.ports import Clock


@dataclass(frozen=True)
class MemoCases:
    """The memo use cases, as the handlers reach them (``usecases.memos``)."""

    rules: MemoRules
    renderer: PdfRenderer
    plan: PlanRoute
    create: CreateMemo
    submit: SubmitMemo
    edit: EditDraft
    resubmit: ResubmitMemo
    approve: ApproveMemo
    reject: RejectMemo
    return_memo: ReturnMemo
    add_approver: AddApprover
    open: OpenMemo
    mine: MyMemos
    waiting: WaitingMemos
    pdf: MemoPdf
    files: MemoFiles
    task_feed: MemoTaskFeed
    verify_pdf: VerifyMemoPdf

    @classmethod
    def build(
        cls,
        uow: MemoUowFactory,
        clock: Clock,
        rules: MemoRules | None = None,
        renderer: PdfRenderer | None = None,
        reader: MemoUowFactory | None = None,
    ) -> MemoCases:
        """``renderer``: a process pool by default (`ProcessRenderer`); rendering in a
        thread would hold the GIL and stall the bot's event loop (see bench/pdf.py).
        ``reader``: units of work that only read, for what people read (a card, lists, the
        PDF and the attachments); ``uow`` when not given."""
        rules = rules or MemoRules()
        read = reader or uow
        render = renderer or ProcessRenderer()
        return cls(
            rules=rules,
            renderer=render,
            plan=PlanRoute(uow, clock, rules),
            create=CreateMemo(uow, clock, rules),
            submit=SubmitMemo(uow, clock, rules),
            edit=EditDraft(uow, clock, rules),
            resubmit=ResubmitMemo(uow, clock, rules),
            approve=ApproveMemo(uow, clock, rules, render),
            reject=RejectMemo(uow, clock, rules),
            return_memo=ReturnMemo(uow, clock, rules),
            add_approver=AddApprover(uow, clock, rules),
            open=OpenMemo(read, clock, rules),
            mine=MyMemos(read, clock, rules),
            waiting=WaitingMemos(read, clock, rules),
            pdf=MemoPdf(read, clock, rules),
            files=MemoFiles(read, clock, rules),
            task_feed=MemoTaskFeed(uow, clock, rules, render),
            verify_pdf=VerifyMemoPdf(uow),
        )

    def close(self) -> None:
        """Stop the PDF worker processes, if any (the application does it on shutdown)."""
        close = getattr(self.renderer, "close", None)
        if callable(close):
            close()


__all__ = [
    "MEMO_TASK_KIND",
    "AddApprover",
    "ApproveMemo",
    "CreateMemo",
    "DraftView",
    "EditDraft",
    "MemoCases",
    "MemoFile",
    "MemoFiles",
    "MemoNotFound",
    "MemoPdf",
    "MemoRules",
    "MemoTaskFeed",
    "MyMemos",
    "OpenMemo",
    "PlanRoute",
    "ProcessRenderer",
    "RejectMemo",
    "ResubmitMemo",
    "ReturnMemo",
    "RoutePerson",
    "RoutePlan",
    "StorePdf",
    "SubmitMemo",
    "ThreadRenderer",
    "UploadPlan",
    "WaitingMemos",
    "memo_task_message",
]

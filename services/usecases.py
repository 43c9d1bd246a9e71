"""The set of use cases the Telegram handlers call, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from domain.register_route import RoutePolicy
from services.approvals import ApprovalCases, ApprovalRules
from services.b24_ports import NotifyInBitrix24
from services.cutoff import CutoffCases, CutoffRules
from services.cutoff.ports import CutoffUnitOfWork
from services.linking import (
    CreateInvite,
    IdentifyUser,
    LinkByContact,
    LinkByInvite,
    MarkBlocked,
    SearchPeople,
)
from services.memos import MemoCases, MemoRules
from services.memos.ports import MemoUnitOfWork
from services.org_admin import ImportOrg, ListAdmins, VerifyAuditChain
from services.ports import Clock
from services.registers import (
    CancelDraft,
    ChangePaymentDate,
    RegisterParser,
    RegisterRules,
    ShowRegister,
    UploadRegister,
)


class AppUnitOfWork(CutoffUnitOfWork, MemoUnitOfWork, Protocol):
    """The unit of work the whole application runs on (``models.uow.SqlUnitOfWork``)."""


AppUowFactory = Callable[[], AppUnitOfWork]


@dataclass(frozen=True)
class UseCases:
    identify: IdentifyUser
    create_invite: CreateInvite
    link_by_invite: LinkByInvite
    link_by_contact: LinkByContact
    search_people: SearchPeople
    mark_blocked: MarkBlocked
    import_org: ImportOrg
    verify_audit: VerifyAuditChain
    admins: ListAdmins
    upload_register: UploadRegister
    show_register: ShowRegister
    change_payment_date: ChangePaymentDate
    cancel_draft: CancelDraft
    approvals: ApprovalCases
    cutoff: CutoffCases
    memos: MemoCases
    notify_bitrix: NotifyInBitrix24 | None = None  # set when Bitrix24 is configured

    @classmethod
    def build(
        cls,
        uow: AppUowFactory,
        clock: Clock,
        *,
        invite_ttl_hours: int,
        register_rules: RegisterRules | None = None,
        approval_rules: ApprovalRules | None = None,
        memo_rules: MemoRules | None = None,
        bitrix24: bool = False,
        reader: AppUowFactory | None = None,
        register_parser: RegisterParser | None = None,
    ) -> UseCases:
        """``reader``: units of work that only read (``uow`` when not given): identifying
        the user of every update, and every use case that changes nothing (showing a card,
        a register or a memo, searches, the audit check). On SQLite these never take the
        write lock, so they never wait behind an upload or the cutoff.
        ``register_parser``: who reads uploaded files (a thread when not given; the bot
        gives a worker process, `ProcessParser`)."""
        read = reader or uow
        rules = register_rules or RegisterRules()
        approval = approval_rules or ApprovalRules(
            RoutePolicy(ceo_threshold=rules.ceo_threshold), rules.cutoff
        )
        return cls(
            identify=IdentifyUser(read),
            create_invite=CreateInvite(uow, clock, invite_ttl_hours),
            link_by_invite=LinkByInvite(uow, clock),
            link_by_contact=LinkByContact(uow, clock),
            search_people=SearchPeople(read),
            mark_blocked=MarkBlocked(uow, clock),
            import_org=ImportOrg(uow, clock),
            verify_audit=VerifyAuditChain(read),
            admins=ListAdmins(read),
            upload_register=UploadRegister(uow, clock, rules, register_parser),
            show_register=ShowRegister(read, clock, rules),
            change_payment_date=ChangePaymentDate(uow, clock, rules),
            cancel_draft=CancelDraft(uow, clock, rules),
            approvals=ApprovalCases.build(uow, clock, approval, reader),
            cutoff=CutoffCases.build(uow, clock, CutoffRules(approval.cutoff)),
            memos=MemoCases.build(uow, clock, memo_rules, reader=read),
            notify_bitrix=NotifyInBitrix24(uow, clock) if bitrix24 else None,
        )

"""Register approval use cases (PRODUCT §3 «Approval route», «Review UI»)."""

from __future__ import annotations

from dataclasses import dataclass

from services.approval_ports import ApprovalUowFactory
from services.approvals.base import ApprovalRules, CutoffPassed
from services.approvals.batching import DecideItem, DecideItems
from services.approvals.decisions import (
    ApproveRest,
    PreviewApproveRest,
    RestPreview,
    SendOn,
)
from services.approvals.reading import ItemDetails, OpenCard, RememberCard, WaitingForMe
from services.approvals.refusals import StaleCard, StaleConfirmation
from services.approvals.routing import (
    ResubmitRegister,
    ReturnRegister,
    SubmitForApproval,
    WithdrawRegister,
)
from services.ports import Clock


@dataclass(frozen=True)
class ApprovalCases:
    """The approval use cases, as the handlers reach them (``usecases.approvals``)."""

    submit: SubmitForApproval
    open_card: OpenCard
    details: ItemDetails
    decide: DecideItem
    preview_rest: PreviewApproveRest
    approve_rest: ApproveRest
    send_on: SendOn
    return_register: ReturnRegister
    resubmit: ResubmitRegister
    withdraw: WithdrawRegister
    waiting: WaitingForMe
    cards: RememberCard

    @classmethod
    def build(
        cls,
        uow: ApprovalUowFactory,
        clock: Clock,
        rules: ApprovalRules,
        reader: ApprovalUowFactory | None = None,
    ) -> ApprovalCases:
        """``reader``: units of work that only read, for the moves that change nothing
        (showing a card, an item, the waiting list, the «approve the rest» preview)."""
        read = reader or uow
        return cls(
            submit=SubmitForApproval(uow, clock, rules),
            open_card=OpenCard(read, clock, rules),
            details=ItemDetails(read, clock, rules),
            decide=DecideItem(DecideItems(uow, clock, rules)),
            preview_rest=PreviewApproveRest(read, clock, rules),
            approve_rest=ApproveRest(uow, clock, rules),
            send_on=SendOn(uow, clock, rules),
            return_register=ReturnRegister(uow, clock, rules),
            resubmit=ResubmitRegister(uow, clock, rules),
            withdraw=WithdrawRegister(uow, clock, rules),
            waiting=WaitingForMe(read, clock, rules),
            cards=RememberCard(uow, clock, rules),
        )


__all__ = [
    "ApprovalCases",
    "ApprovalRules",
    "ApproveRest",
    "CutoffPassed",
    "DecideItem",
    "DecideItems",
    "ItemDetails",
    "OpenCard",
    "PreviewApproveRest",
    "RememberCard",
    "RestPreview",
    "ResubmitRegister",
    "ReturnRegister",
    "SendOn",
    "StaleCard",
    "StaleConfirmation",
    "SubmitForApproval",
    "WaitingForMe",
    "WithdrawRegister",
]

"""The vocabulary of a register's approval: register and item statuses, decisions, the
moves, and the one transition table they obey (PRODUCT §3 «Approval route»). The aggregate
that applies them is `domain.register_approval`."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import N_, DomainError


class RegisterStatus(StrEnum):
    DRAFT = "draft"
    IN_APPROVAL = "in_approval"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"  # the route ended with no payment approved
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    CLOSED = "closed"  # the cutoff passed before the route was finished


class ItemStatus(StrEnum):
    PENDING = "pending"  # alive: waiting at the register's current stage (or a later one)
    APPROVED = "approved"  # passed every stage that applies to it
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    MISSED = "missed"  # «не согласован к сроку»


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class Action(StrEnum):
    SUBMIT = "submit"
    CANCEL = "cancel"
    DECIDE = "decide"
    SEND_ON = "send_on"
    RETURN = "return"
    RESUBMIT = "resubmit"
    WITHDRAW = "withdraw"
    WITHDRAW_ITEMS = "withdraw_items"
    CUTOFF = "cutoff"


S = RegisterStatus
# The register's state machine. Where a move has several outcomes the operation picks one of
# the listed targets (e.g. send_on stays in approval or finishes it).
TRANSITIONS: dict[tuple[RegisterStatus, Action], frozenset[RegisterStatus]] = {
    (S.DRAFT, Action.SUBMIT): frozenset({S.IN_APPROVAL}),
    (S.DRAFT, Action.CANCEL): frozenset({S.CANCELLED}),
    (S.IN_APPROVAL, Action.DECIDE): frozenset({S.IN_APPROVAL}),
    (S.IN_APPROVAL, Action.SEND_ON): frozenset({S.IN_APPROVAL, S.APPROVED, S.REJECTED}),
    (S.IN_APPROVAL, Action.RETURN): frozenset({S.RETURNED}),
    (S.IN_APPROVAL, Action.WITHDRAW): frozenset({S.WITHDRAWN}),
    (S.IN_APPROVAL, Action.WITHDRAW_ITEMS): frozenset({S.IN_APPROVAL, S.WITHDRAWN, S.APPROVED}),
    (S.IN_APPROVAL, Action.CUTOFF): frozenset({S.CLOSED}),
    (S.RETURNED, Action.RESUBMIT): frozenset({S.IN_APPROVAL}),
    (S.RETURNED, Action.WITHDRAW): frozenset({S.WITHDRAWN}),
    (S.RETURNED, Action.CUTOFF): frozenset({S.CLOSED}),
    # Until the cutoff the accountant may still pull approved payments out of the run.
    (S.APPROVED, Action.WITHDRAW): frozenset({S.WITHDRAWN}),
    (S.APPROVED, Action.WITHDRAW_ITEMS): frozenset({S.APPROVED, S.WITHDRAWN}),
}
WITHDRAWABLE = frozenset({ItemStatus.PENDING, ItemStatus.APPROVED})


class TransitionNotAllowed(DomainError):
    """The register's state does not allow this move (e.g. it moved on)."""

    def __init__(self, status: RegisterStatus, action: Action) -> None:
        super().__init__(_NOT_ALLOWED.get(status, N_("Реестр уже не ждёт этого действия.")))
        self.status, self.action = status, action


_NOT_ALLOWED = {
    S.DRAFT: N_("Реестр ещё не отправлен на согласование."),
    S.APPROVED: N_("Реестр уже согласован полностью."),
    S.REJECTED: N_("Реестр отклонён: ни один платёж не одобрен."),
    S.RETURNED: N_("Реестр возвращён бухгалтеру на доработку."),
    S.WITHDRAWN: N_("Реестр отозван бухгалтером."),
    S.CANCELLED: N_("Реестр отменён."),
    S.CLOSED: N_("Срок согласования прошёл: реестр закрыт отсечкой."),
}


class ApprovalError(DomainError):
    """A refused decision that the user can understand (Russian message)."""

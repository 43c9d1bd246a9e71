"""The memo state machine as data: statuses, actions, step kinds and statuses, and the one
transition table every memo move goes through."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from domain.errors import N_, Text
from domain.memo_errors import TransitionNotAllowed


class MemoStatus(StrEnum):
    """Where a memo is. Values are stable identifiers used in storage."""

    DRAFT = "draft"
    IN_APPROVAL = "in_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"

    @property
    def title_ru(self) -> str:
        """The Russian UI name, e.g. «На согласовании» (a template marked ``N_``)."""
        return _MEMO_STATUS_RU[self]

    @property
    def is_final(self) -> bool:
        """True once nothing can happen to the memo any more."""
        return self in (MemoStatus.APPROVED, MemoStatus.REJECTED)


class MemoAction(StrEnum):
    """A move on a memo. ``APPROVE`` approves a step that has more steps after it;
    ``APPROVE_LAST`` approves the last pending step and so the memo itself."""

    SUBMIT = "submit"
    REVISE = "revise"
    APPROVE = "approve"
    APPROVE_LAST = "approve_last"
    REJECT = "reject"
    RETURN = "return"
    ADD_APPROVER = "add_approver"
    RESUBMIT = "resubmit"

    @property
    def title_ru(self) -> str:
        """The Russian name of the move, e.g. «Вернуть на доработку» (marked ``N_``)."""
        return _MEMO_ACTION_RU[self]


class StepKind(StrEnum):
    """An intermediate approver (counted in ``max_approvers``) or a final one (not counted)."""

    INTERMEDIATE = "intermediate"
    FINAL = "final"


class StepStatus(StrEnum):
    """The state of one approval step. ``SKIPPED``: the round ended (rejected or returned)
    before the step was reached."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    SKIPPED = "skipped"

    @property
    def title_ru(self) -> str:
        """The Russian name of the decision, e.g. «Согласовано»."""
        return _STEP_STATUS_RU[self]


_S, _A = MemoStatus, MemoAction

TRANSITIONS: Mapping[tuple[MemoStatus, MemoAction], MemoStatus] = MappingProxyType(
    {
        (_S.DRAFT, _A.REVISE): _S.DRAFT,
        (_S.DRAFT, _A.SUBMIT): _S.IN_APPROVAL,
        (_S.IN_APPROVAL, _A.APPROVE): _S.IN_APPROVAL,
        (_S.IN_APPROVAL, _A.APPROVE_LAST): _S.APPROVED,
        (_S.IN_APPROVAL, _A.REJECT): _S.REJECTED,
        (_S.IN_APPROVAL, _A.RETURN): _S.RETURNED,
        (_S.IN_APPROVAL, _A.ADD_APPROVER): _S.IN_APPROVAL,
        (_S.RETURNED, _A.REVISE): _S.RETURNED,
        (_S.RETURNED, _A.RESUBMIT): _S.IN_APPROVAL,
    }
)
"""(status, action) -> new status. Any pair not listed is an illegal move."""


def next_status(status: MemoStatus, action: MemoAction) -> MemoStatus:
    """The status after ``action``; `TransitionNotAllowed` for a pair not in `TRANSITIONS`."""
    target = TRANSITIONS.get((status, action))
    if target is None:
        raise TransitionNotAllowed(
            status.value,
            action.value,
            N_("Действие «{action}» недоступно: записка в статусе «{status}»."),
            action=Text(action.title_ru),
            status=Text(status.title_ru),
        )
    return target


_MEMO_STATUS_RU: dict[MemoStatus, str] = {
    MemoStatus.DRAFT: N_("Черновик"),
    MemoStatus.IN_APPROVAL: N_("На согласовании"),
    MemoStatus.APPROVED: N_("Согласована"),
    MemoStatus.REJECTED: N_("Отклонена"),
    MemoStatus.RETURNED: N_("Возвращена на доработку"),
}

_MEMO_ACTION_RU: dict[MemoAction, str] = {
    MemoAction.SUBMIT: N_("Отправить на согласование"),
    MemoAction.REVISE: N_("Изменить"),
    MemoAction.APPROVE: N_("Согласовать"),
    MemoAction.APPROVE_LAST: N_("Согласовать"),
    MemoAction.REJECT: N_("Отклонить"),
    MemoAction.RETURN: N_("Вернуть на доработку"),
    MemoAction.ADD_APPROVER: N_("Добавить согласующего"),
    MemoAction.RESUBMIT: N_("Отправить повторно"),
}

_STEP_STATUS_RU: dict[StepStatus, str] = {
    StepStatus.PENDING: "Ожидает решения",
    StepStatus.APPROVED: "Согласовано",
    StepStatus.REJECTED: "Отклонено",
    StepStatus.RETURNED: "Возвращено на доработку",
    StepStatus.SKIPPED: "Не рассматривалось",
}

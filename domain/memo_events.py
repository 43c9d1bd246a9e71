"""Domain events of the memo flow: one per move, for the audit log and notifications."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from domain.memo_states import MemoAction, MemoStatus

_NAMES: Mapping[MemoAction, str] = MappingProxyType(
    {
        MemoAction.SUBMIT: "memo.submitted",
        MemoAction.REVISE: "memo.revised",
        MemoAction.APPROVE: "memo.step_approved",
        MemoAction.APPROVE_LAST: "memo.approved",
        MemoAction.REJECT: "memo.rejected",
        MemoAction.RETURN: "memo.returned",
        MemoAction.ADD_APPROVER: "memo.approver_added",
        MemoAction.RESUBMIT: "memo.resubmitted",
    }
)


@dataclass(frozen=True)
class MemoEvent:
    """What one move did. ``at`` is UTC.

    ``actor`` acted, ``on_behalf_of`` for whom (a substitute's decision); ``step_key`` and
    ``approver`` name the step decided (or, for ``ADD_APPROVER``, the step inserted and the
    person added); ``awaiting`` is the approver of the step that is now current (who to
    ask next), None when no step waits; ``reason`` is the decision's comment or reason;
    ``changes`` holds the new values of the fields a ``REVISE`` changed.
    """

    action: MemoAction
    at: datetime
    actor: str
    old_status: MemoStatus
    new_status: MemoStatus
    round: int
    on_behalf_of: str | None = None
    step_key: int | None = None
    approver: str | None = None
    awaiting: str | None = None
    reason: str | None = None
    changes: Mapping[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The audit action name, e.g. ``memo.approved``."""
        return _NAMES[self.action]

    def audit_old(self) -> dict[str, object]:
        """The ``old`` part of the audit entry."""
        return {"status": self.old_status.value}

    def audit_new(self) -> dict[str, object]:
        """The ``new`` part of the audit entry (JSON-able; empty fields left out)."""
        new: dict[str, object] = {"status": self.new_status.value, "round": self.round}
        optional = {"step": self.step_key, "approver": self.approver, "awaiting": self.awaiting}
        new.update({key: value for key, value in optional.items() if value is not None})
        if self.changes:
            new["changes"] = dict(self.changes)
        return new


def jsonable_change(value: object) -> object:
    """A revised field's value as the audit log stores it: tuples as lists, attachments
    as plain dicts."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _plain(item: object) -> object:
    fields = ("name", "size", "sha256", "mime")
    if all(hasattr(item, name) for name in fields):
        return {name: getattr(item, name) for name in fields}
    return item

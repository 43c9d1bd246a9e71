"""The org directory from Bitrix24 (PRODUCT §2): people and unit heads, applied locally.

``b24sync.org_sync`` reads ``user.get`` and ``department.get`` and maps them, through
config, to a :class:`BitrixOrgSnapshot`; :class:`ApplyBitrixOrg` applies it in one
transaction. Rules the repository keeps:

- a person is matched by Bitrix24 id; a Bitrix24 user in a mapped unit with no match is
  matched by phone to exactly one local person without a Bitrix24 id, or else created;
- name, phone (when Bitrix24 has a valid one) and the active flag follow Bitrix24; people
  with a Bitrix24 id that Bitrix24 no longer lists are deactivated, never deleted;
- Telegram links, roles and substitutes are never touched (a link made in the bot stays);
- a mapped unit's head (``UF_HEAD``) becomes its director.

Applying the same snapshot twice changes nothing the second time (and records nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain.audit import SYSTEM_ACTOR
from services.ports import AuditEvent, Clock, UnitOfWork


class UnitKind(StrEnum):
    DEPARTMENT = "department"
    DEALER_CENTER = "dealer_center"


@dataclass(frozen=True)
class BitrixPerson:
    """A Bitrix24 user as the org needs it; ``phone`` is E.164 or ``None``; ``department``
    and ``dealer_center`` are our codes of the mapped units the user belongs to."""

    bitrix_id: int
    full_name: str
    phone: str | None
    active: bool
    department: str | None = None
    dealer_center: str | None = None

    @property
    def in_mapped_unit(self) -> bool:
        return self.department is not None or self.dealer_center is not None


@dataclass(frozen=True)
class UnitHead:
    """The head of a mapped Bitrix24 department: the director of our unit ``code``."""

    unit: UnitKind
    code: str
    bitrix_id: int


@dataclass(frozen=True)
class BitrixOrgSnapshot:
    people: tuple[BitrixPerson, ...]
    heads: tuple[UnitHead, ...]


@dataclass(frozen=True)
class BitrixOrgChanges:
    """What applying a snapshot changed (person codes; heads as ``unit code: person``)."""

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deactivated: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated or self.heads)


class BitrixOrgRepository(Protocol):
    async def apply(self, snapshot: BitrixOrgSnapshot, now: datetime) -> BitrixOrgChanges: ...


class BitrixOrgUnitOfWork(UnitOfWork, Protocol):
    @property
    def bitrix_org(self) -> BitrixOrgRepository: ...


class ApplyBitrixOrg:
    """Apply a snapshot with an audit entry when anything changed. ``dry_run`` computes the
    changes and rolls them back (reconcile uses it to report drift)."""

    def __init__(self, uow: Callable[[], BitrixOrgUnitOfWork], clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(
        self, snapshot: BitrixOrgSnapshot, *, dry_run: bool = False, actor: str = SYSTEM_ACTOR
    ) -> BitrixOrgChanges:
        now = self._clock.now()
        async with self._uow() as uow:
            changes = await uow.bitrix_org.apply(snapshot, now)
            if dry_run or not changes.changed:
                return changes
            await uow.audit.append(_audit(changes, actor), now)
            await uow.commit()
        return changes


def _audit(changes: BitrixOrgChanges, actor: str) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        action="b24.org_synced",
        entity_type="org",
        entity_id="bitrix24",
        new={
            "created": list(changes.created),
            "updated": list(changes.updated),
            "deactivated": list(changes.deactivated),
            "heads": list(changes.heads),
        },
    )

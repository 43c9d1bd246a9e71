"""Org sync from Bitrix24 (``viza b24 sync-org``): read every page of ``user.get`` and
``department.get``, map Bitrix24 departments to our departments and dealer centers through
config, and hand the snapshot to ``services.b24_org.ApplyBitrixOrg``.

A user belongs to the mapped unit of their department, or of its nearest mapped parent (a
DC's sales team under the DC's department counts as the DC). Names are built as
"LAST NAME SECOND_NAME" (the org file's «Иванова Анна Сергеевна»); the phone is the mobile,
else the work phone, normalised to E.164 (an unreadable one is ignored, not stored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.errors import InvalidPhoneError
from domain.phone import normalize_phone
from services.b24_org import (
    ApplyBitrixOrg,
    BitrixOrgChanges,
    BitrixOrgSnapshot,
    BitrixPerson,
    UnitHead,
    UnitKind,
)

from .client import Bitrix24Client

Record = Mapping[str, Any]
_MAX_DEPTH = 32  # a parent chain longer than this is a loop in the portal's data


@dataclass(frozen=True)
class OrgMapping:
    """Bitrix24 department id -> our department code / dealer center code."""

    departments: Mapping[int, str] = field(default_factory=dict)
    dealer_centers: Mapping[int, str] = field(default_factory=dict)

    def unit_of(self, department_id: int) -> tuple[UnitKind, str] | None:
        if department_id in self.dealer_centers:
            return UnitKind.DEALER_CENTER, self.dealer_centers[department_id]
        if department_id in self.departments:
            return UnitKind.DEPARTMENT, self.departments[department_id]
        return None


async def fetch_org(client: Bitrix24Client) -> tuple[list[Record], list[Record]]:
    """Every user (``ADMIN_MODE``: inactive ones too) and every department."""
    users = await client.collect_all("user.get", {"ADMIN_MODE": True}, via_batch=True)
    departments = await client.collect_all("department.get", via_batch=True)
    return users, departments


def build_snapshot(
    users: list[Record], departments: list[Record], mapping: OrgMapping
) -> BitrixOrgSnapshot:
    parents = {_int(d.get("ID")): _int(d.get("PARENT")) for d in departments}
    people = tuple(_person(user, parents, mapping) for user in users if _int(user.get("ID")))
    heads = []
    for department in departments:
        unit = mapping.unit_of(_int(department.get("ID")))
        head = _int(department.get("UF_HEAD"))
        if unit is not None and head:
            heads.append(UnitHead(unit[0], unit[1], head))
    return BitrixOrgSnapshot(people, tuple(heads))


def _person(user: Record, parents: dict[int, int], mapping: OrgMapping) -> BitrixPerson:
    units: dict[UnitKind, str] = {}
    for department_id in _ints(user.get("UF_DEPARTMENT")):
        for kind, code in _units_up(department_id, parents, mapping):
            units.setdefault(kind, code)
    return BitrixPerson(
        bitrix_id=_int(user.get("ID")),
        full_name=_full_name(user),
        phone=_phone(user),
        active=_flag(user.get("ACTIVE", True)),
        department=units.get(UnitKind.DEPARTMENT),
        dealer_center=units.get(UnitKind.DEALER_CENTER),
    )


def _units_up(
    department_id: int, parents: dict[int, int], mapping: OrgMapping
) -> list[tuple[UnitKind, str]]:
    """The mapped units on the way from a department up to the root, nearest first."""
    found, current = [], department_id
    for _ in range(_MAX_DEPTH):
        unit = mapping.unit_of(current)
        if unit is not None:
            found.append(unit)
        current = parents.get(current, 0)
        if not current:
            break
    return found


def _full_name(user: Record) -> str:
    parts = (str(user.get(key) or "").strip() for key in ("LAST_NAME", "NAME", "SECOND_NAME"))
    name = " ".join(part for part in parts if part)
    return name or str(user.get("EMAIL") or f"Bitrix24 #{user.get('ID')}")


def _phone(user: Record) -> str | None:
    for key in ("PERSONAL_MOBILE", "WORK_PHONE", "PERSONAL_PHONE"):
        raw = str(user.get(key) or "").strip()
        if raw:
            try:
                return normalize_phone(raw)
            except InvalidPhoneError:
                continue
    return None


def _int(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def _ints(value: Any) -> list[int]:
    values = value if isinstance(value, list | tuple) else [value]
    return [number for number in (_int(v) for v in values) if number]


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().upper() not in {"N", "0", "FALSE", ""}


class OrgSync:
    """Read the portal's org and apply it (or, with ``dry_run``, only say what differs)."""

    def __init__(self, client: Bitrix24Client, apply: ApplyBitrixOrg, mapping: OrgMapping):
        self._client, self._apply, self._mapping = client, apply, mapping

    async def __call__(self, *, dry_run: bool = False) -> BitrixOrgChanges:
        users, departments = await fetch_org(self._client)
        snapshot = build_snapshot(users, departments, self._mapping)
        return await self._apply(snapshot, dry_run=dry_run)

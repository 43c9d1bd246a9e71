"""The org directory's Bitrix24 side in SQL: apply a ``BitrixOrgSnapshot`` (rules in
``services.b24_org``). It writes only ``person``, ``department.director_id`` and
``dealer_center.director_id`` - never ``telegram_link``, roles or substitutes."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.org_model import bitrix_person_code
from models.tables import DealerCenter, Department, Person
from models.uow import SqlUnitOfWork
from services.b24_org import (
    BitrixOrgChanges,
    BitrixOrgSnapshot,
    BitrixPerson,
    UnitHead,
    UnitKind,
)


class _Changes:
    def __init__(self) -> None:
        self.created: list[str] = []
        self.updated: list[str] = []
        self.deactivated: list[str] = []
        self.heads: list[str] = []
        self.warnings: list[str] = []

    def frozen(self) -> BitrixOrgChanges:
        return BitrixOrgChanges(
            tuple(self.created), tuple(dict.fromkeys(self.updated)), tuple(self.deactivated),
            tuple(self.heads), tuple(self.warnings),
        )  # fmt: skip


class SqlBitrixOrgRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def apply(self, snapshot: BitrixOrgSnapshot, now: datetime) -> BitrixOrgChanges:
        changes = _Changes()
        people = list((await self._session.scalars(select(Person).order_by(col(Person.id)))).all())
        by_bitrix = {p.bitrix_id: p for p in people if p.bitrix_id is not None}
        dcs = {dc.code: dc for dc in (await self._session.scalars(select(DealerCenter))).all()}
        for person in snapshot.people:
            row = by_bitrix.get(person.bitrix_id)
            if row is None:
                row = self._adopt_or_create(person, people, dcs, changes)
                if row is None:
                    continue
                by_bitrix[person.bitrix_id] = row
            _update(row, person, changes)
        listed = {person.bitrix_id for person in snapshot.people}
        for bitrix_id, row in by_bitrix.items():
            if bitrix_id not in listed and row.active:
                row.active = False
                changes.deactivated.append(row.code)
        await self._session.flush()
        await self._heads(snapshot.heads, by_bitrix, changes)
        await self._session.flush()
        return changes.frozen()

    def _adopt_or_create(
        self,
        person: BitrixPerson,
        people: list[Person],
        dcs: dict[str, DealerCenter],
        changes: _Changes,
    ) -> Person | None:
        if not (person.active and person.in_mapped_unit):
            return None
        same_phone = [
            p for p in people if p.bitrix_id is None and person.phone and p.phone == person.phone
        ]
        if len(same_phone) == 1:
            same_phone[0].bitrix_id = person.bitrix_id
            changes.updated.append(same_phone[0].code)
            return same_phone[0]
        code = bitrix_person_code(person.bitrix_id)
        if any(p.code == code for p in people):
            changes.warnings.append(f"код {code} уже занят: пользователь Bitrix24 пропущен")
            return None
        home = dcs.get(person.dealer_center) if person.dealer_center else None
        row = Person(
            code=code,
            full_name=person.full_name,
            bitrix_id=person.bitrix_id,
            phone=person.phone,
            active=True,
            home_dc_id=home.id if home else None,
        )
        self._session.add(row)
        people.append(row)
        changes.created.append(code)
        return row

    async def _heads(
        self, heads: tuple[UnitHead, ...], by_bitrix: dict[int, Person], changes: _Changes
    ) -> None:
        units: dict[UnitKind, dict[str, Department | DealerCenter]] = {
            UnitKind.DEPARTMENT: await self._by_code(Department),
            UnitKind.DEALER_CENTER: await self._by_code(DealerCenter),
        }
        for head in heads:
            unit = units[head.unit].get(head.code)
            person = by_bitrix.get(head.bitrix_id)
            if unit is None:
                changes.warnings.append(f"{head.unit} {head.code}: нет такого подразделения")
            elif person is None:
                changes.warnings.append(
                    f"{head.unit} {head.code}: руководитель {head.bitrix_id} не найден"
                )
            elif unit.director_id != person.id:
                unit.director_id = person.id
                changes.heads.append(f"{head.unit} {head.code}: {person.code}")

    async def _by_code(self, model: type[Department] | type[DealerCenter]) -> dict[str, _Unit]:
        rows = (await self._session.scalars(select(model))).all()
        return {row.code: row for row in rows}


_Unit = Department | DealerCenter


def _update(row: Person, person: BitrixPerson, changes: _Changes) -> None:
    wanted: dict[str, object] = {"full_name": person.full_name, "active": person.active}
    if person.phone:
        wanted["phone"] = person.phone
    if all(getattr(row, key) == value for key, value in wanted.items()):
        return
    if row.code not in changes.created:
        gone = row.active and not person.active
        (changes.deactivated if gone else changes.updated).append(row.code)
    for key, value in wanted.items():
        setattr(row, key, value)


class SqlBitrixOrgUnitOfWork(SqlUnitOfWork):
    """The unit of work with ``bitrix_org`` for the Bitrix24 org sync."""

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.bitrix_org = SqlBitrixOrgRepository(self.session)
        return self


__all__ = ["SqlBitrixOrgRepository", "SqlBitrixOrgUnitOfWork"]

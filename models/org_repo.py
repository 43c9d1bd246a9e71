"""The org directory in SQL: idempotent sync from an `OrgDirectory` (the person queries the
bot needs on every update are `models.org_people`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete
from sqlmodel import SQLModel, col, select

from domain.errors import OrgValidationError
from domain.org import OrgDirectory
from domain.org_model import created_by_bitrix_sync
from models.org_people import SqlPeopleQueries, row_id
from models.tables import (
    City,
    DcAccountant,
    DealerCenter,
    Department,
    Person,
    PersonRole,
    Substitution,
    TelegramLink,
)
from services.ports import OrgSyncCounts

Row = TypeVar("Row", bound=SQLModel)


class SqlOrgRepository(SqlPeopleQueries):
    """The org directory's sync; its person queries come from `SqlPeopleQueries`."""

    # --- sync ---------------------------------------------------------------------

    async def sync(self, directory: OrgDirectory, now: datetime) -> OrgSyncCounts:
        """Create or update every entry of ``directory`` by code; deactivate people missing
        from it (never delete: history points at them) except those the Bitrix24 org sync
        created and owns; keep every existing Telegram link."""
        await self._check_bitrix_ids(directory)
        created: Counter[str] = Counter()
        updated: Counter[str] = Counter()
        cities = await self._upsert(
            City,
            "cities",
            created,
            updated,
            {c.code: {"name": c.name, "timezone": c.timezone} for c in directory.cities},
        )
        people = await self._upsert(
            Person,
            "people",
            created,
            updated,
            {
                p.code: {
                    "full_name": p.name,
                    "bitrix_id": p.bitrix_id,
                    "phone": p.phone,
                    "language": p.language,
                    "active": True,
                }
                for p in directory.people
            },
        )
        deactivated = await self._deactivate_missing({p.code for p in directory.people})
        departments = await self._upsert(
            Department,
            "departments",
            created,
            updated,
            {
                d.code: {"name": d.name, "director_id": people[d.director].id}
                for d in directory.departments
            },
        )
        dcs = await self._upsert(
            DealerCenter,
            "dealer_centers",
            created,
            updated,
            {
                dc.code: {
                    "name": dc.name,
                    "city_id": cities[dc.city].id,
                    "department_id": departments[dc.department].id,
                    "director_id": people[dc.director].id,
                }
                for dc in directory.dealer_centers
            },
        )
        for person in directory.people:
            home = dcs[person.dealer_center].id if person.dealer_center else None
            if people[person.code].home_dc_id != home:
                people[person.code].home_dc_id = home
        await self._replace_roles(directory, people)
        await self._replace_accountants(directory, people, dcs)
        await self._replace_substitutions(directory, people)
        await self._prelink(directory, people, now)
        await self._session.flush()
        return OrgSyncCounts(created=dict(created), updated=dict(updated), deactivated=deactivated)

    async def _upsert(
        self,
        model: type[Row],
        kind: str,
        created: Counter[str],
        updated: Counter[str],
        wanted: Mapping[str, Mapping[str, Any]],
    ) -> dict[str, Row]:
        existing = {row.code: row for row in (await self._session.scalars(select(model))).all()}
        for code, fields in wanted.items():
            row = existing.get(code)
            if row is None:
                row = model(code=code, **fields)
                self._session.add(row)
                existing[code] = row
                created[kind] += 1
            elif any(getattr(row, key) != value for key, value in fields.items()):
                for key, value in fields.items():
                    setattr(row, key, value)
                updated[kind] += 1
        await self._session.flush()
        return existing

    async def _check_bitrix_ids(self, directory: OrgDirectory) -> None:
        """A Bitrix24 id in the file that the database gives to someone else (say, a person
        whose code changed) is refused before anything is written, with every such id."""
        in_file = {p.bitrix_id: p.code for p in directory.people if p.bitrix_id is not None}
        if not in_file:
            return
        rows = await self._session.execute(
            select(col(Person.bitrix_id), col(Person.code)).where(
                col(Person.bitrix_id).in_(list(in_file))
            )
        )
        clashes = [
            f'people (code "{in_file[bitrix_id]}"): bitrix_id — {bitrix_id} уже у человека '
            f'"{code}" в базе; верните ему прежний код или уберите bitrix_id'
            for bitrix_id, code in rows.tuples()
            if bitrix_id is not None and in_file[bitrix_id] != code
        ]
        if clashes:
            raise OrgValidationError(sorted(clashes))

    async def _deactivate_missing(self, known: set[str]) -> list[str]:
        gone = []
        for person in (await self._session.scalars(select(Person))).all():
            if person.code not in known and person.active:
                if created_by_bitrix_sync(person.code):
                    continue
                person.active = False
                gone.append(person.code)
        return sorted(gone)

    async def _replace_roles(self, directory: OrgDirectory, people: dict[str, Person]) -> None:
        ids = [people[p.code].id for p in directory.people]
        await self._session.execute(delete(PersonRole).where(col(PersonRole.person_id).in_(ids)))
        for person in directory.people:
            for role in sorted(person.roles):
                self._session.add(
                    PersonRole(person_id=row_id(people[person.code]), role=str(role))
                )

    async def _replace_accountants(
        self, directory: OrgDirectory, people: dict[str, Person], dcs: dict[str, DealerCenter]
    ) -> None:
        ids = [dcs[dc.code].id for dc in directory.dealer_centers]
        await self._session.execute(delete(DcAccountant).where(col(DcAccountant.dc_id).in_(ids)))
        for dc in directory.dealer_centers:
            for code in dict.fromkeys(dc.accountants):
                self._session.add(
                    DcAccountant(dc_id=row_id(dcs[dc.code]), person_id=row_id(people[code]))
                )

    async def _replace_substitutions(
        self, directory: OrgDirectory, people: dict[str, Person]
    ) -> None:
        ids = [people[p.code].id for p in directory.people]
        await self._session.execute(
            delete(Substitution).where(col(Substitution.person_id).in_(ids))
        )
        for sub in directory.substitutes:
            self._session.add(
                Substitution(
                    person_id=row_id(people[sub.person]),
                    substitute_id=row_id(people[sub.substitute]),
                    date_from=sub.from_date,
                    date_to=sub.to_date,
                )
            )

    async def _prelink(
        self, directory: OrgDirectory, people: dict[str, Person], now: datetime
    ) -> None:
        links = (await self._session.scalars(select(TelegramLink))).all()
        linked_people = {link.person_id for link in links}
        taken_accounts = {link.telegram_user_id for link in links}
        for person in directory.people:
            row = people[person.code]
            if person.telegram_id is None or row.id in linked_people:
                continue
            if person.telegram_id in taken_accounts:
                continue
            assert row.id is not None
            self._session.add(
                TelegramLink(
                    person_id=row.id,
                    telegram_user_id=person.telegram_id,
                    method="org",
                    linked_at=now,
                )
            )
            taken_accounts.add(person.telegram_id)

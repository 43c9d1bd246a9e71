"""The person queries the bot runs on every update (who is this Telegram user, with which
roles), shared by `SqlOrgRepository` and read-only units of work."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Select, literal, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.roles import Role
from models.tables import DcAccountant, DealerCenter, Department, Person, PersonRole, TelegramLink
from services.ports import PersonView


class SqlPeopleQueries:
    """People as `PersonView`s: with their roles and Telegram links, in a fixed number of
    queries whatever the number of people."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def person_by_code(self, code: str) -> PersonView | None:
        return await self._one(select(Person).where(col(Person.code) == code))

    async def person_by_id(self, person_id: int) -> PersonView | None:
        return await self._one(select(Person).where(col(Person.id) == person_id))

    async def person_by_telegram(self, telegram_user_id: int) -> PersonView | None:
        """Runs for every update the bot receives: two queries (the link is the one asked
        for, so it is not read again)."""
        views = await self._many(
            select(Person)
            .join(TelegramLink, col(TelegramLink.person_id) == Person.id)
            .where(col(TelegramLink.telegram_user_id) == telegram_user_id)
            .limit(1),
            telegram_user_id=telegram_user_id,
        )
        return views[0] if views else None

    async def active_people_by_phone(self, phone: str) -> Sequence[PersonView]:
        return await self._many(
            select(Person).where(col(Person.phone) == phone, col(Person.active).is_(True))
        )

    async def people_with_role(self, role: Role) -> Sequence[PersonView]:
        return await self._many(
            select(Person)
            .join(PersonRole, col(PersonRole.person_id) == Person.id)
            .where(col(PersonRole.role) == str(role), col(Person.active).is_(True))
            .order_by(col(Person.code))
        )

    async def people_by_codes(self, codes: Sequence[str]) -> list[PersonView]:
        return await self._many(
            select(Person).where(col(Person.code).in_(codes)).order_by(col(Person.code))
        )

    async def active_people(self) -> Sequence[PersonView]:
        return await self._many(
            select(Person).where(col(Person.active).is_(True)).order_by(col(Person.full_name))
        )

    async def _one(self, statement: Select[tuple[Person]]) -> PersonView | None:
        views = await self._many(statement.limit(1))
        return views[0] if views else None

    async def _many(
        self, statement: Select[tuple[Person]], *, telegram_user_id: int | None = None
    ) -> list[PersonView]:
        """People as views, with roles and links loaded in a fixed number of queries;
        ``telegram_user_id``: the people were found by this link (a person has one)."""
        people = list((await self._session.scalars(statement)).all())
        ids = [row_id(person) for person in people]
        if not ids:
            return []
        roles = await self._roles(ids)
        if telegram_user_id is not None:
            links = dict.fromkeys(ids, telegram_user_id)
        else:
            link_rows = await self._session.execute(
                select(col(TelegramLink.person_id), col(TelegramLink.telegram_user_id)).where(
                    col(TelegramLink.person_id).in_(ids)
                )
            )
            links = dict(link_rows.tuples().all())
        return [
            PersonView(
                id=row_id(p),
                code=p.code,
                full_name=p.full_name,
                language=p.language,
                active=p.active,
                roles=frozenset(roles.get(row_id(p), ())),
                telegram_user_id=links.get(row_id(p)),
                bitrix_id=p.bitrix_id,
            )
            for p in people
        ]

    async def _roles(self, ids: list[int]) -> dict[int, set[Role]]:
        """Company roles and the roles that come from holding a unit, in one query (this
        runs for every update the bot receives)."""
        from_units = (
            (col(DealerCenter.director_id), Role.DC_DIRECTOR),
            (col(Department.director_id), Role.DEPARTMENT_DIRECTOR),
            (col(DcAccountant.person_id), Role.ACCOUNTANT),
        )
        query = union_all(
            select(col(PersonRole.person_id), col(PersonRole.role)).where(
                col(PersonRole.person_id).in_(ids)
            ),
            *(
                select(column, literal(str(role))).where(column.in_(ids)).distinct()
                for column, role in from_units
            ),
        )
        roles: dict[int, set[Role]] = defaultdict(set)
        for person_id, role in (await self._session.execute(query)).tuples():
            roles[person_id].add(Role(role))
        return roles


def row_id(row: Person | DealerCenter) -> int:
    assert row.id is not None, "flushed rows have ids"
    return row.id

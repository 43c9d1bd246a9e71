"""The org directory as `domain.org_model.OrgDirectory`, read from the SQL tables in a fixed
number of queries (the memo rules are written against that type).

Deactivated people stay in the directory, so that history still names them, but hold no
company role: the final-approver rule never picks someone who has left.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.org_model import (
    City,
    DealerCenter,
    Department,
    OrgDirectory,
    Person,
    Substitute,
)
from domain.roles import Role
from models import tables as t


async def load_org_directory(session: AsyncSession, timezone: str) -> OrgDirectory:
    """Everything the memo rules ask of the org, as stored now."""
    codes = dict((await session.execute(select(t.Person.id, t.Person.code))).tuples().all())
    city_codes = dict((await session.execute(select(t.City.id, t.City.code))).tuples().all())
    cities = tuple(
        City(c.code, c.name, c.timezone) for c in (await session.scalars(select(t.City))).all()
    )
    departments = (
        await session.scalars(select(t.Department).order_by(col(t.Department.id)))
    ).all()
    dept_codes = {d.id: d.code for d in departments}
    dcs = await _dealer_centers(session, codes, city_codes, dept_codes)
    return OrgDirectory(
        timezone=timezone,
        cities=cities,
        departments=tuple(
            Department(d.code, d.name, codes.get(d.director_id or 0, "")) for d in departments
        ),
        dealer_centers=tuple(dcs.values()),
        people=await _people(session, {dc_id: dc.code for dc_id, dc in dcs.items()}),
        substitutes=await _substitutes(session, codes),
    )


async def _dealer_centers(
    session: AsyncSession,
    codes: dict[int | None, str],
    city_codes: dict[int | None, str],
    dept_codes: dict[int | None, str],
) -> dict[int, DealerCenter]:
    accountants: dict[int, list[str]] = defaultdict(list)
    rows = await session.execute(
        select(t.DcAccountant.dc_id, t.DcAccountant.person_id).order_by(
            col(t.DcAccountant.dc_id), col(t.DcAccountant.person_id)
        )
    )
    for dc_id, person_id in rows.tuples():
        accountants[dc_id].append(codes[person_id])
    found = (await session.scalars(select(t.DealerCenter).order_by(col(t.DealerCenter.id)))).all()
    return {
        dc.id: DealerCenter(
            dc.code,
            dc.name,
            city_codes.get(dc.city_id, ""),
            dept_codes.get(dc.department_id, ""),
            codes.get(dc.director_id or 0, ""),
            tuple(accountants.get(dc.id, ())),
        )
        for dc in found
        if dc.id is not None
    }


async def _people(session: AsyncSession, dc_codes: dict[int, str]) -> tuple[Person, ...]:
    roles: dict[int, set[Role]] = defaultdict(set)
    for person_id, role in (
        await session.execute(select(t.PersonRole.person_id, t.PersonRole.role))
    ).tuples():
        roles[person_id].add(Role(role))
    links = dict(
        (await session.execute(select(t.TelegramLink.person_id, t.TelegramLink.telegram_user_id)))
        .tuples()
        .all()
    )
    people = (await session.scalars(select(t.Person).order_by(col(t.Person.id)))).all()
    return tuple(
        Person(
            code=p.code,
            name=p.full_name,
            bitrix_id=p.bitrix_id,
            telegram_id=links.get(p.id or 0),
            phone=p.phone,
            roles=frozenset(roles.get(p.id or 0, ())) if p.active else frozenset(),
            language=p.language,
            dealer_center=dc_codes.get(p.home_dc_id or 0),
        )
        for p in people
    )


async def _substitutes(
    session: AsyncSession, codes: dict[int | None, str]
) -> tuple[Substitute, ...]:
    rows = (
        await session.scalars(select(t.Substitution).order_by(col(t.Substitution.date_from)))
    ).all()
    return tuple(
        Substitute(codes[s.person_id], codes[s.substitute_id], s.date_from, s.date_to)
        for s in rows
    )

"""Who is around a register: its DC's people, the holders of a stage, substitutes, time
zones (a part of `models.approval_repo.SqlApprovalRepository`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, or_
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from domain.org_model import Substitute
from domain.register_approval import RegisterStatus
from domain.register_route import Stage
from domain.roles import Role
from models.org_repo import SqlOrgRepository
from models.register_tables import Register
from models.tables import (
    City,
    DcAccountant,
    DealerCenter,
    Department,
    Person,
    PersonRole,
    Substitution,
)
from services.approval_ports import RegisterContext
from services.ports import PersonView

_DC_DIRECTOR, _DEPT_DIRECTOR = aliased(Person, name="dcd"), aliased(Person, name="dd")
_UPLOADER = aliased(Person, name="up")
_ABSENT, _SUBSTITUTE = aliased(Person, name="p"), aliased(Person, name="s")


class ApprovalPeople:
    """The people side of the approval repository (a mixin: the repository sets
    ``_session`` and ``_org``)."""

    _session: AsyncSession
    _org: SqlOrgRepository

    async def context(self, register_id: int) -> RegisterContext:
        dc_director, dept_director, uploader = _DC_DIRECTOR, _DEPT_DIRECTOR, _UPLOADER
        row = (
            await self._session.execute(
                sa_select(
                    col(Register.dc_id), col(DealerCenter.code), col(DealerCenter.name),
                    col(City.name), col(City.timezone), col(dc_director.code),
                    col(dept_director.code), col(uploader.code), col(Register.payment_date),
                )
                .join(DealerCenter, col(DealerCenter.id) == Register.dc_id)
                .join(City, col(City.id) == DealerCenter.city_id)
                .join(Department, col(Department.id) == DealerCenter.department_id)
                .outerjoin(dc_director, col(dc_director.id) == DealerCenter.director_id)
                .outerjoin(dept_director, col(dept_director.id) == Department.director_id)
                .join(uploader, col(uploader.id) == Register.uploaded_by_id)
                .where(col(Register.id) == register_id)
            )
        ).one()  # fmt: skip
        dc_id, dc_code, dc_name, city, zone, director, dept_head, uploaded_by, day = row
        accountants = await self._session.scalars(
            select(col(Person.code))
            .join(DcAccountant, col(DcAccountant.person_id) == Person.id)
            .where(col(DcAccountant.dc_id) == dc_id, col(Person.active).is_(True))
            .order_by(col(Person.code))
        )
        return RegisterContext(
            register_id=register_id, dc_id=dc_id, dc_code=dc_code, dc_name=dc_name, city=city,
            dc_timezone=zone, dc_director=director, department_director=dept_head,
            uploaded_by=uploaded_by, payment_date=day, accountants=tuple(accountants),
        )  # fmt: skip

    async def holders(self, stage: Stage, context: RegisterContext) -> Sequence[str]:
        if stage is Stage.DC_DIRECTOR:
            return [context.dc_director] if context.dc_director else []
        if stage is Stage.DEPARTMENT_DIRECTOR:
            return [context.department_director] if context.department_director else []
        return [p.code for p in await self._org.people_with_role(Role(stage.value))]

    async def substitutes(self, day: date) -> Sequence[Substitute]:
        person, substitute = _ABSENT, _SUBSTITUTE
        rows = await self._session.execute(
            select(col(person.code), col(substitute.code), col(Substitution.date_from),
                   col(Substitution.date_to))
            .join(person, col(person.id) == Substitution.person_id)
            .join(substitute, col(substitute.id) == Substitution.substitute_id)
            .where(col(Substitution.date_from) <= day, col(Substitution.date_to) >= day)
        )  # fmt: skip
        return [Substitute(*row) for row in rows.tuples()]

    async def people(self, codes: Sequence[str]) -> Sequence[PersonView]:
        return await self._org.people_by_codes(codes)

    async def timezone_of(self, person_id: int) -> str | None:
        """The zone of the DCs a person directs or keeps the books of, or of their home
        DC, or of their department's DCs when those share one zone."""
        zones = set(
            await self._session.scalars(
                select(col(City.timezone))
                .join(DealerCenter, col(DealerCenter.city_id) == City.id)
                .outerjoin(DcAccountant, col(DcAccountant.dc_id) == DealerCenter.id)
                .outerjoin(Department, col(Department.id) == DealerCenter.department_id)
                .where(
                    (col(DealerCenter.director_id) == person_id)
                    | (col(DcAccountant.person_id) == person_id)
                    | (col(Department.director_id) == person_id)
                    | (col(DealerCenter.id).in_(
                        select(col(Person.home_dc_id)).where(col(Person.id) == person_id)))
                )
                .distinct()
            )
        )  # fmt: skip
        return zones.pop() if len(zones) == 1 else None

    async def candidate_registers(self, codes: Sequence[str]) -> Sequence[int]:
        """Registers in approval whose current stage is held by one of ``codes`` (a person
        and whoever they stand in for): as director of the register's DC or department, or
        by the stage's company role. One query however many registers wait; the use case
        then checks each found one precisely (absences, cutoff)."""
        people = select(col(Person.id)).where(col(Person.code).in_(codes))
        roles = select(col(PersonRole.role)).where(col(PersonRole.person_id).in_(people))
        held = or_(
            and_(col(Register.stage) == Stage.DC_DIRECTOR.value,
                 col(DealerCenter.director_id).in_(people)),
            and_(col(Register.stage) == Stage.DEPARTMENT_DIRECTOR.value,
                 col(Department.director_id).in_(people)),
            col(Register.stage).in_(roles),
        )  # fmt: skip
        query = (
            select(col(Register.id))
            .join(DealerCenter, col(DealerCenter.id) == Register.dc_id)
            .join(Department, col(Department.id) == DealerCenter.department_id)
            .where(col(Register.status) == RegisterStatus.IN_APPROVAL.value, held)
            .order_by(col(Register.payment_date), col(Register.id))
        )
        return list(await self._session.scalars(query))

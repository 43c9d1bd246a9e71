"""Payment registers in SQL: a draft goes in with bulk inserts (a 10,000-row register must
store fast), the 30-day duplicate lookup is one query, drafts change under a version check."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.register_approval import RegisterStatus
from domain.register_checks import DuplicateKey, duplicate_key
from models.register_items import KEY_WIDTH, item_insert, item_rows
from models.register_tables import Register, RegisterFile, RegisterItem
from models.tables import City, DcAccountant, DealerCenter, Person
from services.register_ports import (
    DealerCenterRef,
    NewRegister,
    PriorPayment,
    RegisterSummary,
    summarize_groups,
)

REG = cast(Table, Register.__table__)  # type: ignore[attr-defined]
ITEM = cast(Table, RegisterItem.__table__)  # type: ignore[attr-defined]
FILE = cast(Table, RegisterFile.__table__)  # type: ignore[attr-defined]
DC = cast(Table, DealerCenter.__table__)  # type: ignore[attr-defined]
PERSON = cast(Table, Person.__table__)  # type: ignore[attr-defined]
CITY = cast(Table, City.__table__)  # type: ignore[attr-defined]
ACC = cast(Table, DcAccountant.__table__)  # type: ignore[attr-defined]
PERSON = cast(Table, Person.__table__)  # type: ignore[attr-defined]

# Up to this many distinct duplicate keys the lookup seeks each key in the index; a bigger
# register reads the 30-day window instead (from the register side), still in one query,
# and filters here. Both stay well under the bind-parameter caps of SQLite and asyncpg.
_KEY_LOOKUP_LIMIT = 2000
_INSERT_SLICE = 5000


class SqlRegisterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def dealer_centers_served_by(self, person_id: int) -> Sequence[DealerCenterRef]:
        rows = await self._session.execute(
            select(DC.c.id, DC.c.code, DC.c.name, CITY.c.name)
            .join(ACC, ACC.c.dc_id == DC.c.id)
            .join(CITY, CITY.c.id == DC.c.city_id)
            .where(ACC.c.person_id == person_id)
            .order_by(DC.c.name)
        )
        return [DealerCenterRef(*row) for row in rows]

    async def accountants_for(self, person_id: int) -> Sequence[tuple[str, str]]:
        rows = await self._session.execute(
            select(PERSON.c.full_name, DC.c.name)
            .join(ACC, ACC.c.person_id == PERSON.c.id)
            .join(DC, DC.c.id == ACC.c.dc_id)
            .where(DC.c.director_id == person_id, PERSON.c.active.is_(True))
            .order_by(DC.c.name, PERSON.c.full_name)
        )
        return [(str(name), str(dc)) for name, dc in rows]

    async def prior_payments(
        self, keys: Collection[DuplicateKey], since: datetime
    ) -> Sequence[PriorPayment]:
        if not keys:
            return []
        statement = (
            select(
                ITEM.c.inn,
                ITEM.c.invoice_number,
                ITEM.c.amount,
                ITEM.c.purpose,
                REG.c.id,
                REG.c.created_at,
                DC.c.code,
                DC.c.name,
            )
            .join(REG, REG.c.id == ITEM.c.register_id)
            .join(DC, DC.c.id == REG.c.dc_id)
            .where(REG.c.created_at >= since, REG.c.status != RegisterStatus.CANCELLED.value)
            .order_by(REG.c.created_at, ITEM.c.position)
        )
        stored = _stored_keys(keys)
        if len(stored) <= _KEY_LOOKUP_LIMIT:
            # exact seeks on ix_register_item_duplicate_key: only true candidates are read
            columns = tuple_(ITEM.c.inn, ITEM.c.invoice_key, ITEM.c.amount)
            statement = statement.where(columns.in_(sorted(stored)))
        rows = await self._session.execute(statement)
        return [PriorPayment(*row) for row in rows if _stored_key(row) in stored]

    async def same_draft(
        self, uploaded_by_id: int, dc_id: int, sha256: str, since: datetime
    ) -> int | None:
        # The uploader's row is the lock (PostgreSQL); SQLite's BEGIN IMMEDIATE already
        # serialises writers.
        await self._session.execute(
            select(PERSON.c.id).where(PERSON.c.id == uploaded_by_id).with_for_update()
        )
        found = await self._session.scalar(
            select(REG.c.id)
            .join(FILE, FILE.c.register_id == REG.c.id)
            .where(
                REG.c.uploaded_by_id == uploaded_by_id,
                REG.c.dc_id == dc_id,
                REG.c.status == RegisterStatus.DRAFT.value,
                REG.c.created_at >= since,
                FILE.c.sha256 == sha256,
            )
            .order_by(REG.c.id.desc())
            .limit(1)
        )
        return int(found) if found is not None else None

    async def add_draft(self, draft: NewRegister) -> int:
        total = sum((r.amount for r in draft.rows if r.currency == "RUB"), Decimal("0.00"))
        register_id = (
            await self._session.execute(
                insert(REG)
                .values(
                    dc_id=draft.dc_id,
                    uploaded_by_id=draft.uploaded_by_id,
                    status=RegisterStatus.DRAFT.value,
                    stage=None,
                    version=1,
                    payment_date=draft.payment_date,
                    earliest_payment_date=draft.payment_date,
                    source_format=draft.source_format,
                    item_count=len(draft.rows),
                    total=total,
                    warnings=[_warning_document(w) for w in draft.warnings],
                    created_at=draft.created_at,
                    updated_at=draft.created_at,
                )
                .returning(REG.c.id)
            )
        ).scalar_one()
        await self._insert_items(register_id, draft)
        await self._session.execute(
            insert(FILE).values(
                register_id=register_id,
                filename=draft.file.filename[:255],
                size=len(draft.file.content),
                sha256=draft.file.sha256,
                content=draft.file.content,
                telegram_file_id=draft.file.telegram_file_id,
                uploaded_at=draft.created_at,
            )
        )
        return int(register_id)

    async def _insert_items(self, register_id: int, draft: NewRegister) -> None:
        connection = await self._session.connection()
        statement = item_insert(connection.dialect, register_id)
        sqlite = connection.dialect.name == "sqlite"
        # In slices: the driver values of a 100,000-row register never sit in memory at once.
        for start in range(0, len(draft.rows), _INSERT_SLICE):
            stop = min(start + _INSERT_SLICE, len(draft.rows))
            rows = item_rows(draft, start, stop, sqlite=sqlite)
            await connection.exec_driver_sql(statement, rows)

    async def summary(self, register_id: int) -> RegisterSummary | None:
        row = (
            await self._session.execute(
                select(REG, DC.c.code, DC.c.name, CITY.c.name.label("city"), FILE.c.filename)
                .join(DC, DC.c.id == REG.c.dc_id)
                .join(CITY, CITY.c.id == DC.c.city_id)
                .outerjoin(FILE, FILE.c.register_id == REG.c.id)
                .where(REG.c.id == register_id)
            )
        ).first()
        if row is None:
            return None
        groups = await self._session.execute(
            select(ITEM.c.currency, ITEM.c.category, func.sum(ITEM.c.amount), func.count())
            .where(ITEM.c.register_id == register_id)
            .group_by(ITEM.c.currency, ITEM.c.category)
        )
        return _summary(row._mapping, list(groups))

    async def change_draft(
        self,
        register_id: int,
        expected_version: int,
        now: datetime,
        *,
        status: RegisterStatus | None = None,
        payment_date: date | None = None,
    ) -> bool:
        values: dict[str, Any] = {"version": REG.c.version + 1, "updated_at": now}
        if payment_date is not None:
            values["payment_date"] = payment_date
        if status is not None:
            values["status"] = status.value
            if status is RegisterStatus.IN_APPROVAL:
                values["submitted_at"] = now
            elif status is RegisterStatus.CANCELLED:
                values["cancelled_at"] = now
        result = await self._session.execute(
            update(REG)
            .where(
                REG.c.id == register_id,
                REG.c.version == expected_version,
                REG.c.status == RegisterStatus.DRAFT.value,
            )
            .values(**values)
        )
        return cast(int, result.rowcount) == 1  # type: ignore[attr-defined]


def _stored_keys(keys: Collection[DuplicateKey]) -> AbstractSet[DuplicateKey]:
    """The keys as ``invoice_key`` holds them (cut to its width); a set that fits, as is."""
    if isinstance(keys, AbstractSet) and all(len(key[1]) <= KEY_WIDTH for key in keys):
        return keys
    return {(inn, invoice[:KEY_WIDTH], amount) for inn, invoice, amount in keys}


def _stored_key(row: Any) -> DuplicateKey:
    inn, invoice_number, amount, purpose = row[:4]
    inn, invoice, amount = duplicate_key(inn, invoice_number, amount, purpose)
    return inn, invoice[:KEY_WIDTH], amount


def _warning_document(warning: Any) -> dict[str, Any]:
    return {"kind": str(warning.kind), "lines": list(warning.lines), "message": warning.message}


def _summary(row: Any, groups: list[Any]) -> RegisterSummary:
    totals, by_category = summarize_groups(groups)
    return RegisterSummary(
        id=row["id"],
        version=row["version"],
        status=RegisterStatus(row["status"]),
        dc=DealerCenterRef(row["dc_id"], row["code"], row["name"], row["city"]),
        uploaded_by_id=row["uploaded_by_id"],
        payment_date=row["payment_date"],
        earliest_payment_date=row["earliest_payment_date"],
        item_count=row["item_count"],
        totals=totals,
        by_category=by_category,
        warnings=tuple(w["message"] for w in row["warnings"] or ()),
        filename=row["filename"] or "",
        created_at=row["created_at"],
    )

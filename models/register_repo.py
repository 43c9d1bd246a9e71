"""Payment registers in SQL: a draft goes in with bulk inserts (a 10,000-row register must
store fast), the 30-day duplicate lookup is one query, drafts change under a version check."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, tuple_, update
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from domain.register_approval import RegisterStatus
from domain.register_checks import duplicate_key
from models.register_items import KEY_WIDTH, WIDTH, encoder_for, item_insert, stored_keys
from models.register_tables import Register, RegisterFile, RegisterItem
from models.tables import City, DcAccountant, DealerCenter, Person
from services.register_ports import (
    DealerCenterRef,
    DraftHeader,
    DraftTotals,
    ItemChunk,
    NewRegisterFile,
    PreparedItems,
    PriorPayment,
    RegisterSummary,
    StoredKey,
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


class SqlRegisterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._item_sql: dict[tuple[int, int], str] = {}

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
        self, keys: Collection[StoredKey], since: datetime, excluding: int | None = None
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
            .where(
                REG.c.created_at >= since,
                REG.c.status != RegisterStatus.CANCELLED.value,
                REG.c.id != (excluding or 0),
            )
            .order_by(REG.c.created_at, ITEM.c.position)
        )
        stored = keys if isinstance(keys, AbstractSet) else set(keys)
        if len(stored) <= _KEY_LOOKUP_LIMIT:
            # exact seeks on ix_register_item_duplicate_key: only true candidates are read
            columns = tuple_(ITEM.c.inn, ITEM.c.invoice_key, ITEM.c.amount)
            wanted = sorted(
                (inn, key, Decimal(kopecks).scaleb(-2)) for inn, key, kopecks in stored
            )
            statement = statement.where(columns.in_(wanted))
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

    async def begin_draft(self, header: DraftHeader, upload: NewRegisterFile) -> int:
        register_id = (
            await self._session.execute(
                insert(REG)
                .values(
                    dc_id=header.dc_id,
                    uploaded_by_id=header.uploaded_by_id,
                    status=RegisterStatus.DRAFT.value,
                    stage=None,
                    version=1,
                    payment_date=header.payment_date,
                    earliest_payment_date=header.payment_date,
                    source_format="",  # known once the file is read (finish_draft)
                    item_count=0,
                    total=Decimal("0.00"),
                    warnings=[],
                    created_at=header.created_at,
                    updated_at=header.created_at,
                )
                .returning(REG.c.id)
            )
        ).scalar_one()
        await self._session.execute(
            insert(FILE).values(
                register_id=register_id,
                filename=upload.filename[:255],
                size=len(upload.content),
                sha256=upload.sha256,
                content=upload.content,
                telegram_file_id=upload.telegram_file_id,
                uploaded_at=header.created_at,
            )
        )
        return int(register_id)

    async def add_items(
        self, register_id: int, items: ItemChunk | PreparedItems
    ) -> list[StoredKey]:
        connection = await self._session.connection()
        dialect = connection.dialect
        if isinstance(items, ItemChunk):
            items = encoder_for(dialect.name)(items)
        if items.flat:
            for block in items.values:
                rows = len(block) // WIDTH
                await connection.exec_driver_sql(self._insert(dialect, register_id, rows), block)
        elif items.values:
            statement = self._insert(dialect, register_id, 1)
            await connection.exec_driver_sql(statement, items.values)
        return stored_keys(items)

    def _insert(self, dialect: Dialect, register_id: int, rows: int) -> str:
        """Compiled once per upload and block size, not once per chunk."""
        statement = self._item_sql.get((register_id, rows))
        if statement is None:
            statement = self._item_sql[register_id, rows] = item_insert(dialect, register_id, rows)
        return statement

    async def finish_draft(self, register_id: int, totals: DraftTotals) -> None:
        await self._session.execute(
            update(REG)
            .where(REG.c.id == register_id)
            .values(
                item_count=totals.item_count,
                total=totals.total,
                source_format=totals.source_format,
                warnings=[_warning_document(w) for w in totals.warnings],
            )
        )
        if totals.notes:
            await self._session.execute(
                update(ITEM)
                .where(ITEM.c.register_id == register_id, ITEM.c.line == bindparam("at_line"))
                .values(duplicate_note=bindparam("note")),
                [{"at_line": line, "note": note} for line, note in sorted(totals.notes.items())],
            )

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


def _stored_key(row: Any) -> StoredKey:
    inn, invoice_number, amount, purpose = row[:4]
    inn, invoice, amount = duplicate_key(inn, invoice_number, amount, purpose)
    return inn, invoice[:KEY_WIDTH], int(amount.scaleb(2))


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

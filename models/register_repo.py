"""Payment registers in SQL: a draft goes in with bulk inserts (a 10,000-row register must
store fast), the 30-day duplicate lookup is one query, drafts change under a version check."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.register_checks import duplicate_key
from domain.registers_rows import PaymentRow
from models.register_tables import Register, RegisterFile, RegisterItem
from models.tables import City, DcAccountant, DealerCenter, Person
from services.register_ports import (
    CategoryTotal,
    DealerCenterRef,
    ItemStatus,
    NewRegister,
    PriorPayment,
    RegisterStatus,
    RegisterSummary,
)

REG = cast(Table, Register.__table__)  # type: ignore[attr-defined]
ITEM = cast(Table, RegisterItem.__table__)  # type: ignore[attr-defined]
FILE = cast(Table, RegisterFile.__table__)  # type: ignore[attr-defined]
DC = cast(Table, DealerCenter.__table__)  # type: ignore[attr-defined]
CITY = cast(Table, City.__table__)  # type: ignore[attr-defined]
ACC = cast(Table, DcAccountant.__table__)  # type: ignore[attr-defined]
PERSON = cast(Table, Person.__table__)  # type: ignore[attr-defined]

# Up to this many distinct INNs the lookup filters by INN (the index); a bigger register
# reads the whole 30-day window instead, still in one query, and filters here. Both stay
# well under the bind-parameter caps of SQLite and asyncpg.
_INN_FILTER_LIMIT = 2000
_KEY_WIDTH = 200


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
        self, inns: Collection[str], since: datetime
    ) -> Sequence[PriorPayment]:
        if not inns:
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
        narrow = len(inns) <= _INN_FILTER_LIMIT
        if narrow:
            statement = statement.where(ITEM.c.inn.in_(sorted(inns)))
        rows = await self._session.execute(statement)
        wanted = inns if narrow else set(inns)
        return [PriorPayment(*row) for row in rows if narrow or row[0] in wanted]

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
        await self._session.execute(insert(ITEM), _item_rows(register_id, draft))
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
            if status is RegisterStatus.SUBMITTED:
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


def _item_rows(register_id: int, draft: NewRegister) -> list[dict[str, Any]]:
    notes, over = draft.notes, draft.over_threshold
    return [
        _item_row(register_id, position, row, notes.get(row.line), row.line in over)
        for position, row in enumerate(draft.rows, start=1)
    ]


def _item_row(
    register_id: int, position: int, row: PaymentRow, note: str | None, over: bool
) -> dict[str, Any]:
    return {
        "register_id": register_id,
        "position": position,
        "line": row.line,
        "document_number": row.document_number,
        "counterparty": row.counterparty,
        "inn": row.inn,
        "invoice_number": row.invoice_number,
        "invoice_key": duplicate_key(row.inn, row.invoice_number, row.amount, row.purpose)[1][
            :_KEY_WIDTH
        ],
        "invoice_date": row.invoice_date,
        "purpose": row.purpose,
        "amount": row.amount,
        "currency": row.currency,
        "category": row.category,
        "due_date": row.due_date,
        "urgent": row.urgent,
        "comment": row.comment,
        "over_threshold": over,
        "duplicate_note": note,
        "status": ItemStatus.PENDING.value,
    }


def _warning_document(warning: Any) -> dict[str, Any]:
    return {"kind": str(warning.kind), "lines": list(warning.lines), "message": warning.message}


def _summary(row: Any, groups: list[Any]) -> RegisterSummary:
    totals: dict[str, Decimal] = {}
    by_category: list[CategoryTotal] = []
    for currency, category, amount, count in groups:
        totals[currency] = totals.get(currency, Decimal("0.00")) + amount
        if currency == "RUB":
            by_category.append(CategoryTotal(category, amount, int(count)))
    by_category.sort(key=lambda c: (-c.amount, c.category or ""))
    return RegisterSummary(
        id=row["id"],
        version=row["version"],
        status=RegisterStatus(row["status"]),
        dc=DealerCenterRef(row["dc_id"], row["code"], row["name"], row["city"]),
        uploaded_by_id=row["uploaded_by_id"],
        payment_date=row["payment_date"],
        earliest_payment_date=row["earliest_payment_date"],
        item_count=row["item_count"],
        totals=dict(sorted(totals.items())),
        by_category=tuple(by_category),
        warnings=tuple(w["message"] for w in row["warnings"] or ()),
        filename=row["filename"] or "",
        created_at=row["created_at"],
    )

"""Carry-over in SQL: the missed items of a closed register copied into a new draft with
one INSERT ... SELECT, each copy linked to its original and counting its carries."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.register_approval import RegisterStatus
from models.cutoff_sql import ITEM, MISSED, PENDING, REG, money, rub_sum
from services.cutoff.ports import CarryDraft


class SqlCarryQueries:
    _session: AsyncSession

    async def lock_register(self, register_id: int) -> tuple[str, date] | None:
        row = (
            await self._session.execute(
                select(REG.c.status, REG.c.payment_date)
                .where(REG.c.id == register_id)
                .with_for_update()
            )
        ).first()
        return None if row is None else (str(row[0]), row[1])

    def _to_carry(self, register_id: int) -> Any:
        copy, target = ITEM.alias("copy"), REG.alias("target")
        carried = exists().where(
            copy.c.carried_from_item_id == ITEM.c.id,
            target.c.id == copy.c.register_id,
            target.c.status != RegisterStatus.CANCELLED.value,
        )
        return and_(ITEM.c.register_id == register_id, ITEM.c.status == MISSED, ~carried)

    async def carry_over(self, draft: CarryDraft) -> int | None:
        which = self._to_carry(draft.source_register_id)
        count, total = (
            await self._session.execute(
                select(func.count(), rub_sum(ITEM.c.amount, ITEM.c.currency)).where(which)
            )
        ).one()
        if not count:
            return None
        register_id = await self._new_register(draft, int(count), money(total))
        await self._session.execute(
            insert(ITEM).from_select(_COPIED + _SET, _copies(register_id, which))
        )
        return register_id

    async def _new_register(self, draft: CarryDraft, count: int, total: Any) -> int:
        statement = (
            insert(REG)
            .values(dc_id=draft.dc_id, uploaded_by_id=draft.uploaded_by_id,
                    status=RegisterStatus.DRAFT.value, stage=None, version=1,
                    payment_date=draft.payment_date, earliest_payment_date=draft.payment_date,
                    source_format="carry", item_count=count, total=total,
                    warnings=[{"kind": "carried", "lines": [], "message": draft.note}],
                    created_at=draft.created_at, updated_at=draft.created_at)
            .returning(REG.c.id)
        )  # fmt: skip
        return int((await self._session.execute(statement)).scalar_one())

    async def carried_into(self, register_id: int) -> int | None:
        source, target = ITEM.alias("src"), REG.alias("target")
        return await self._session.scalar(
            select(ITEM.c.register_id)
            .join(source, source.c.id == ITEM.c.carried_from_item_id)
            .join(target, target.c.id == ITEM.c.register_id)
            .where(source.c.register_id == register_id,
                   target.c.status != RegisterStatus.CANCELLED.value)
            .order_by(ITEM.c.register_id.desc())
            .limit(1)
        )  # fmt: skip


# Columns copied as they are; then the ones the copy sets itself.
_COPIED = [
    "line", "document_number", "counterparty", "inn", "invoice_number", "invoice_key",
    "invoice_date", "purpose", "amount", "currency", "category", "due_date", "urgent",
    "comment", "over_threshold",
]  # fmt: skip
_SET = ["register_id", "position", "status", "carried_from_item_id", "carried_count"]


def _copies(register_id: int, which: Any) -> Any:
    position = func.row_number().over(order_by=ITEM.c.position)
    return select(
        *(ITEM.c[name] for name in _COPIED),
        literal(register_id).label("register_id"),
        position.label("position"),
        literal(PENDING).label("status"),
        ITEM.c.id.label("carried_from_item_id"),
        (ITEM.c.carried_count + 1).label("carried_count"),
    ).where(which)

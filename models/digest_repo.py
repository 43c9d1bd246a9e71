"""The finance digest's queries: the day's figures per DC and its approved payments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.register_approval import ItemStatus
from formats.exports import ApprovedPayment
from models.cutoff_sql import DC, ITEM, NOT_PAID, REG, money
from services.cutoff.ports import FigureRow


class SqlDigestQueries:
    _session: AsyncSession

    async def figures(self, day: date) -> Sequence[FigureRow]:
        rows = await self._session.execute(
            select(DC.c.code, DC.c.name, ITEM.c.status, ITEM.c.currency, func.count(),
                   func.sum(ITEM.c.amount))
            .join(REG, REG.c.id == ITEM.c.register_id)
            .join(DC, DC.c.id == REG.c.dc_id)
            .where(REG.c.payment_date == day, REG.c.status.not_in(NOT_PAID))
            .group_by(DC.c.code, DC.c.name, ITEM.c.status, ITEM.c.currency)
            .order_by(DC.c.name, DC.c.code)
        )  # fmt: skip
        return [
            FigureRow(code, name, status, currency, int(n), money(total))
            for code, name, status, currency, n, total in rows.tuples()
        ]

    async def approved_payments(self, day: date) -> Sequence[ApprovedPayment]:
        rows = await self._session.execute(
            select(DC.c.code, DC.c.name, REG.c.id, ITEM.c.position, REG.c.payment_date,
                   ITEM.c.counterparty, ITEM.c.inn, ITEM.c.amount, ITEM.c.purpose,
                   ITEM.c.currency, ITEM.c.invoice_number, ITEM.c.invoice_date,
                   ITEM.c.category, ITEM.c.due_date, ITEM.c.urgent)
            .join(REG, REG.c.id == ITEM.c.register_id)
            .join(DC, DC.c.id == REG.c.dc_id)
            .where(REG.c.payment_date == day, REG.c.status.not_in(NOT_PAID),
                   ITEM.c.status == ItemStatus.APPROVED.value)
            .order_by(DC.c.name, REG.c.id, ITEM.c.position)
        )  # fmt: skip
        return [ApprovedPayment(*row) for row in rows.tuples()]

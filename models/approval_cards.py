"""A register's card in SQL: the header tally, a page of lines with their decisions, and
where each approver's card message is (a part of `models.approval_repo.SqlApprovalRepository`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, false, func, literal, not_, or_
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.register_approval import ItemStatus
from domain.register_route import HOME_CURRENCY, Stage
from models.approval_decisions import (
    UNDECIDED,
    DecisionRow,
    joined_decision,
    read_decisions,
    with_decision_at,
)
from models.approval_tables import RegisterCard, RegisterDecision
from models.register_tables import RegisterItem
from services.approval_ports import CardItem, CardMessage, CardScope, CardTally

_ZERO = Decimal("0.00")


class ApprovalCards:
    """The card side of the approval repository (a mixin: the repository sets
    ``_session``)."""

    _session: AsyncSession

    async def card_items(
        self,
        register_id: int,
        round_: int,
        stage: Stage | None,
        item_ids: Sequence[int] | None = None,
    ) -> Sequence[CardItem]:
        query = sa_select(*_CARD_COLUMNS).where(col(RegisterItem.register_id) == register_id)
        if item_ids is not None:
            query = query.where(col(RegisterItem.id).in_(item_ids))
        query = query.order_by(col(RegisterItem.position))
        return await self._card_lines(query, register_id, round_, stage)

    async def card_page(
        self, scope: CardScope, *, at_stage_only: bool, offset: int, limit: int
    ) -> Sequence[CardItem]:
        query = sa_select(*_CARD_COLUMNS).where(col(RegisterItem.register_id) == scope.register_id)
        if at_stage_only:
            query = query.where(_at_stage(scope))
        query = query.order_by(col(RegisterItem.position)).offset(offset).limit(limit)
        if scope.stage is None:
            return await self._card_lines(query, scope.register_id, scope.round, None)
        return await self._page_with_decisions(query, scope.register_id, scope.round, scope.stage)

    async def _card_lines(
        self, query: Select[Any], register_id: int, round_: int, stage: Stage | None
    ) -> list[CardItem]:
        """``query``'s card lines (in its order) with each item's latest decision of the
        round (at ``stage``, if given), read in a second query."""
        # Plain rows, not ORM objects: building an entity per item cost more than the query.
        rows = (await self._session.execute(query)).all()
        decided = await read_decisions(
            self._session, register_id, round_, stage, [row[0] for row in rows]
        )
        return [_card_item(row, decided.get(row[0])) for row in rows]

    async def _page_with_decisions(
        self, page_query: Select[Any], register_id: int, round_: int, stage: Stage
    ) -> list[CardItem]:
        """A page of card lines with their decisions at ``stage`` in one query; the page is
        cut first, in a subquery, so only its few items are joined (see `with_decision_at`:
        5 ms and growing with each tap on PostgreSQL otherwise)."""
        page = page_query.subquery("page")
        query = with_decision_at(
            sa_select(*page.c).select_from(page), page.c.id, register_id, round_, stage
        ).order_by(page.c.position)
        width = len(_CARD_COLUMNS)
        return [
            _card_item(row[:width], joined_decision(row[width:]))
            for row in (await self._session.execute(query)).all()
        ]

    async def card_tally(self, scope: CardScope) -> CardTally:
        """The header figures in one aggregate query: counting hundreds of items in SQL
        costs less than loading them for every tap. «Undecided» asks, per item at the
        stage, for its decision by the unique (item, round, stage) key: an outer join here
        let PostgreSQL, on fresh statistics, rescan the decisions once per item."""
        at_stage, rub = _at_stage(scope), col(RegisterItem.currency) == HOME_CURRENCY
        decided = (
            sa_select(literal(1))
            .where(
                col(RegisterDecision.item_id) == RegisterItem.id,
                col(RegisterDecision.round) == scope.round,
                col(RegisterDecision.stage) == (scope.stage.value if scope.stage else None),
            )
            .exists()
        )
        row = (
            await self._session.execute(
                sa_select(
                    func.count(),
                    func.sum(case((rub, col(RegisterItem.amount)))),
                    func.sum(case((at_stage, 1), else_=0)),
                    func.sum(case((and_(at_stage, rub), col(RegisterItem.amount)))),
                    func.sum(case((and_(at_stage, not_(decided)), 1), else_=0)),
                    func.sum(case((rub, 0), else_=1)),
                ).where(col(RegisterItem.register_id) == scope.register_id)
            )
        ).one()
        count, total, at_count, at_total, open_count, foreign = row
        return CardTally(
            count, total or _ZERO, at_count or 0, at_total or _ZERO, open_count or 0, foreign or 0
        )

    async def card_message(self, register_id: int, person_id: int) -> CardMessage | None:
        row = await self._session.get(RegisterCard, (register_id, person_id))
        return _card_message(row) if row else None

    async def card_messages(self, register_id: int) -> Sequence[CardMessage]:
        rows = await self._session.scalars(
            select(RegisterCard).where(col(RegisterCard.register_id) == register_id)
        )
        return [_card_message(row) for row in rows]

    async def remember_card(self, card: CardMessage, now: datetime) -> None:
        row = await self._session.get(RegisterCard, (card.register_id, card.person_id))
        if row is None:
            row = RegisterCard(
                register_id=card.register_id,
                person_id=card.person_id,
                chat_id=card.chat_id,
                message_id=card.message_id,
                updated_at=now,
            )
        else:
            row.chat_id, row.message_id, row.updated_at = card.chat_id, card.message_id, now
        self._session.add(row)
        await self._session.flush()


def _at_stage(scope: CardScope) -> ColumnElement[bool]:
    """Alive items of the kinds the scope's stage decides (see `CardScope`)."""
    goes_to_ceo = or_(
        col(RegisterItem.over_threshold).is_(True), col(RegisterItem.currency) != HOME_CURRENCY
    )
    kinds = [kind for kind, on in ((not_(goes_to_ceo), scope.regular), (goes_to_ceo, scope.large))
             if on]  # fmt: skip
    if scope.stage is None or not kinds:
        return false()
    return and_(col(RegisterItem.status) == ItemStatus.PENDING.value, or_(*kinds))


_CARD_COLUMNS = tuple(
    col(getattr(RegisterItem, name))
    for name in (
        "id", "position", "counterparty", "inn", "amount", "currency", "purpose", "urgent",
        "over_threshold", "duplicate_note", "status", "invoice_number", "invoice_date",
        "category", "due_date", "comment",
    )
)  # fmt: skip


def _card_item(row: Sequence[Any], decided: DecisionRow | None) -> CardItem:
    """A card line from a row of ``_CARD_COLUMNS`` (unpacked: attribute access on a row
    costs more than building the item)."""
    (item_id, position, counterparty, inn, amount, currency, purpose, urgent, over, note,
     status, invoice_number, invoice_date, category, due_date, comment) = row  # fmt: skip
    decision, decided_by, reason, _behalf = decided or UNDECIDED
    return CardItem(
        id=item_id, position=position, counterparty=counterparty, inn=inn, amount=amount,
        currency=currency, purpose=purpose, urgent=urgent, over_threshold=over,
        duplicate_note=note, status=ItemStatus(status), decision=decision,
        decided_by=decided_by, reason=reason, invoice_number=invoice_number,
        invoice_date=invoice_date, category=category, due_date=due_date, comment=comment,
    )  # fmt: skip


def _card_message(row: RegisterCard) -> CardMessage:
    return CardMessage(row.register_id, row.person_id, row.chat_id, row.message_id)

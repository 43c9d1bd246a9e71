"""Reading register decisions: who decided what about which item, at a stage of a round.
Shared by the approval aggregate (`models.approval_repo`) and its cards
(`models.approval_cards`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, aliased
from sqlmodel import col

from domain.register_approval import Decision
from domain.register_route import Stage
from models.approval_tables import RegisterDecision
from models.tables import Person

# Aliases of ``person`` for the joins, built once: making them costs more than running the
# query they appear in.
BY, BEHALF = aliased(Person, name="by"), aliased(Person, name="behalf")
# (decision, decided by, reason, on behalf of): codes, not ids
DecisionRow = tuple[Decision, str, str | None, str | None]
UNDECIDED: tuple[None, None, None, None] = (None, None, None, None)


async def read_decisions(
    session: AsyncSession,
    register_id: int,
    round_: int,
    stage: Stage | None,
    ids: Sequence[int] | None,
) -> dict[int, DecisionRow]:
    """Decisions of the round at ``stage``; with no stage, each item's latest one (of
    ``ids`` only, when given)."""
    by, behalf = BY, BEHALF
    query = (
        sa_select(
            col(RegisterDecision.item_id), col(RegisterDecision.decision), col(by.code),
            col(RegisterDecision.reason), col(behalf.code),
        )
        .join(by, col(by.id) == RegisterDecision.decided_by_id)
        .outerjoin(behalf, col(behalf.id) == RegisterDecision.on_behalf_of_id)
        .where(col(RegisterDecision.register_id) == register_id,
               col(RegisterDecision.round) == round_)
        .order_by(col(RegisterDecision.decided_at), col(RegisterDecision.id))
    )  # fmt: skip
    if stage is not None:
        query = query.where(col(RegisterDecision.stage) == stage.value)
    if ids is not None:
        query = query.where(col(RegisterDecision.item_id).in_(ids))
    found: dict[int, DecisionRow] = {}
    for item_id, decision, decided_by, reason, on_behalf in (
        await session.execute(query)
    ).tuples():
        found[item_id] = (Decision(decision), decided_by, reason, on_behalf)
    return found


def with_decision_at(
    query: Select[Any],
    item_id: ColumnElement[Any] | Mapped[Any],
    register_id: int,
    round_: int,
    stage: Stage,
) -> Select[Any]:
    """``query`` plus four columns: the decision on ``item_id`` at ``stage`` of the round
    (outer-joined: at a stage an item has at most one, the unique key), read back with
    `joined_decision`. Join only a few rows this way — a page, a tap's items: joined to a
    whole register before a LIMIT, PostgreSQL (estimating one item where there were 410)
    looped over every item for every decision."""
    by, behalf = BY, BEHALF
    return (
        query.add_columns(col(RegisterDecision.decision), col(by.code),
                          col(RegisterDecision.reason), col(behalf.code))
        .outerjoin(RegisterDecision, and_(
            col(RegisterDecision.register_id) == register_id,  # never other registers'
            col(RegisterDecision.item_id) == item_id,
            col(RegisterDecision.round) == round_,
            col(RegisterDecision.stage) == stage.value))
        .outerjoin(by, col(by.id) == RegisterDecision.decided_by_id)
        .outerjoin(behalf, col(behalf.id) == RegisterDecision.on_behalf_of_id)
    )  # fmt: skip


def joined_decision(columns: Sequence[Any]) -> DecisionRow | None:
    """The decision from the four columns `with_decision_at` added to a row; None where
    the item has none."""
    decision, decided_by, reason, on_behalf = columns
    return None if decision is None else (Decision(decision), decided_by, reason, on_behalf)

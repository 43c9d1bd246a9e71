"""The register approval in SQL: load a register with its items and current decisions
(row-locked on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE), write back only
what changed, and answer who decides where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.register_approval import Item, ItemStatus, RegisterApproval, RegisterStatus
from domain.register_route import Stage
from models.approval_cards import ApprovalCards
from models.approval_decisions import (
    UNDECIDED,
    joined_decision,
    read_decisions,
    with_decision_at,
)
from models.approval_people import ApprovalPeople
from models.approval_tables import RegisterDecision
from models.org_repo import SqlOrgRepository
from models.register_tables import Register, RegisterItem
from models.tables import DealerCenter, Person
from services.approval_ports import ItemRecord, RegisterRecord
from services.ports import PersonView


@dataclass(frozen=True)
class _Snapshot:
    status: str
    stage: str | None
    route: str | None
    round: int
    version: int
    items: dict[int, ItemRecord]


class SqlApprovalRepository(ApprovalCards, ApprovalPeople):
    """`services.approval_ports.ApprovalRepository` in SQL: the aggregate here, the
    people around a register in `ApprovalPeople`, the card in `ApprovalCards`."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._org = SqlOrgRepository(session)
        self._snapshots: dict[int, _Snapshot] = {}
        self._person_ids: dict[str, int] = {}

    # --- the aggregate -------------------------------------------------------------------

    async def load(
        self, register_id: int, *, lock: bool, item_ids: Sequence[int] | None = None
    ) -> RegisterRecord | None:
        query = (
            select(Register, DealerCenter.code)
            .join(DealerCenter, col(DealerCenter.id) == Register.dc_id)
            .where(col(Register.id) == register_id)
        )
        if lock:
            query = query.with_for_update(of=Register)
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        register, dc_code = row
        route = _route(register.route)
        stage = Stage(register.stage) if register.stage else None
        items = await self._items(register_id, register.round, stage, item_ids)
        self._snapshots[register_id] = _Snapshot(
            register.status, register.stage, register.route, register.round, register.version,
            {i.id: i for i in items},
        )  # fmt: skip
        return RegisterRecord(
            id=register_id,
            status=RegisterStatus(register.status),
            stage=stage,
            route=route,
            round=register.round,
            version=register.version,
            dc_code=dc_code,
            items=tuple(items),
        )

    async def _items(
        self, register_id: int, round_: int, stage: Stage | None, ids: Sequence[int] | None
    ) -> list[ItemRecord]:
        if ids is not None and stage is not None:
            return await self._few_items(register_id, round_, stage, ids)
        decided = await read_decisions(self._session, register_id, round_, stage, ids)
        query = _ITEM_COLUMNS.where(col(RegisterItem.register_id) == register_id).order_by(
            col(RegisterItem.position)
        )
        if ids is not None:
            query = query.where(col(RegisterItem.id).in_(ids))
        rows = await self._session.execute(query)
        records = []
        for item_id, position, amount, currency, status, over in rows.tuples():
            assert item_id is not None
            decided_as = decided.get(item_id) or UNDECIDED
            records.append(ItemRecord(item_id, position, amount, currency, ItemStatus(status),
                                      over, *decided_as))  # fmt: skip
        return records

    async def _few_items(
        self, register_id: int, round_: int, stage: Stage, ids: Sequence[int]
    ) -> list[ItemRecord]:
        """The few items a tap touches with their decisions at ``stage`` in one query."""
        items = _ITEM_COLUMNS.where(
            col(RegisterItem.register_id) == register_id, col(RegisterItem.id).in_(ids)
        )
        query = with_decision_at(items, col(RegisterItem.id), register_id, round_, stage).order_by(
            col(RegisterItem.position)
        )
        records = []
        for row in (await self._session.execute(query)).tuples():
            item_id, position, amount, currency, status, over, *decision_columns = row
            assert item_id is not None
            decided_as = joined_decision(decision_columns) or UNDECIDED
            records.append(ItemRecord(item_id, position, amount, currency, ItemStatus(status),
                                      over, *decided_as))  # fmt: skip
        return records

    async def save(self, approval: RegisterApproval, now: datetime) -> None:
        before = self._snapshots[approval.id]
        route = ",".join(approval.route)
        stage = approval.stage.value if approval.stage else None
        await self._session.execute(
            update(Register)
            .where(col(Register.id) == approval.id)
            .values(status=approval.status.value, stage=stage, route=route,
                    round=approval.round, version=approval.version, updated_at=now)
        )  # fmt: skip
        # One statement per new status and one DELETE + one INSERT for all changed
        # decisions: «Одобрить все оставшиеся» or a send-on touches hundreds of items.
        moved: dict[ItemStatus, list[int]] = {}
        for item in approval.items:
            if item.status is not before.items[item.id].status:
                moved.setdefault(item.status, []).append(item.id)
        for status, ids in moved.items():
            await self._session.execute(
                update(RegisterItem)
                .where(col(RegisterItem.id).in_(ids))
                .values(status=status.value)
            )
        # Decisions belong to one stage of one round; a move that changes the stage
        # (send-on, return, resubmit) records no decision of its own.
        if before.stage == stage and before.round == approval.round and stage is not None:
            await self._save_decisions(approval, before, now)

    async def _save_decisions(
        self, approval: RegisterApproval, before: _Snapshot, now: datetime
    ) -> None:
        assert approval.stage is not None
        changed = [i for i in approval.items if _decided(i) != _decided(before.items[i.id])]
        if not changed:
            return
        # Only items that had a decision have a row to replace: the snapshot was read
        # under the register's lock, so it is what the table holds (a tap's first
        # decision, the usual case, skips the DELETE).
        replaced = [i.id for i in changed if before.items[i.id].decision is not None]
        if replaced:
            await self._session.execute(
                delete(RegisterDecision).where(
                    col(RegisterDecision.item_id).in_(replaced),
                    col(RegisterDecision.round) == approval.round,
                    col(RegisterDecision.stage) == approval.stage.value,
                )
            )
        rows = [
            {
                "register_id": approval.id,
                "item_id": item.id,
                "round": approval.round,
                "stage": approval.stage.value,
                "decision": item.decision.value,
                "reason": item.reason,
                "decided_by_id": await self._person_id(item.decided_by),
                "on_behalf_of_id": (
                    await self._person_id(item.on_behalf_of) if item.on_behalf_of else None
                ),
                "decided_at": now,
            }
            for item in changed
            if item.decision is not None and item.decided_by is not None
        ]
        if rows:
            await self._session.execute(insert(RegisterDecision), rows)

    def know_person(self, person: PersonView) -> None:
        self._person_ids[person.code] = person.id

    async def _person_id(self, code: str) -> int:
        if code not in self._person_ids:
            found = await self._session.scalar(
                select(col(Person.id)).where(col(Person.code) == code)
            )
            assert found is not None, f"unknown person {code}"
            self._person_ids[code] = found
        return self._person_ids[code]


# What the aggregate needs of an item (its decision comes from `models.approval_decisions`).
_ITEM_COLUMNS = sa_select(
    col(RegisterItem.id), col(RegisterItem.position), col(RegisterItem.amount),
    col(RegisterItem.currency), col(RegisterItem.status), col(RegisterItem.over_threshold),
)  # fmt: skip


def _decided(item: Item | ItemRecord) -> tuple[object, ...]:
    return (item.decision, item.decided_by, item.reason, item.on_behalf_of)


def _route(text: str | None) -> tuple[Stage, ...] | None:
    return tuple(Stage(name) for name in text.split(",")) if text else None

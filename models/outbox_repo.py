"""The outbox in SQL: the write side bound to a use case's session, and the relay's store.

Claims are safe with several relays: on PostgreSQL the candidate rows are locked with
``FOR UPDATE SKIP LOCKED`` (relays skip each other's rows instead of waiting); on SQLite
every transaction starts with ``BEGIN IMMEDIATE`` (see ``models.db``), so a claim's select
and its ``UPDATE ... WHERE status = 'pending'`` run under the database's write lock. Either
way a row is handed to one owner, and only that owner's outcome is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from models.db import Database
from models.outbox_tables import OutboxRecord
from services.outbox_ports import (
    Dead,
    Delivered,
    NewOutboxMessage,
    OutboxMessage,
    OutboxStatus,
    Outcome,
    Retry,
)

_OPEN = (OutboxStatus.PENDING.value, OutboxStatus.IN_FLIGHT.value)
_ERROR_CHARS = 2000
EntityKey = tuple[str, str]


def _record(message: NewOutboxMessage, now: datetime) -> OutboxRecord:
    return OutboxRecord(
        entity_type=message.entity_type,
        entity_id=message.entity_id,
        kind=message.kind,
        payload=dict(message.payload),
        status=OutboxStatus.PENDING.value,
        next_attempt_at=now,
        created_at=now,
    )


class SqlOutbox:
    """``uow.outbox``: adds messages inside the use case's transaction (never commits)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, message: NewOutboxMessage, now: datetime) -> int:
        record = _record(message, now)
        self._session.add(record)
        await self._session.flush()
        assert record.id is not None
        return record.id


def _due(now: datetime) -> ColumnElement[bool]:
    pending = and_(
        col(OutboxRecord.status) == OutboxStatus.PENDING.value,
        col(OutboxRecord.next_attempt_at) <= now,
    )
    expired = and_(
        col(OutboxRecord.status) == OutboxStatus.IN_FLIGHT.value,
        col(OutboxRecord.lease_until) < now,
    )
    return or_(pending, expired)


def _first_open_of_entity() -> ColumnElement[bool]:
    earlier = aliased(OutboxRecord)
    blocked = exists().where(
        col(earlier.entity_type) == col(OutboxRecord.entity_type),
        col(earlier.entity_id) == col(OutboxRecord.entity_id),
        col(earlier.id) < col(OutboxRecord.id),
        col(earlier.status).in_(_OPEN),
    )
    return ~blocked


class SqlOutboxStore:
    """The relay's view of the outbox; every method is one short transaction."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def claim(
        self, owner: str, now: datetime, lease: timedelta, limit: int
    ) -> list[OutboxMessage]:
        async with self._database.sessions() as session, session.begin():
            ids = await self._candidates(session, now, limit)
            if not ids:
                return []
            await session.execute(
                update(OutboxRecord)
                .where(col(OutboxRecord.id).in_(ids), _due(now))
                .values(
                    status=OutboxStatus.IN_FLIGHT.value,
                    lease_owner=owner,
                    lease_until=now + lease,
                    attempts=col(OutboxRecord.attempts) + 1,
                )
            )
            mine = select(OutboxRecord).where(
                col(OutboxRecord.id).in_(ids), col(OutboxRecord.lease_owner) == owner
            )
            rows = list((await session.scalars(mine.order_by(col(OutboxRecord.id)))).all())
            remote = await _remote_ids(session, {(r.entity_type, r.entity_id) for r in rows})
        return [_message(row, remote) for row in rows]

    async def _candidates(self, session: AsyncSession, now: datetime, limit: int) -> list[int]:
        statement = (
            select(OutboxRecord.id)
            .where(_due(now), _first_open_of_entity())
            .order_by(col(OutboxRecord.id))
            .limit(limit)
        )
        if self._database.dialect == "postgresql":
            statement = statement.with_for_update(skip_locked=True, of=OutboxRecord)
        return [int(i) for i in (await session.scalars(statement)).all() if i is not None]

    async def finish(self, owner: str, now: datetime, outcomes: Sequence[Outcome]) -> int:
        recorded = 0
        async with self._database.sessions() as session, session.begin():
            for outcome in outcomes:
                result = await session.execute(
                    update(OutboxRecord)
                    .where(
                        col(OutboxRecord.id) == outcome.id,
                        col(OutboxRecord.lease_owner) == owner,
                        col(OutboxRecord.status) == OutboxStatus.IN_FLIGHT.value,
                    )
                    .values(lease_owner=None, lease_until=None, **_changes(outcome, now))
                )
                recorded += int(getattr(result, "rowcount", 0) or 0)
        return recorded

    async def enqueue(self, messages: Sequence[NewOutboxMessage], now: datetime) -> list[int]:
        async with self._database.sessions() as session, session.begin():
            records = [_record(message, now) for message in messages]
            session.add_all(records)
            await session.flush()
            return [int(record.id or 0) for record in records]

    async def requeue_dead(self, now: datetime, kinds: Sequence[str] | None = None) -> list[int]:
        conditions = [col(OutboxRecord.status) == OutboxStatus.DEAD.value]
        if kinds is not None:
            conditions.append(col(OutboxRecord.kind).in_(list(kinds)))
        async with self._database.sessions() as session, session.begin():
            result = await session.execute(
                update(OutboxRecord)
                .where(*conditions)
                .values(status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=now)
                .returning(col(OutboxRecord.id))
            )
            return sorted(int(i) for i in result.scalars().all() if i is not None)

    async def latest_delivered(self, kind: str) -> list[OutboxMessage]:
        async with self._database.sessions() as session:
            rows = (
                await session.scalars(
                    select(OutboxRecord)
                    .where(
                        col(OutboxRecord.kind) == kind,
                        col(OutboxRecord.status) == OutboxStatus.DONE.value,
                    )
                    .order_by(col(OutboxRecord.id))
                )
            ).all()
            latest = {(row.entity_type, row.entity_id): row for row in rows}
            remote = await _remote_ids(session, set(latest))
        return [_message(row, remote) for row in sorted(latest.values(), key=_row_id)]

    async def counts(self) -> dict[OutboxStatus, int]:
        async with self._database.sessions() as session:
            rows = await session.execute(
                select(col(OutboxRecord.status), func.count()).group_by(col(OutboxRecord.status))
            )
            found = {OutboxStatus(status): int(count) for status, count in rows.tuples().all()}
        return {status: found.get(status, 0) for status in OutboxStatus}


def _changes(outcome: Outcome, now: datetime) -> dict[str, Any]:
    if isinstance(outcome, Delivered):
        return {
            "status": OutboxStatus.DONE.value,
            "delivered_at": now,
            "remote_id": outcome.remote_id,
            "last_error": None,
        }
    if isinstance(outcome, Retry):
        return {
            "status": OutboxStatus.PENDING.value,
            "next_attempt_at": outcome.at,
            "last_error": outcome.error[:_ERROR_CHARS],
        }
    assert isinstance(outcome, Dead)
    return {"status": OutboxStatus.DEAD.value, "last_error": outcome.error[:_ERROR_CHARS]}


async def _remote_ids(
    session: AsyncSession, entities: Iterable[EntityKey]
) -> dict[EntityKey, str]:
    """The remote id of each entity's newest delivered message that has one."""
    keys = set(entities)
    if not keys:
        return {}
    rows = await session.execute(
        select(
            col(OutboxRecord.entity_type),
            col(OutboxRecord.entity_id),
            col(OutboxRecord.remote_id),
        )
        .where(
            col(OutboxRecord.entity_id).in_(sorted({entity_id for _, entity_id in keys})),
            col(OutboxRecord.status) == OutboxStatus.DONE.value,
            col(OutboxRecord.remote_id).is_not(None),
        )
        .order_by(col(OutboxRecord.id))
    )
    found: dict[EntityKey, str] = {}
    for entity_type, entity_id, remote_id in rows.tuples().all():
        if (entity_type, entity_id) in keys and remote_id is not None:
            found[(entity_type, entity_id)] = remote_id
    return found


def _row_id(row: OutboxRecord) -> int:
    return int(row.id or 0)


def _message(row: OutboxRecord, remote: dict[EntityKey, str]) -> OutboxMessage:
    return OutboxMessage(
        id=_row_id(row),
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        kind=row.kind,
        payload=dict(row.payload),
        status=OutboxStatus(row.status),
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        remote_id=row.remote_id,
        entity_remote_id=remote.get((row.entity_type, row.entity_id)),
    )

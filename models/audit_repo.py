"""The SQL audit log: appends take the chain tip under a row lock, so the chain never forks
even with several bot instances writing at once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.audit import AuditEntry, StoredEntry, jsonable, seal
from models.tables import AuditHead, AuditLog
from services.ports import AuditEvent


class SqlAuditLog:
    """Append-only access to ``audit_log``; there is no update or delete here on purpose."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def append(self, event: AuditEvent, now: datetime) -> StoredEntry:
        return (await self.append_many([event], now))[-1]

    async def append_many(self, events: Sequence[AuditEvent], now: datetime) -> list[StoredEntry]:
        """Chain ``events`` in order. The tip is taken once: one UPDATE ... RETURNING
        reserves ``len(events)`` consecutive seq numbers under the head's row lock
        (PostgreSQL) / the write lock (SQLite), so the chain never forks even with several
        bot instances writing at once; a set-based job appends hundreds in one go."""
        if not events:
            return []
        last_seq, previous = await self._reserve(len(events))
        sealed: list[StoredEntry] = []
        for seq, event in enumerate(events, start=last_seq - len(events) + 1):
            stored = seal(_entry(seq, event, now), previous)
            sealed.append(stored)
            previous = stored.hash
        await self._session.execute(insert(AuditLog), [_row(stored) for stored in sealed])
        await self._session.execute(
            update(AuditHead).where(col(AuditHead.id) == 1).values(last_hash=previous)
        )
        return sealed

    async def _reserve(self, count: int) -> tuple[int, str]:
        statement = (
            update(AuditHead)
            .where(col(AuditHead.id) == 1)
            .values(seq=col(AuditHead.seq) + count)
            .returning(col(AuditHead.seq), col(AuditHead.last_hash))
        )
        row = (await self._session.execute(statement)).first()
        if row is None:
            raise RuntimeError("audit_head row is missing: the database was not migrated")
        return int(row[0]), str(row[1])

    async def iterate(self, batch: int = 1000) -> AsyncIterator[StoredEntry]:
        last_seq = 0
        while True:
            rows = (
                await self._session.scalars(
                    select(AuditLog)
                    .where(col(AuditLog.seq) > last_seq)
                    .order_by(col(AuditLog.seq))
                    .limit(batch)
                )
            ).all()
            if not rows:
                return
            for row in rows:
                yield _stored(row)
            last_seq = rows[-1].seq


def _as_document(value: object) -> dict[str, object] | None:
    if value is None:
        return None
    document = jsonable(value)
    assert isinstance(document, dict)
    return dict(document)


def _entry(seq: int, event: AuditEvent, now: datetime) -> AuditEntry:
    return AuditEntry(
        seq=seq,
        occurred_at=now,
        actor=event.actor,
        action=event.action,
        entity_type=event.entity_type,
        entity_id=event.entity_id,
        on_behalf_of=event.on_behalf_of,
        old=_as_document(event.old),
        new=_as_document(event.new),
        reason=event.reason,
    )


def _row(stored: StoredEntry) -> dict[str, Any]:
    entry = stored.entry
    return {
        "seq": entry.seq,
        "occurred_at": entry.occurred_at,
        "actor": entry.actor,
        "on_behalf_of": entry.on_behalf_of,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "old": dict(entry.old) if entry.old is not None else None,
        "new": dict(entry.new) if entry.new is not None else None,
        "reason": entry.reason,
        "prev_hash": stored.prev_hash,
        "hash": stored.hash,
    }


def _stored(row: AuditLog) -> StoredEntry:
    entry = AuditEntry(
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor=row.actor,
        action=row.action,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        on_behalf_of=row.on_behalf_of,
        old=row.old,
        new=row.new,
        reason=row.reason,
    )
    return StoredEntry(entry=entry, prev_hash=row.prev_hash, hash=row.hash)

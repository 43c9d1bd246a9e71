"""The SQL audit log: appends take the chain tip under a row lock, so the chain never forks
even with several bot instances writing at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy import update
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
        seq, prev_hash = await self._advance_head()
        entry = AuditEntry(
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
        stored = seal(entry, prev_hash)
        self._session.add(_row(stored))
        await self._session.execute(
            update(AuditHead).where(col(AuditHead.id) == 1).values(last_hash=stored.hash)
        )
        return stored

    async def _advance_head(self) -> tuple[int, str]:
        # UPDATE ... RETURNING takes the row lock first (PostgreSQL) / the write lock
        # (SQLite), so the seq and previous hash we read cannot be taken by anyone else.
        statement = (
            update(AuditHead)
            .where(col(AuditHead.id) == 1)
            .values(seq=col(AuditHead.seq) + 1)
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


def _row(stored: StoredEntry) -> AuditLog:
    entry = stored.entry
    return AuditLog(
        seq=entry.seq,
        occurred_at=entry.occurred_at,
        actor=entry.actor,
        on_behalf_of=entry.on_behalf_of,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        old=dict(entry.old) if entry.old is not None else None,
        new=dict(entry.new) if entry.new is not None else None,
        reason=entry.reason,
        prev_hash=stored.prev_hash,
        hash=stored.hash,
    )


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

"""Many audit entries appended at once, for set-based jobs (the cutoff writes one entry per
register it closes: hundreds in one transaction).

The entries are exactly what `SqlAuditLog.append` would write one by one — same fields,
same documents, same hashes — but the chain tip is taken once: one UPDATE ... RETURNING
reserves ``len(events)`` consecutive seq numbers under the head's row lock (so nobody can
append in between), the entries are sealed in order, each on the previous one's hash, and
go in with one multi-row INSERT; then the head takes the last hash. The chain stays
sequential and verifies with `viza audit verify` like any other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import AuditEntry, jsonable, seal
from models.tables import AuditHead, AuditLog
from services.ports import AuditEvent

HEAD = cast(Table, AuditHead.__table__)  # type: ignore[attr-defined]
LOG = cast(Table, AuditLog.__table__)  # type: ignore[attr-defined]


async def append_many(session: AsyncSession, events: Sequence[AuditEvent], now: datetime) -> None:
    if not events:
        return
    reserved = (
        await session.execute(
            update(HEAD)
            .where(HEAD.c.id == 1)
            .values(seq=HEAD.c.seq + len(events))
            .returning(HEAD.c.seq, HEAD.c.last_hash)
        )
    ).first()
    if reserved is None:
        raise RuntimeError("audit_head row is missing: the database was not migrated")
    last_seq, previous = int(reserved[0]), str(reserved[1])
    rows: list[dict[str, Any]] = []
    for seq, event in enumerate(events, start=last_seq - len(events) + 1):
        stored = seal(_entry(seq, event, now), previous)
        rows.append(_row(stored.entry, previous, stored.hash))
        previous = stored.hash
    await session.execute(insert(LOG), rows)
    await session.execute(update(HEAD).where(HEAD.c.id == 1).values(last_hash=previous))


def _entry(seq: int, event: AuditEvent, now: datetime) -> AuditEntry:
    return AuditEntry(
        seq=seq,
        occurred_at=now,
        actor=event.actor,
        action=event.action,
        entity_type=event.entity_type,
        entity_id=event.entity_id,
        on_behalf_of=event.on_behalf_of,
        old=_document(event.old),
        new=_document(event.new),
        reason=event.reason,
    )


def _document(value: Mapping[str, object] | None) -> dict[str, object] | None:
    if value is None:
        return None
    document = jsonable(value)
    assert isinstance(document, dict)
    return dict(document)


def _row(entry: AuditEntry, prev_hash: str, hash_: str) -> dict[str, Any]:
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
        "prev_hash": prev_hash,
        "hash": hash_,
    }

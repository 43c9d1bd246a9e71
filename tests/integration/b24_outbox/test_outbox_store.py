"""The outbox store on SQLite and PostgreSQL: claims in order per entity, leases, owners."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models.outbox_repo import SqlOutboxStore
from services.b24_ports import notice_message
from services.outbox_ports import Delivered, OutboxStatus, Retry

from .conftest import enqueue

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


async def test_a_later_message_of_an_entity_waits_until_the_earlier_is_done(database):
    await enqueue(database, [notice_message(7, f"a{n}", person_id=1) for n in range(3)])
    await enqueue(database, [notice_message(8, "b0", person_id=2)])
    store = SqlOutboxStore(database)
    first = await store.claim("r1", NOW, LEASE, 10)
    assert [(m.entity_id, m.payload["message"]) for m in first] == [("1", "a0"), ("2", "b0")]
    assert await store.claim("r2", NOW, LEASE, 10) == []  # a1 waits behind a0 in flight
    await store.finish("r1", NOW, [Delivered(first[0].id, "1001")])
    second = await store.claim("r2", NOW, LEASE, 10)
    assert [m.payload["message"] for m in second] == ["a1"]
    assert second[0].attempts == 1 and second[0].entity_remote_id == "1001"


async def test_an_expired_lease_passes_to_another_relay_and_the_old_owner_is_ignored(database):
    [message_id] = await enqueue(database, [notice_message(7, "hello", person_id=1)])
    store = SqlOutboxStore(database)
    [taken] = await store.claim("dead-relay", NOW, LEASE, 10)
    assert await store.claim("r2", NOW + LEASE / 2, LEASE, 10) == []
    [again] = await store.claim("r2", NOW + LEASE * 2, LEASE, 10)
    assert again.id == taken.id == message_id and again.attempts == 2
    assert await store.finish("dead-relay", NOW, [Delivered(message_id, "1")]) == 0
    later = NOW + LEASE * 3
    assert await store.finish("r2", later, [Retry(message_id, "503", later)]) == 1
    counts = await store.counts()
    assert counts[OutboxStatus.PENDING] == 1 and counts[OutboxStatus.DONE] == 0

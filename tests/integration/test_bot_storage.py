"""The SQL FSM storage and the update ledger on both databases."""

from __future__ import annotations

import asyncio

from aiogram.fsm.storage.base import StorageKey

from models.fsm_storage import SqlStorage
from models.update_ledger import UpdateLedger


async def test_state_and_data_survive_a_new_storage_object(database):
    key = StorageKey(bot_id=1, chat_id=42, user_id=42)
    first = SqlStorage(database)
    await first.set_state(key, "Memo:title")
    await first.update_data(key, {"title": "Закупка шин", "amount": "1200.50"})
    second = SqlStorage(database)
    assert await second.get_state(key) == "Memo:title"
    assert await second.get_data(key) == {"title": "Закупка шин", "amount": "1200.50"}
    other = StorageKey(bot_id=1, chat_id=43, user_id=43)
    assert await second.get_state(other) is None


async def test_clearing_state_and_data_removes_the_record(database):
    key = StorageKey(bot_id=1, chat_id=7, user_id=7)
    storage = SqlStorage(database)
    await storage.set_state(key, "S:a")
    await storage.set_data(key, {"x": 1})
    await storage.set_state(key, None)
    await storage.set_data(key, {})
    assert await storage.get_state(key) is None
    assert await storage.get_data(key) == {}


async def test_an_update_is_claimed_exactly_once_even_concurrently(database, clock):
    ledger = UpdateLedger(database)
    results = await asyncio.gather(*(ledger.claim(1, 555, clock.now()) for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]
    assert await ledger.claim(2, 555, clock.now())


async def test_redis_storage_keeps_a_dialog_across_connections():
    """With ``redis.url`` set the bot uses aiogram's RedisStorage; a new connection (a
    restarted bot) sees the same state."""
    import uuid

    from aiogram.fsm.storage.redis import RedisStorage

    key = StorageKey(bot_id=1, chat_id=int(uuid.uuid4().int % 10**9), user_id=5)
    first = RedisStorage.from_url("redis://127.0.0.1:6379/15")
    await first.set_state(key, "InviteDialog:name")
    await first.set_data(key, {"query": "Иванова"})
    await first.close()
    second = RedisStorage.from_url("redis://127.0.0.1:6379/15")
    try:
        assert await second.get_state(key) == "InviteDialog:name"
        assert await second.get_data(key) == {"query": "Иванова"}
        await second.set_state(key, None)
        await second.set_data(key, {})
    finally:
        await second.close()


async def test_claims_arriving_together_are_written_together_each_answered(database, clock):
    """A getUpdates batch claims its ids at once: one INSERT, and each claim still learns
    whether its id was new (an id twice in the batch is new only the first time)."""
    ledger = UpdateLedger(database)
    assert await ledger.claim(1, 700, clock.now())
    ids = [701, 700, 702, 701, 703]
    results = await asyncio.gather(*(ledger.claim(1, i, clock.now()) for i in ids))
    assert results == [True, False, True, False, True]
    assert await asyncio.gather(*(ledger.claim(1, i, clock.now()) for i in ids)) == [False] * 5


async def test_concurrent_reads_of_a_dialog_see_its_latest_state(database):
    key = StorageKey(bot_id=1, chat_id=44, user_id=44)
    storage = SqlStorage(database)
    await storage.set_state(key, "S:first")
    await storage.set_data(key, {"n": 1})
    states = await asyncio.gather(*(storage.get_state(key) for _ in range(5)))
    assert states == ["S:first"] * 5
    await storage.set_state(key, "S:second")
    reads = await asyncio.gather(storage.get_state(key), storage.get_data(key))
    assert reads == ["S:second", {"n": 1}]
    first, second = await asyncio.gather(storage.get_data(key), storage.get_data(key))
    first["n"] = 2  # each reader gets its own dict
    assert second == {"n": 1}

"""The write sessions of one process (models.db.WriteSessions): on SQLite they take turns
at an in-process gate in the order they asked, so a waiting writer starts the moment the
one before it is done instead of sleeping in SQLite's busy handler; readers never wait."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from models.db import Database, NestedWriteSession


async def _append(database: Database, n: int, order: list[int]) -> None:
    async with database.sessions() as session:
        await session.execute(text("select 1"))  # the transaction (and SQLite's lock) begins
        await asyncio.sleep(0.005)  # a write that takes a while
        order.append(n)
        await session.commit()


async def test_writers_take_turns_in_the_order_they_asked(database: Database):
    if database.dialect != "sqlite":
        pytest.skip("PostgreSQL has no gate: its row locks order what conflicts")
    order: list[int] = []
    writers = []
    for n in range(8):
        writers.append(asyncio.create_task(_append(database, n, order)))
        await asyncio.sleep(0)  # each asks after the one before
    await asyncio.gather(*writers)
    assert order == list(range(8))


async def test_a_reader_is_not_held_up_by_a_writer(database: Database):
    async with database.sessions() as writer:
        await writer.execute(text("select 1"))
        async with database.readers() as reader:
            assert (await reader.execute(text("select 42"))).scalar() == 42


async def test_a_writer_nested_in_itself_fails_at_once_instead_of_waiting_for_itself(
    database: Database,
):
    if database.dialect != "sqlite":
        pytest.skip("PostgreSQL has no gate: a second session is a second connection")
    async with asyncio.timeout(5), database.sessions() as outer:
        await outer.execute(text("select 1"))
        with pytest.raises(NestedWriteSession, match="inside another one"):
            async with database.sessions():
                pass  # pragma: no cover - never entered
    async with asyncio.timeout(5), database.sessions() as after:  # the gate was released
        assert (await after.execute(text("select 7"))).scalar() == 7


async def test_writers_of_other_tasks_still_wait_their_turn(database: Database):
    if database.dialect != "sqlite":
        pytest.skip("PostgreSQL has no gate")
    order: list[str] = []

    async def other() -> None:
        async with database.sessions():
            order.append("other")

    async with database.sessions():
        waiting = asyncio.create_task(other())
        await asyncio.sleep(0.01)
        order.append("first")
    await waiting
    assert order == ["first", "other"]


async def test_bare_connection_writers_queue_at_the_same_gate(database: Database):
    """The update ledger writes on a bare connection (no ORM session): it takes its turn
    with the sessions, and commits when its block ends."""
    if database.dialect != "sqlite":
        pytest.skip("PostgreSQL has no gate: its row locks order what conflicts")
    order: list[str] = []

    async def on_a_connection(name: str) -> None:
        async with database.sessions.connection() as connection:
            await connection.execute(text("create table if not exists gate_probe (n text)"))
            await asyncio.sleep(0.005)
            await connection.execute(text("insert into gate_probe values (:n)"), {"n": name})
            order.append(name)

    writers = []
    for n in range(6):
        job = on_a_connection(f"c{n}") if n % 2 else _append(database, n, order)  # type: ignore[arg-type]
        writers.append(asyncio.create_task(job))
        await asyncio.sleep(0)
    await asyncio.gather(*writers)
    assert order == [0, "c1", 2, "c3", 4, "c5"]
    async with database.readers() as reader:
        stored = (await reader.execute(text("select n from gate_probe order by n"))).scalars()
        assert list(stored) == ["c1", "c3", "c5"]

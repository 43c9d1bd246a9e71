"""SQLite WAL checkpoints run after commits on a connection of their own, not inside the
commit that happens to push the WAL past SQLite's automatic threshold."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy import text

from models import wal_checkpoint
from models.db import create_database
from models.migrate import upgrade_to_head
from models.uow import SqlUnitOfWork
from services.ports import AuditEvent

ROWS = 2_000


def wal_frames(path: Path) -> tuple[int, int]:
    """(frames in the WAL, frames already copied into the database file), asked of SQLite
    by a connection of the test's own."""
    with sqlite3.connect(path) as connection:
        busy, log, done = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0
    return log, done


async def wait_for_checkpoints(checkpointer: wal_checkpoint.WalCheckpointer, count: int) -> None:
    for _ in range(200):
        if checkpointer.checkpoints >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{checkpointer.checkpoints} checkpoints, expected {count}")


async def test_a_commit_is_checkpointed_shortly_after_on_another_connection(tmp_path, clock):
    path = tmp_path / "viza.sqlite3"
    database = create_database(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade_to_head(database)
        checkpointer = database.checkpointer
        assert checkpointer is not None
        await wait_for_checkpoints(checkpointer, 1)  # the migrations' commits
        before = checkpointer.checkpoints
        async with database.engine.connect() as connection:
            pages = (await connection.exec_driver_sql("PRAGMA wal_autocheckpoint")).scalar()
        assert pages == wal_checkpoint.BACKSTOP_PAGES  # the commit itself no longer copies

        async with SqlUnitOfWork(database) as uow:
            await uow.audit.append_many(
                [AuditEvent("glavbuh", "test.write", "test", str(n)) for n in range(ROWS)],
                clock.now(),
            )
            await uow.commit()
        # A burst of commits shares one checkpoint rather than paying one each.
        for n in range(5):
            async with SqlUnitOfWork(database) as uow:
                tap = AuditEvent("glavbuh", "test.tap", "test", str(n))
                await uow.audit.append(tap, clock.now())
                await uow.commit()
        await wait_for_checkpoints(checkpointer, before + 1)
        await asyncio.sleep(wal_checkpoint.DELAY * 3)
        assert checkpointer.checkpoints <= before + 3
        log, done = wal_frames(path)
        assert log > 0 and done == log  # everything written is in the database file
    finally:
        await database.dispose()
    assert checkpointer._connection is None  # closed with the database


async def test_readers_do_not_schedule_checkpoints(tmp_path):
    database = create_database(f"sqlite+aiosqlite:///{tmp_path / 'viza.sqlite3'}")
    try:
        await upgrade_to_head(database)
        checkpointer = database.checkpointer
        assert checkpointer is not None
        await wait_for_checkpoints(checkpointer, 1)
        await asyncio.sleep(wal_checkpoint.DELAY * 2)
        before = checkpointer.checkpoints
        for _ in range(3):
            async with database.readers() as session:
                await session.execute(text("SELECT count(*) FROM audit_log"))
                await session.commit()
        await asyncio.sleep(wal_checkpoint.DELAY * 2)
        assert checkpointer.checkpoints == before
    finally:
        await database.dispose()


def test_a_checkpoint_without_an_event_loop_is_left_to_the_backstop(tmp_path):
    checkpointer = wal_checkpoint.WalCheckpointer(str(tmp_path / "viza.sqlite3"))
    checkpointer.after_commit()  # e.g. a synchronous Alembic run: nothing scheduled, no error
    assert checkpointer.checkpoints == 0

"""Engine and session factory. Nothing here is module-level state: the composition root
creates one ``Database`` from config and passes it down."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from models.wal_checkpoint import BACKSTOP_PAGES, WalCheckpointer

READ_ONLY = "viza_read_only"  # an execution option: the session never writes
GATE_TIMEOUT = 30.0  # s a writer waits for the write gate: SQLite's busy timeout


class NestedWriteSession(RuntimeError):
    """A programming error: a task asked for a write session while holding one."""


class WriteSessions:
    """Sessions that may write. On SQLite, one writer of this process at a time passes
    the gate (an ``asyncio.Lock`` per event loop) before its session begins: a writer
    that waits wakes the moment the one before it closes. Without the gate every waiting
    connection sits in SQLite's busy handler, which sleeps in steps of up to 100 ms
    whatever happens meanwhile: eight taps on one card then answered in up to 0.7 s
    instead of a few ms each (bench/approvals.py). SQLite's busy timeout still arbitrates
    between processes (the CLI). On PostgreSQL there is no gate: row locks do this.

    Use as ``async with database.sessions() as session``. A task that opens a second
    writer while it holds the gate would wait for itself: that is a bug, and it fails at
    once with ``NestedWriteSession`` instead of hanging until ``GATE_TIMEOUT`` (SQLite's
    busy timeout made it hang 30 s before the gate existed)."""

    def __init__(
        self, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession], *, gated: bool
    ) -> None:
        self._engine, self._factory, self._gated = engine, factory, gated
        self._gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._holders: weakref.WeakSet[asyncio.Task[Any]] = weakref.WeakSet()

    def __call__(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self._session()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A bare connection in a transaction that commits when the block ends, behind the
        same gate: for a hot write of one statement, which an ORM session would cost about
        twice the CPU (the update ledger's claims, one per update)."""
        async with self._gate(), self._engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        async with self._gate(), self._factory() as session:
            yield session

    @asynccontextmanager
    async def _gate(self) -> AsyncIterator[None]:
        if not self._gated:
            yield
            return
        task = asyncio.current_task()
        if task in self._holders:
            raise NestedWriteSession(
                "a write session was opened inside another one of the same task: on SQLite "
                "it would wait for itself; pass the open session or unit of work down instead"
            )
        gate = self._gates.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        async with asyncio.timeout(GATE_TIMEOUT):
            await gate.acquire()
        if task is not None:
            self._holders.add(task)
        try:
            yield
        finally:
            self._holders.discard(task)  # type: ignore[arg-type]
            gate.release()


@dataclass(frozen=True)
class Database:
    """An async engine plus its session factories: ``sessions`` for use cases (on SQLite
    each passes this process's write gate and takes the write lock when it begins),
    ``readers`` for reads that never write (on SQLite a plain BEGIN: a WAL reader goes on
    while a writer holds the lock)."""

    engine: AsyncEngine
    sessions: WriteSessions
    readers: async_sessionmaker[AsyncSession]
    # SQLite files only: WAL checkpoints after commits, off the request path.
    checkpointer: WalCheckpointer | None = None

    def read_connection(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """A bare connection for a hot read that needs no ORM objects (the dialog state
        every update asks for): about half the CPU of a reader's session. Like a reader,
        on SQLite it begins a plain, deferred transaction and never waits for a writer."""
        return self.engine.execution_options(**{READ_ONLY: True}).connect()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        if self.checkpointer is not None:
            await self.checkpointer.close()
        await self.engine.dispose()


def create_database(url: str, *, echo: bool = False) -> Database:
    """SQLite gets WAL, foreign keys and a busy timeout; PostgreSQL a sane pool."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        _ensure_sqlite_dir(parsed.database)
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    checkpointer = None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
        if parsed.database and parsed.database != ":memory:":
            checkpointer = WalCheckpointer(parsed.database)
            event.listen(engine.sync_engine, "commit", _after_commit(checkpointer))
    reading = engine.execution_options(**{READ_ONLY: True})
    return Database(
        engine,
        WriteSessions(
            engine,
            async_sessionmaker(engine, expire_on_commit=False),
            gated=parsed.get_backend_name() == "sqlite",
        ),
        async_sessionmaker(reading, expire_on_commit=False),
        checkpointer,
    )


def _after_commit(checkpointer: WalCheckpointer) -> Any:
    def committed(connection: Any) -> None:
        if not connection.get_execution_options().get(READ_ONLY):  # a reader wrote nothing
            checkpointer.after_commit()

    return committed


def _ensure_sqlite_dir(database: str | None) -> None:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy issue BEGIN itself (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Checkpoints run after commits, off the request path (models.wal_checkpoint).
    cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # A use case reads then writes; a deferred BEGIN would let two writers read the same
    # state and one fail on upgrade. IMMEDIATE takes the write lock up front, so SQLite
    # serialises use cases the way row locks do on PostgreSQL. A reader's session (which
    # never writes) begins deferred: it reads a snapshot without waiting for a writer.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

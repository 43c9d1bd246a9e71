"""Shared fixtures: real databases (a SQLite file and the local PostgreSQL server)."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from models.db import Database, create_database
from models.migrate import upgrade_to_head
from models.uow import SqlUnitOfWork

FIXTURES = Path(__file__).parent / "fixtures"
PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


class SetClock:
    """A clock tests move by hand."""

    def __init__(self, moment: datetime | None = None) -> None:
        self.moment = moment or datetime(2026, 11, 30, 7, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


@pytest.fixture
def clock() -> SetClock:
    return SetClock()


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """Each kind's schema is migrated once per run; every test gets a copy (a file copy
    for SQLite, ``CREATE DATABASE … TEMPLATE`` for PostgreSQL), which is what running the
    migrations again would give, at a fraction of the time."""
    templates = Templates(tmp_path_factory.mktemp("migrated") / "viza.sqlite3")
    yield templates
    if templates.pg_name is not None:
        asyncio.run(_drop_pg_database(templates.pg_name))


@dataclass
class Templates:
    sqlite_file: Path
    pg_name: str | None = None

    async def sqlite_copy(self, target: Path) -> None:
        if not self.sqlite_file.exists():
            db = create_database(f"sqlite+aiosqlite:///{self.sqlite_file}")
            await upgrade_to_head(db)
            await db.dispose()  # the last connection closes: the WAL is folded into the file
            assert not self.sqlite_file.with_name(self.sqlite_file.name + "-wal").exists()
        shutil.copyfile(self.sqlite_file, target)

    async def pg_copy(self) -> str:
        if self.pg_name is None:
            name = await _fresh_pg_database()
            db = create_database(f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}")
            await upgrade_to_head(db)
            await db.dispose()
            connection = await asyncpg.connect(PG_ADMIN_DSN)
            try:  # a template must have no other sessions: not even autovacuum's
                await connection.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            finally:
                await connection.close()
            self.pg_name = name
        return await _fresh_pg_database(template=self.pg_name)


async def _fresh_pg_database(template: str | None = None) -> str:
    name = f"viza_test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        like = f' TEMPLATE "{template}"' if template else ""
        await connection.execute(f'CREATE DATABASE "{name}"{like}')
    finally:
        await connection.close()
    return name


async def _drop_pg_database(name: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database(
    request: pytest.FixtureRequest, tmp_path: Path, migrated: Templates
) -> AsyncIterator[Database]:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        await migrated.sqlite_copy(tmp_path / "viza.sqlite3")
        db = create_database(f"sqlite+aiosqlite:///{tmp_path / 'viza.sqlite3'}")
        yield db
        await db.dispose()
        return
    name = await migrated.pg_copy()
    db = create_database(f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}")
    yield db
    await db.dispose()
    await _drop_pg_database(name)


@pytest.fixture
def uow_factory(database: Database) -> object:
    return lambda: SqlUnitOfWork(database)

"""Shared fixtures: real databases (a SQLite file and the local PostgreSQL server)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
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


async def _fresh_pg_database() -> str:
    name = f"viza_test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
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
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        db = create_database(f"sqlite+aiosqlite:///{tmp_path / 'viza.sqlite3'}")
        await upgrade_to_head(db)
        yield db
        await db.dispose()
        return
    name = await _fresh_pg_database()
    db = create_database(f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}")
    await upgrade_to_head(db)
    yield db
    await db.dispose()
    await _drop_pg_database(name)


@pytest.fixture
def uow_factory(database: Database) -> object:
    return lambda: SqlUnitOfWork(database)

"""The migrations build exactly the schema the table models describe, on both databases,
and the newest one goes down and up again."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

# Every table module, as the migrations' env.py imports them, so the metadata is complete.
import models.approval_tables
import models.job_tables
import models.memo_tables
import models.outbox_tables
import models.register_tables
import models.tables  # noqa: F401
from models.migrate import alembic_config


def differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


async def test_migrated_schema_is_the_models_schema(database):
    async with database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_the_newest_migration_goes_down_and_up_again(database):
    url = database.engine.url.render_as_string(hide_password=False)

    def down_and_up(connection: Connection) -> list[Any]:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
        command.upgrade(config, "head")
        return differences(connection)

    async with database.engine.begin() as connection:
        assert await connection.run_sync(down_and_up) == []

"""Which Telegram updates were already taken, so a redelivered update is handled once,
even when several bot instances receive it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from models.db import Database
from models.tables import ProcessedUpdate


class UpdateLedger:
    """``claim`` is True exactly once per (bot, update id)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def claim(self, bot_id: int, update_id: int, now: datetime) -> bool:
        # INSERT ... ON CONFLICT DO NOTHING rather than catching IntegrityError: on SQLite a
        # failed statement's cursor, collected later on the loop's thread while another
        # connection waits for the write lock, can stall the event loop for the busy
        # timeout (seen here with gdb).
        insert = sqlite_insert if self._database.dialect == "sqlite" else postgresql_insert
        statement = (
            insert(ProcessedUpdate)
            .values(bot_id=bot_id, update_id=update_id, received_at=now)
            .on_conflict_do_nothing()
        )
        async with self._database.sessions() as session:
            result = await session.execute(statement)
            await session.commit()
        return bool(cast(CursorResult[Any], result).rowcount)

    async def prune(self, older_than: timedelta, now: datetime) -> int:
        """Forget ids older than Telegram would ever redeliver (it keeps updates 24 h)."""
        async with self._database.sessions() as session:
            result = await session.execute(
                delete(ProcessedUpdate).where(col(ProcessedUpdate.received_at) < now - older_than)
            )
            await session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

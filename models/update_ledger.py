"""Which Telegram updates were already taken, so a redelivered update is handled once,
even when several bot instances receive it. Claims that arrive together (a getUpdates
batch is dispatched at once) are written together: one INSERT of all their ids in one
transaction, whose RETURNING says which ids were new (``services.batches``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from models.db import Database
from models.tables import ProcessedUpdate
from services.batches import Batches


class UpdateLedger:
    """``claim`` is True exactly once per (bot, update id)."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._claims: Batches[int, tuple[int, datetime], bool] = Batches(self._claim_many)

    async def claim(self, bot_id: int, update_id: int, now: datetime) -> bool:
        return await self._claims(bot_id, (update_id, now))

    async def _claim_many(
        self, bot_id: int, claims: list[tuple[int, datetime]]
    ) -> Sequence[bool | Exception]:
        # INSERT ... ON CONFLICT DO NOTHING rather than catching IntegrityError: on SQLite a
        # failed statement's cursor, collected later on the loop's thread while another
        # connection waits for the write lock, can stall the event loop for the busy
        # timeout (seen here with gdb).
        insert = sqlite_insert if self._database.dialect == "sqlite" else postgresql_insert
        rows = dict(claims)  # an id twice in one batch is inserted once
        statement = (
            insert(ProcessedUpdate)
            .values(
                [{"bot_id": bot_id, "update_id": u, "received_at": t} for u, t in rows.items()]
            )
            .on_conflict_do_nothing()
            .returning(col(ProcessedUpdate.update_id))
        )
        async with self._database.sessions.connection() as connection:  # no ORM: hot path
            claimed = set((await connection.execute(statement)).scalars())
        first: list[bool | Exception] = []
        for update_id, _now in claims:
            first.append(update_id in claimed)
            claimed.discard(update_id)  # the same id twice in one batch: only the first
        return first

    async def prune(self, older_than: timedelta, now: datetime) -> int:
        """Forget ids older than Telegram would ever redeliver (it keeps updates 24 h)."""
        async with self._database.sessions() as session:
            result = await session.execute(
                delete(ProcessedUpdate).where(col(ProcessedUpdate.received_at) < now - older_than)
            )
            await session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

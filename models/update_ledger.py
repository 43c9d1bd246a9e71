"""Which Telegram updates were already taken, so a redelivered update is handled once,
even when several bot instances receive it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from models.db import Database
from models.tables import ProcessedUpdate


class UpdateLedger:
    """``claim`` is True exactly once per (bot, update id)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def claim(self, bot_id: int, update_id: int, now: datetime) -> bool:
        async with self._database.sessions() as session:
            session.add(ProcessedUpdate(bot_id=bot_id, update_id=update_id, received_at=now))
            try:
                await session.commit()
            except IntegrityError:
                return False
        return True

    async def prune(self, older_than: timedelta, now: datetime) -> int:
        """Forget ids older than Telegram would ever redeliver (it keeps updates 24 h)."""
        async with self._database.sessions() as session:
            result = await session.execute(
                delete(ProcessedUpdate).where(col(ProcessedUpdate.received_at) < now - older_than)
            )
            await session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

"""aiogram FSM storage on our own database, so a half-filled dialog survives a restart
without Redis (when ``redis.url`` is set, the bot uses aiogram's RedisStorage instead).

aiogram reads the state of every update's chat; reads of one key that arrive while its
read runs share the next read (``services.batches``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from models.db import Database
from models.tables import FsmRecord
from services.batches import Batches

_Stored = tuple[str | None, dict[str, Any] | None]  # state, data
# Every update reads its chat's state: plain columns, not an ORM object (half the CPU).
_READ = select(col(FsmRecord.state), col(FsmRecord.data)).where(
    col(FsmRecord.key) == bindparam("key")
)


def storage_key(key: StorageKey) -> str:
    parts = (key.bot_id, key.chat_id, key.user_id, key.thread_id, key.business_connection_id)
    return ":".join("" if part is None else str(part) for part in parts) + f":{key.destiny}"


class SqlStorage(BaseStorage):
    """One row per key holding both state and data; a row with neither is deleted."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._reads: Batches[str, None, _Stored] = Batches(self._read)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self._database.sessions() as session:
            record = await self._record(session, key)
            record.state = value
            await self._save(session, record)

    async def get_state(self, key: StorageKey) -> str | None:
        state, _data = await self._reads(storage_key(key), None)
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self._database.sessions() as session:
            record = await self._record(session, key)
            record.data = dict(data) or None
            await self._save(session, record)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _state, data = await self._reads(storage_key(key), None)
        return dict(data or {})

    async def _read(self, key: str, asking: list[None]) -> Sequence[_Stored | Exception]:
        async with self._database.read_connection() as connection:
            row = (await connection.execute(_READ, {"key": key})).first()
        stored: _Stored = (row[0], row[1]) if row else (None, None)
        return [stored] * len(asking)

    async def close(self) -> None:
        """The database belongs to the application; nothing to close here."""

    async def _record(self, session: AsyncSession, key: StorageKey) -> FsmRecord:
        found = await session.get(FsmRecord, storage_key(key))
        return found or FsmRecord(key=storage_key(key), updated_at=datetime.now(UTC))

    async def _save(self, session: AsyncSession, record: FsmRecord) -> None:
        if record.state is None and not record.data:
            await session.execute(delete(FsmRecord).where(col(FsmRecord.key) == record.key))
        else:
            record.updated_at = datetime.now(UTC)
            session.add(record)
        await session.commit()

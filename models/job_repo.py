"""The daily jobs' ledger in SQL: claiming a (job, business date, offset) row is what makes
a job run once per day across instances, restarts and reruns by hand.

A claim is an INSERT ... ON CONFLICT DO NOTHING under the unique key, in a transaction of
its own: on PostgreSQL a second inserter waits for the first to commit and then inserts
nothing; on SQLite BEGIN IMMEDIATE serialises them. A row that never finished and is older
than the lease is taken over with a compare-and-set UPDATE, so two instances cannot both
take it over.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import jsonable
from models.job_tables import JobRun as JobRunRow
from services.cutoff.ports import Claim, Job, JobKey, JobRun

RUN = cast(Table, JobRunRow.__table__)  # type: ignore[attr-defined]
_KEY = ["job", "business_date", "offset_minutes"]


def _insert_or_nothing(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING (both databases have it): a lost claim returns no
    row instead of raising. A raised IntegrityError would leave its cursor in a reference
    cycle, and the garbage collector resetting an aiosqlite cursor on the event loop's
    thread blocks the loop while that connection waits for the write lock."""
    if dialect == "postgresql":
        return postgresql.insert(RUN)
    return sqlite.insert(RUN)


class SqlJobLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(
        self, key: JobKey, instance: str, now: datetime, stale_before: datetime
    ) -> Claim:
        statement = (
            _insert_or_nothing(self._session.get_bind().dialect.name)
            .values(job=key.job.value, business_date=key.day, offset_minutes=key.offset,
                    instance=instance, started_at=now)
            .on_conflict_do_nothing(index_elements=_KEY)
            .returning(RUN.c.id)
        )  # fmt: skip
        run_id = (await self._session.execute(statement)).scalar()
        if run_id is None:
            return await self._take_over(key, instance, now, stale_before)
        run = JobRun(int(run_id), key, instance, now, None, None)
        return Claim(run, ours=True)

    async def _take_over(
        self, key: JobKey, instance: str, now: datetime, stale_before: datetime
    ) -> Claim:
        held = await self.run_of(key)
        assert held is not None, "the unique key refused the insert, so the row exists"
        if held.finished_at is not None or held.started_at >= stale_before:
            return Claim(held, ours=False)
        result = await self._session.execute(
            update(RUN)
            .where(RUN.c.id == held.id, RUN.c.started_at == held.started_at,
                   RUN.c.finished_at.is_(None))
            .values(instance=instance, started_at=now)
        )  # fmt: skip
        if cast(int, result.rowcount) != 1:  # type: ignore[attr-defined]
            current = await self.run_of(key)
            return Claim(current or held, ours=False)
        run = JobRun(held.id, key, instance, now, None, held.result)
        return Claim(run, ours=True, took_over=True)

    async def finish(self, run_id: int, now: datetime, result: Mapping[str, object]) -> None:
        document = jsonable(dict(result))
        await self._session.execute(
            update(RUN).where(RUN.c.id == run_id).values(finished_at=now, result=document)
        )

    async def note(self, run_id: int, result: Mapping[str, object]) -> None:
        document = jsonable(dict(result))
        await self._session.execute(update(RUN).where(RUN.c.id == run_id).values(result=document))

    async def run_of(self, key: JobKey) -> JobRun | None:
        row = (
            await self._session.execute(
                select(RUN).where(
                    RUN.c.job == key.job.value,
                    RUN.c.business_date == key.day,
                    RUN.c.offset_minutes == key.offset,
                )
            )
        ).first()
        return None if row is None else _run(row._mapping)


def _run(row: Any) -> JobRun:
    key = JobKey(Job(row["job"]), row["business_date"], row["offset_minutes"])
    return JobRun(
        id=row["id"],
        key=key,
        instance=row["instance"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        result=row["result"],
    )

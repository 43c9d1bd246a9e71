"""SQL table of the daily jobs' ledger (PRODUCT §5: every job runs once per business day).

Invariant kept by the unique key: one row per (job, business date, offset). A job inserts
its row first, in its own committed transaction; whoever fails to insert it (another
instance, a restart, a rerun by hand) knows the run is already taken and does nothing new.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.tables import utc_column


class JobRun(SQLModel, table=True):
    """A claimed run of a daily job. ``offset_minutes`` tells the reminder runs of one day
    apart (minutes before the cutoff; 0 for the cutoff and the digest). ``finished_at`` and
    ``result`` stay empty while the run is under way, or when it died half-way."""

    __tablename__ = "job_run"
    __table_args__ = (
        UniqueConstraint(
            "job", "business_date", "offset_minutes", name="uq_job_run_job_date_offset"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=32)
    business_date: date
    offset_minutes: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    instance: str = Field(max_length=128)
    started_at: datetime = utc_column()
    finished_at: datetime | None = utc_column(nullable=True)
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


__all__ = ["JobRun"]

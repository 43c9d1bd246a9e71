"""The outbox table: messages to Bitrix24 written in the use case's own transaction.

Invariants (see ``services.outbox_ports`` for the life of a message): ``status`` is one of
pending, in_flight, done, dead; ``lease_owner``/``lease_until`` are set exactly while a relay
holds the row; ``id`` orders the messages of one entity.

Two indexes serve the relay: ``(status, next_attempt_at)`` finds due rows, and
``(entity_type, entity_id, id)`` answers "is an earlier message of this entity still
open?" for every candidate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from models.tables import utc_column


class OutboxRecord(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_entity", "entity_type", "entity_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(max_length=32)
    entity_id: str = Field(max_length=64)
    kind: str = Field(max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = utc_column()
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = utc_column(nullable=True)
    last_error: str | None = None
    created_at: datetime = utc_column()
    delivered_at: datetime | None = utc_column(nullable=True)
    remote_id: str | None = Field(default=None, max_length=64)


__all__ = ["OutboxRecord"]

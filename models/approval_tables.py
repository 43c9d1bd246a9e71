"""SQL tables of the register approval: one row per decision (item, round, stage), and
where each approver's card of a register is, so it can be edited in place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables import utc_column


class RegisterDecision(SQLModel, table=True):
    """An approver's decision on an item at a stage of a round. It may be changed by the
    same person until the stage is sent on; history of every change is in the audit log.

    Invariant (unique key): one decision per item, round and stage.
    """

    __tablename__ = "register_decision"
    __table_args__ = (
        UniqueConstraint("item_id", "round", "stage", name="uq_register_decision_item_round"),
    )

    id: int | None = Field(default=None, primary_key=True)
    register_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("register.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    item_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("register_item.id", ondelete="CASCADE"), nullable=False
        )
    )
    round: int
    stage: str = Field(max_length=32)
    decision: str = Field(max_length=16)
    reason: str | None = None
    decided_by_id: int = Field(foreign_key="person.id")
    on_behalf_of_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime = utc_column()


class RegisterCard(SQLModel, table=True):
    """The message holding a person's review card of a register (one per pair)."""

    __tablename__ = "register_card"

    register_id: int = Field(
        sa_column=Column(Integer, ForeignKey("register.id", ondelete="CASCADE"), primary_key=True)
    )
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_at: datetime = utc_column()


__all__ = ["RegisterCard", "RegisterDecision"]

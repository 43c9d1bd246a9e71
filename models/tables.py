"""SQLModel tables of the org directory, Telegram links, invites, the audit log and the
bot's own bookkeeping (processed updates, FSM state).

Invariants kept by constraints, not by code alone: codes are unique; a Telegram account
links to at most one person and a person to at most one account; the audit log is
append-only and its ``seq`` has no gaps (it is taken from ``audit_head`` under a row lock).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer, MetaData
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class City(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str
    timezone: str


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    full_name: str
    bitrix_id: int | None = Field(default=None, unique=True)
    phone: str | None = Field(default=None, index=True)
    language: str = "ru"
    active: bool = True
    # use_alter breaks the person <-> dealer_center foreign-key cycle for DDL ordering
    home_dc_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("dealer_center.id", use_alter=True), nullable=True),
    )


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str
    director_id: int | None = Field(default=None, foreign_key="person.id")


class DealerCenter(SQLModel, table=True):
    __tablename__ = "dealer_center"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str
    city_id: int = Field(foreign_key="city.id")
    department_id: int = Field(foreign_key="department.id")
    director_id: int | None = Field(default=None, foreign_key="person.id")


class DcAccountant(SQLModel, table=True):
    __tablename__ = "dc_accountant"
    dc_id: int = Field(foreign_key="dealer_center.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True)


class PersonRole(SQLModel, table=True):
    """A company-wide role; DC and department roles come from the units themselves."""

    __tablename__ = "person_role"
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    role: str = Field(primary_key=True, max_length=32)


class Substitution(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    substitute_id: int = Field(foreign_key="person.id")
    date_from: date
    date_to: date


class TelegramLink(SQLModel, table=True):
    """One Telegram account per person and one person per Telegram account."""

    __tablename__ = "telegram_link"
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    telegram_user_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    method: str = Field(max_length=16)  # org | invite | contact
    linked_at: datetime = utc_column()
    blocked_at: datetime | None = utc_column(nullable=True)


class Invite(SQLModel, table=True):
    """A one-time deep-link invite; only the token's sha256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(unique=True, max_length=64)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_by: str = Field(max_length=64)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()
    used_at: datetime | None = utc_column(nullable=True)
    used_by_telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger))


class AuditHead(SQLModel, table=True):
    """A single row holding the chain's tip; appends lock it so seq never forks."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    last_hash: str = Field(max_length=64)


class AuditLog(SQLModel, table=True):
    """Append-only, hash-chained audit events (PRODUCT §7)."""

    __tablename__ = "audit_log"
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    occurred_at: datetime = utc_column(index=True)
    actor: str = Field(max_length=64)
    on_behalf_of: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64, index=True)
    entity_type: str = Field(max_length=32)
    entity_id: str = Field(max_length=64, index=True)
    old: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    new: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    reason: str | None = None
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids already taken: a redelivered update is skipped."""

    __tablename__ = "processed_update"
    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    bot_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    received_at: datetime = utc_column(index=True)


class FsmRecord(SQLModel, table=True):
    """aiogram FSM state and data, one row per storage key."""

    __tablename__ = "fsm_record"
    key: str = Field(primary_key=True, max_length=255)
    state: str | None = None
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    updated_at: datetime = utc_column()


__all__ = [
    "AuditHead",
    "AuditLog",
    "City",
    "DcAccountant",
    "DealerCenter",
    "Department",
    "FsmRecord",
    "Invite",
    "Person",
    "PersonRole",
    "ProcessedUpdate",
    "Substitution",
    "TelegramLink",
]

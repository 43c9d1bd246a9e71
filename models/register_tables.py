"""SQL tables of payment registers (PRODUCT §3): the register, its items and its file.

Room is left for the approval route (issue 4): ``register.stage`` names the current stage
(None while a draft), ``register.version`` grows with every change so that a stale button
can be told apart, and ``register_item.status`` plus a future per-stage decision table
carry the item decisions.

Invariants kept by constraints: money is ``Numeric(18, 2)`` (integer kopecks on SQLite,
which has no exact decimal type); an item's ``position`` is unique within its register;
a register has at most one original file.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Field, SQLModel

from models.tables import utc_column

_KOPECKS = Decimal(100)
_CENT = Decimal("0.01")


class Money(TypeDecorator[Decimal]):
    """An exact amount with kopecks: ``NUMERIC(18, 2)`` on PostgreSQL, integer kopecks on
    SQLite (whose NUMERIC would go through floats). SUM() keeps the type on both."""

    impl = Numeric(18, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, 2, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return int((value * _KOPECKS).to_integral_exact())
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / _KOPECKS).quantize(_CENT)
        return Decimal(value).quantize(_CENT)


def money_column(*, nullable: bool = False) -> Any:
    return Field(sa_column=Column(Money(), nullable=nullable))


class Register(SQLModel, table=True):
    """A payment register of one DC for one payment date.

    ``status``: draft -> submitted (issue 4 adds the route's states), draft -> cancelled.
    ``earliest_payment_date`` is the payment date the cutoff policy gave at upload: the
    accountant may move ``payment_date`` later, never earlier. ``total`` and ``item_count``
    cover every item at upload (RUB only in ``total``; other currencies are in the items).
    ``warnings`` holds the upload's warnings as [{kind, lines, message}].
    """

    __tablename__ = "register"
    __table_args__ = (
        Index("ix_register_status_created_at", "status", "created_at"),
        # The daily cutoff picks the registers of one payment date by status.
        Index("ix_register_payment_date_status", "payment_date", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dc_id: int = Field(foreign_key="dealer_center.id", index=True)
    uploaded_by_id: int = Field(foreign_key="person.id", index=True)
    status: str = Field(default="draft", max_length=16)
    stage: str | None = Field(default=None, max_length=32)
    # The route fixed at submission (comma-separated stages): a config change later does
    # not re-route registers already under way.
    route: str | None = Field(default=None, max_length=200)
    round: int = 1
    version: int = 1
    payment_date: date
    earliest_payment_date: date
    source_format: str = Field(max_length=8)
    item_count: int
    total: Decimal = money_column()
    warnings: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = utc_column(index=True)
    updated_at: datetime = utc_column()
    submitted_at: datetime | None = utc_column(nullable=True)
    cancelled_at: datetime | None = utc_column(nullable=True)


class RegisterItem(SQLModel, table=True):
    """One payment of a register, in file order (``position`` 1..n is the № on the card;
    ``line`` is the file line the accountant sees).

    ``status`` is «pending» at upload; the approval route (issue 4) moves it to approved,
    rejected or withdrawn. ``duplicate_note`` is the duplicate warning about this item, if
    any; ``over_threshold`` marks items that also go to the general director.
    """

    __tablename__ = "register_item"
    __table_args__ = (
        UniqueConstraint("register_id", "position", name="uq_register_item_register_position"),
        # The 30-day duplicate lookup: same INN + invoice + amount in any DC's register.
        Index("ix_register_item_duplicate_key", "inn", "invoice_key", "amount"),
        # Partial: an upload's items are never copies (migration 0007).
        Index(
            "ix_register_item_carried_from_item_id",
            "carried_from_item_id",
            sqlite_where=text("carried_from_item_id IS NOT NULL"),
            postgresql_where=text("carried_from_item_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    register_id: int = Field(
        sa_column=Column(Integer, ForeignKey("register.id", ondelete="CASCADE"), nullable=False)
    )
    position: int
    line: int
    document_number: str | None = Field(default=None, max_length=64)
    counterparty: str
    inn: str = Field(max_length=12)
    invoice_number: str | None = Field(default=None, max_length=128)
    # duplicate_key()'s invoice part (the purpose stands in without an invoice), cut to fit
    invoice_key: str = Field(max_length=200)
    invoice_date: date | None = None
    purpose: str
    amount: Decimal = money_column()
    currency: str = Field(default="RUB", max_length=3)
    category: str | None = Field(default=None, max_length=255)
    due_date: date | None = None
    urgent: bool = False
    comment: str | None = None
    over_threshold: bool = False
    duplicate_note: str | None = None
    status: str = Field(default="pending", max_length=16)
    # A copy made by the carry-over of a missed payment (issue 5): the item it was copied
    # from, and how many times this payment has been carried so far (0 for an upload).
    carried_from_item_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("register_item.id", ondelete="SET NULL"), nullable=True
        ),
    )
    # Server-side default only: the bulk insert of an upload names its columns exactly.
    carried_count: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default=text("0"))
    )


class RegisterFile(SQLModel, table=True):
    """The original file as uploaded, kept for audit (PRODUCT §3): bytes, sha256, size."""

    __tablename__ = "register_file"

    id: int | None = Field(default=None, primary_key=True)
    register_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("register.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    filename: str = Field(max_length=255)
    size: int
    sha256: str = Field(max_length=64, index=True)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    telegram_file_id: str | None = Field(default=None, max_length=255)
    uploaded_at: datetime = utc_column()


__all__ = ["Money", "Register", "RegisterFile", "RegisterItem"]

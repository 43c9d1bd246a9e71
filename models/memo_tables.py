"""SQL tables of memos («служебная записка», PRODUCT §4): the memo, its approval steps (one
row per step of every round), its attachments, its PDF, and the per-year numbering.

Invariants kept by constraints: ``memo.number`` is unique (and so is ``dialog_key``, which
makes a repeated «Отправить» find the draft it created instead of adding another); a
step's ``key`` is unique within its memo and never reused; the numbers of one year come
from ``memo_number`` under a row lock, so they have no gaps; a memo has at most one PDF.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables import utc_column


def _memo_fk(*, primary_key: bool = False) -> Any:
    column = Column(
        Integer,
        ForeignKey("memo.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
        index=not primary_key,
    )
    return Field(sa_column=column)


class MemoRow(SQLModel, table=True):
    """A memo. ``approvers`` is the intermediate chain (person codes) the next round
    follows; ``number``/``year`` are set on the first submission; ``b24_state`` tracks the
    executor's Bitrix24 task: None (not approved yet), files (uploads due), queued (the
    task is in the outbox), done (``bitrix_task_id`` set) or skipped (nobody to give it to).
    """

    __tablename__ = "memo"
    __table_args__ = (
        Index("ix_memo_author_status", "author_id", "status"),
        Index("ix_memo_b24_state", "b24_state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str | None = Field(default=None, max_length=32, unique=True)
    year: int | None = None
    dialog_key: str | None = Field(default=None, max_length=64, unique=True)
    author_id: int = Field(foreign_key="person.id")
    executor_id: int = Field(foreign_key="person.id", index=True)
    title: str
    text: str
    approvers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    with_general_director: bool = False
    status: str = Field(max_length=16)
    round: int = 0
    version: int = 0
    created_at: datetime = utc_column()
    submitted_at: datetime | None = utc_column(nullable=True)
    finished_at: datetime | None = utc_column(nullable=True)
    pdf_sha256: str | None = Field(default=None, max_length=64)
    audit_hash: str | None = Field(default=None, max_length=64)
    b24_state: str | None = Field(default=None, max_length=16)
    bitrix_task_id: str | None = Field(default=None, max_length=32)


class MemoStepRow(SQLModel, table=True):
    """One approval step of one round (see `domain.memo_model.ApprovalStep`)."""

    __tablename__ = "memo_step"
    __table_args__ = (
        UniqueConstraint("memo_id", "key", name="uq_memo_step_memo_key"),
        Index("ix_memo_step_approver_status", "approver_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    memo_id: int = _memo_fk()
    key: int
    round: int
    position: int
    approver_id: int = Field(foreign_key="person.id")
    kind: str = Field(max_length=16)
    role: str | None = Field(default=None, max_length=32)
    status: str = Field(max_length=16)
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    on_behalf_of_id: int | None = Field(default=None, foreign_key="person.id")
    comment: str | None = None
    decided_at: datetime | None = utc_column(nullable=True)
    added_by_id: int | None = Field(default=None, foreign_key="person.id")


class MemoAttachmentRow(SQLModel, table=True):
    """A file of a memo, kept whole for the PDF's checksums and the Bitrix24 task."""

    __tablename__ = "memo_attachment"

    id: int | None = Field(default=None, primary_key=True)
    memo_id: int = _memo_fk()
    position: int
    name: str = Field(max_length=255)
    mime: str = Field(max_length=127)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    telegram_file_id: str | None = Field(default=None, max_length=255)
    b24_file_id: int | None = None
    added_at: datetime = utc_column()


class MemoPdfRow(SQLModel, table=True):
    """The PDF of an approved memo: bytes, sha256 and the audit hash printed in it."""

    __tablename__ = "memo_pdf"

    memo_id: int = _memo_fk(primary_key=True)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    size: int
    sha256: str = Field(max_length=64)
    audit_hash: str = Field(max_length=64)
    created_at: datetime = utc_column()
    b24_file_id: int | None = None


class MemoNumber(SQLModel, table=True):
    """The last memo number given in ``year``; taken with UPDATE ... RETURNING."""

    __tablename__ = "memo_number"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


__all__ = ["MemoAttachmentRow", "MemoNumber", "MemoPdfRow", "MemoRow", "MemoStepRow"]

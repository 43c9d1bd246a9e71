"""Memos in SQL: the aggregate (memo, steps, attachments) in and out, gap-free numbering,
the PDF; ``uow.memos``. The lists and the Bitrix24 task's bookkeeping are in
`models.memo_queries`; the org directory comes from `models.memo_org`.

Numbers: ``UPDATE memo_number SET last = last + 1 WHERE year = :y RETURNING last`` takes
the year's row lock (PostgreSQL) or runs under the write lock every transaction takes on
SQLite, so concurrent submissions get consecutive numbers, and a rolled-back submission
gives its number back. The first number of a year inserts the row (``ON CONFLICT DO
NOTHING``: a racing insert of the same year is harmless) and updates it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select

from domain.memo import Attachment, Memo, parse_memo_number
from models.memo_queries import MemoQueries
from models.memo_rows import memo_fields, step_fields, to_memo
from models.memo_tables import MemoAttachmentRow, MemoNumber, MemoPdfRow, MemoRow, MemoStepRow
from services.memos.ports import LoadedMemo, NewAttachment, StoredAttachment


class SqlMemoRepository(MemoQueries):
    """Never commits; the unit of work does."""

    async def by_dialog_key(self, key: str) -> int | None:
        found = await self._session.scalar(
            select(MemoRow.id).where(col(MemoRow.dialog_key) == key)
        )
        return int(found) if found is not None else None

    async def add(
        self, memo: Memo, attachments: Sequence[NewAttachment], dialog_key: str | None
    ) -> tuple[int, bool]:
        """Store a new draft; ``(id, True)``, or ``(id of the draft, False)`` when one with
        ``dialog_key`` exists (a repeated tap that raced the first)."""
        # Looked up first: on SQLite (writers serialised by BEGIN IMMEDIATE) this settles
        # every repeat, so the IntegrityError path below, whose failed cursor can stall the
        # loop there (see models.update_ledger), is left to PostgreSQL's true races.
        if dialog_key and (existing := await self.by_dialog_key(dialog_key)) is not None:
            return existing, False
        ids = await self.person_ids()
        row = MemoRow(dialog_key=dialog_key, **memo_fields(memo, ids))
        try:
            async with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError:
            existing = await self.by_dialog_key(dialog_key or "")
            if existing is None:
                raise
            return existing, False
        assert row.id is not None
        memo.id = row.id
        await self._add_files(row.id, attachments, 1, memo.created_at)
        return row.id, True

    async def load(self, memo_id: int, *, lock: bool) -> LoadedMemo | None:
        query = select(MemoRow).where(col(MemoRow.id) == memo_id)
        if lock:
            query = query.with_for_update()
        row = (await self._session.scalars(query)).first()
        if row is None:
            return None
        steps = (
            await self._session.scalars(
                select(MemoStepRow).where(col(MemoStepRow.memo_id) == memo_id)
            )
        ).all()
        files = await self._stored(memo_id)
        memo = to_memo(row, steps, [_meta(f) for f in files], await self.person_codes())
        return LoadedMemo(memo, files, row.bitrix_task_id, row.pdf_sha256, row.audit_hash,
                          row.b24_state)  # fmt: skip

    async def save(self, memo: Memo) -> None:
        assert memo.id is not None
        ids = await self.person_ids()
        row = await self._session.get(MemoRow, memo.id)
        assert row is not None
        for name, value in memo_fields(memo, ids).items():
            setattr(row, name, value)
        if memo.number is not None:
            row.year = parse_memo_number(memo.number)[0]
        existing = {
            s.key: s
            for s in (
                await self._session.scalars(
                    select(MemoStepRow).where(col(MemoStepRow.memo_id) == memo.id)
                )
            ).all()
        }
        for step in memo.steps:
            fields = step_fields(step, ids)
            stored = existing.get(step.key)
            if stored is None:
                self._session.add(MemoStepRow(memo_id=memo.id, **fields))
            else:
                for name, value in fields.items():
                    setattr(stored, name, value)
        await self._session.flush()

    async def replace_attachments(
        self, memo_id: int, keep: Sequence[int], new: Sequence[NewAttachment], now: datetime
    ) -> tuple[StoredAttachment, ...]:
        await self._session.execute(
            delete(MemoAttachmentRow).where(
                col(MemoAttachmentRow.memo_id) == memo_id, col(MemoAttachmentRow.id).not_in(keep)
            )
        )
        for position, attachment_id in enumerate(keep, start=1):
            await self._session.execute(
                update(MemoAttachmentRow)
                .where(col(MemoAttachmentRow.id) == attachment_id)
                .values(position=position)
            )
        await self._add_files(memo_id, new, len(keep) + 1, now)
        return await self._stored(memo_id)

    async def next_number(self, year: int) -> int:
        taken = await self._take_number(year)
        if taken is None:
            dialect = postgresql if self._dialect() == "postgresql" else sqlite
            insert = dialect.insert(MemoNumber).values(year=year, last=0)
            await self._session.execute(insert.on_conflict_do_nothing(index_elements=["year"]))
            taken = await self._take_number(year)
        assert taken is not None
        return taken

    async def _take_number(self, year: int) -> int | None:
        statement = (
            update(MemoNumber)
            .where(col(MemoNumber.year) == year)
            .values(last=col(MemoNumber.last) + 1)
            .returning(col(MemoNumber.last))
        )
        found = (await self._session.execute(statement)).scalar()
        return int(found) if found is not None else None

    async def attachment_content(self, memo_id: int, attachment_id: int) -> bytes | None:
        return await self._session.scalar(
            select(MemoAttachmentRow.content).where(
                col(MemoAttachmentRow.memo_id) == memo_id,
                col(MemoAttachmentRow.id) == attachment_id,
            )
        )

    async def mark_finished(self, memo_id: int, audit_hash: str, b24_state: str) -> None:
        await self._session.execute(
            update(MemoRow)
            .where(col(MemoRow.id) == memo_id)
            .values(audit_hash=audit_hash, b24_state=b24_state)
        )

    async def store_pdf(
        self, memo_id: int, pdf: bytes, sha256: str, audit_hash: str, now: datetime
    ) -> bool:
        await self._session.execute(
            select(MemoRow.id).where(col(MemoRow.id) == memo_id).with_for_update()
        )
        if await self._session.get(MemoPdfRow, memo_id) is not None:
            return False
        self._session.add(MemoPdfRow(memo_id=memo_id, content=pdf, size=len(pdf), sha256=sha256,
                                     audit_hash=audit_hash, created_at=now))  # fmt: skip
        await self._session.execute(
            update(MemoRow).where(col(MemoRow.id) == memo_id).values(pdf_sha256=sha256)
        )
        await self._session.flush()
        return True

    async def pdf(self, memo_id: int) -> bytes | None:
        return await self._session.scalar(
            select(MemoPdfRow.content).where(col(MemoPdfRow.memo_id) == memo_id)
        )

    async def _add_files(
        self, memo_id: int, files: Sequence[NewAttachment], first: int, now: datetime
    ) -> None:
        for position, file in enumerate(files, start=first):
            self._session.add(
                MemoAttachmentRow(
                    memo_id=memo_id,
                    position=position,
                    name=file.name,
                    mime=file.mime,
                    size=file.size,
                    sha256=file.sha256,
                    content=file.content,
                    telegram_file_id=file.telegram_file_id,
                    added_at=now,
                )
            )
        await self._session.flush()

    async def _stored(self, memo_id: int) -> tuple[StoredAttachment, ...]:
        rows = await self._session.execute(
            sa_select(
                col(MemoAttachmentRow.id), col(MemoAttachmentRow.name),
                col(MemoAttachmentRow.mime), col(MemoAttachmentRow.size),
                col(MemoAttachmentRow.sha256), col(MemoAttachmentRow.telegram_file_id),
            )
            .where(col(MemoAttachmentRow.memo_id) == memo_id)
            .order_by(col(MemoAttachmentRow.position))
        )  # fmt: skip
        return tuple(
            StoredAttachment(int(i or 0), name, mime, size, sha256, file_id)
            for i, name, mime, size, sha256, file_id in rows.tuples()
        )


def _meta(stored: StoredAttachment) -> Attachment:
    return Attachment(stored.name, stored.size, stored.sha256, stored.mime)

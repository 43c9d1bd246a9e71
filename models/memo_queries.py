"""The read side of memos in SQL and the Bitrix24 task's bookkeeping: the org directory and
person maps (read once per unit of work), «Мои записки», the waiting list, and the files
and states the Bitrix24 worker moves through."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import String, cast, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.memo import MemoStatus
from domain.org_model import OrgDirectory
from models.memo_org import load_org_directory
from models.memo_tables import MemoAttachmentRow, MemoPdfRow, MemoRow, MemoStepRow
from models.org_repo import SqlOrgRepository
from models.outbox_tables import OutboxRecord
from models.tables import Person
from services.memos.ports import MemoRow as MemoLine
from services.memos.ports import UploadItem
from services.ports import PersonView

_PENDING = "pending"


class MemoQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._org: OrgDirectory | None = None
        self._ids: dict[str, int] | None = None

    # --- who is who --------------------------------------------------------------------

    async def by_pdf(self, sha256: str) -> tuple[str, str] | None:
        return await memo_by_pdf(self._session, sha256)

    async def org_directory(self, timezone: str) -> OrgDirectory:
        if self._org is None or self._org.timezone != timezone:
            self._org = await load_org_directory(self._session, timezone)
        return self._org

    async def person_ids(self) -> dict[str, int]:
        if self._ids is None:
            rows = await self._session.execute(select(Person.code, Person.id))
            self._ids = {code: int(pid) for code, pid in rows.tuples() if pid is not None}
        return self._ids

    async def person_codes(self) -> dict[int, str]:
        return {pid: code for code, pid in (await self.person_ids()).items()}

    async def people(self, codes: Sequence[str]) -> list[PersonView]:
        return await SqlOrgRepository(self._session).people_by_codes(list(codes))

    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    # --- lists -------------------------------------------------------------------------

    async def memos_of(self, person_code: str, limit: int) -> list[MemoLine]:
        person_id = (await self.person_ids()).get(person_code)
        rows = (
            await self._session.scalars(
                select(MemoRow)
                .where(
                    or_(col(MemoRow.author_id) == person_id, col(MemoRow.executor_id) == person_id)
                )
                .order_by(col(MemoRow.id).desc())
                .limit(limit)
            )
        ).all()
        awaiting = await self._awaiting_approvers([r for r in rows if r.id is not None])
        codes = await self.person_codes()
        return [
            MemoLine(
                memo_id=r.id or 0,
                number=r.number,
                title=r.title,
                status=MemoStatus(r.status),
                round=r.round,
                created_at=r.created_at,
                author=codes[r.author_id],
                executor=codes[r.executor_id],
                awaiting=awaiting.get(r.id or 0),
                bitrix_task_id=r.bitrix_task_id,
            )
            for r in rows
        ]

    async def _awaiting_approvers(self, rows: Sequence[MemoRow]) -> dict[int, str]:
        live = {r.id: r.round for r in rows if r.status == MemoStatus.IN_APPROVAL.value}
        if not live:
            return {}
        steps = await self._session.execute(
            select(MemoStepRow.memo_id, MemoStepRow.round, MemoStepRow.approver_id)
            .where(col(MemoStepRow.memo_id).in_(live), col(MemoStepRow.status) == _PENDING)
            .order_by(col(MemoStepRow.position).desc())
        )
        codes = await self.person_codes()
        found: dict[int, str] = {}
        for memo_id, round_no, approver_id in steps.tuples():
            if live.get(memo_id) == round_no:
                found[memo_id] = codes[approver_id]  # the lowest position wins: it comes last
        return found

    async def awaiting(self, approver_codes: Sequence[str]) -> list[int]:
        ids = await self.person_ids()
        wanted = [ids[c] for c in approver_codes if c in ids]
        rows = await self._session.execute(
            select(MemoRow.id)
            .join(MemoStepRow, col(MemoStepRow.memo_id) == MemoRow.id)
            .where(
                col(MemoRow.status) == MemoStatus.IN_APPROVAL.value,
                col(MemoStepRow.round) == MemoRow.round,
                col(MemoStepRow.status) == _PENDING,
                col(MemoStepRow.approver_id).in_(wanted),
            )
            .distinct()
            .order_by(col(MemoRow.id))
        )
        return [int(memo_id) for memo_id in rows.scalars() if memo_id is not None]

    # --- the Bitrix24 task -------------------------------------------------------------

    async def in_state(self, b24_state: str, limit: int) -> list[int]:
        rows = await self._session.scalars(
            select(MemoRow.id)
            .where(col(MemoRow.b24_state) == b24_state)
            .order_by(col(MemoRow.id))
            .limit(limit)
        )
        return [int(memo_id) for memo_id in rows if memo_id is not None]

    async def upload_items(self, memo_id: int) -> list[UploadItem]:
        pdf = (
            await self._session.execute(
                select(MemoPdfRow.size, MemoPdfRow.b24_file_id, MemoRow.number)
                .join(MemoRow, col(MemoRow.id) == MemoPdfRow.memo_id)
                .where(col(MemoPdfRow.memo_id) == memo_id)
            )
        ).first()
        items = []
        if pdf is not None:
            items.append(UploadItem(f"pdf:{memo_id}", f"{pdf[2]}.pdf", pdf[0], pdf[1]))
        files = await self._session.execute(
            select(MemoAttachmentRow.id, MemoAttachmentRow.name, MemoAttachmentRow.size,
                   MemoAttachmentRow.b24_file_id)
            .where(col(MemoAttachmentRow.memo_id) == memo_id)
            .order_by(col(MemoAttachmentRow.position))
        )  # fmt: skip
        items += [UploadItem(f"att:{i}", name, size, b24) for i, name, size, b24 in files.tuples()]
        return items

    async def file_content(self, ref: str) -> bytes | None:
        kind, _, key = ref.partition(":")
        if kind == "pdf":
            query = select(MemoPdfRow.content).where(col(MemoPdfRow.memo_id) == int(key))
        else:
            query = select(MemoAttachmentRow.content).where(col(MemoAttachmentRow.id) == int(key))
        return await self._session.scalar(query)

    async def record_upload(self, ref: str, b24_file_id: int) -> None:
        kind, _, key = ref.partition(":")
        if kind == "pdf":
            statement = update(MemoPdfRow).where(col(MemoPdfRow.memo_id) == int(key))
        else:
            statement = update(MemoAttachmentRow).where(col(MemoAttachmentRow.id) == int(key))
        await self._session.execute(statement.values(b24_file_id=b24_file_id))

    async def move_state(self, memo_id: int, old: str, new: str) -> bool:
        result = await self._session.execute(
            update(MemoRow)
            .where(col(MemoRow.id) == memo_id, col(MemoRow.b24_state) == old)
            .values(b24_state=new)
        )
        return bool(getattr(result, "rowcount", 0))

    async def delivered_tasks(self, kind: str, limit: int) -> list[tuple[int, str]]:
        rows = await self._session.execute(
            select(MemoRow.id, OutboxRecord.remote_id)
            .join(
                OutboxRecord,
                (col(OutboxRecord.entity_type) == "memo")
                & (col(OutboxRecord.entity_id) == cast(col(MemoRow.id), String)),
            )
            .where(
                col(MemoRow.b24_state) == "queued",
                col(OutboxRecord.kind) == kind,
                col(OutboxRecord.status) == "done",
                col(OutboxRecord.remote_id).is_not(None),
            )
            .order_by(col(MemoRow.id))
            .limit(limit)
        )
        return [(int(m), str(r)) for m, r in rows.tuples() if m is not None and r is not None]

    async def set_task(self, memo_id: int, task_id: str) -> bool:
        result = await self._session.execute(
            update(MemoRow)
            .where(col(MemoRow.id) == memo_id, col(MemoRow.b24_state) == "queued")
            .values(bitrix_task_id=task_id, b24_state="done")
        )
        return bool(getattr(result, "rowcount", 0))


async def memo_by_pdf(session: AsyncSession, sha256: str) -> tuple[str, str] | None:
    """(memo number, audit hash printed in it) of the stored PDF with this sha256."""
    row = (
        await session.execute(
            select(col(MemoRow.number), col(MemoPdfRow.audit_hash))
            .join(MemoPdfRow, col(MemoPdfRow.memo_id) == MemoRow.id)
            .where(col(MemoPdfRow.sha256) == sha256)
        )
    ).first()
    return (str(row[0]), str(row[1])) if row is not None else None

"""The SQL unit of work: one session, one transaction, repositories bound to it."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession

from models.approval_repo import SqlApprovalRepository
from models.audit_repo import SqlAuditLog
from models.cutoff_repo import SqlCutoffRepository
from models.db import Database
from models.link_repo import SqlInviteRepository, SqlLinkRepository
from models.memo_repo import SqlMemoRepository
from models.org_repo import SqlOrgRepository
from models.outbox_repo import SqlOutbox
from models.register_repo import SqlRegisterRepository


class SqlUnitOfWork:
    """Leaving the block without ``commit()`` rolls everything back. A ``read_only`` unit
    of work only reads (identifying a user on every update): on SQLite it does not take
    the write lock, so it never queues behind a long writer such as an upload."""

    def __init__(self, database: Database, *, read_only: bool = False) -> None:
        self._database, self._read_only = database, read_only
        self._session: AsyncSession | None = None
        self._opened: AbstractAsyncContextManager[AsyncSession] | None = None

    async def __aenter__(self) -> Self:
        database = self._database
        self._opened = database.readers() if self._read_only else database.sessions()
        self._session = await self._opened.__aenter__()
        self.org = SqlOrgRepository(self._session)
        self.links = SqlLinkRepository(self._session)
        self.invites = SqlInviteRepository(self._session)
        self.audit = SqlAuditLog(self._session)
        self.registers = SqlRegisterRepository(self._session)
        self.approvals = SqlApprovalRepository(self._session)
        self.outbox = SqlOutbox(self._session)
        self.memos = SqlMemoRepository(self._session)
        self.cutoff = SqlCutoffRepository(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None and self._opened is not None
        try:
            await self._session.rollback()
        finally:
            self._session = None
            await self._opened.__aexit__(exc_type, exc, tb)  # closes it (and opens the gate)

    async def commit(self) -> None:
        assert self._session is not None
        assert not self._read_only, "a read-only unit of work has nothing to commit"
        await self._session.commit()

    @property
    def session(self) -> AsyncSession:
        """For adapters in models/ that share this transaction (e.g. the outbox)."""
        assert self._session is not None
        return self._session

"""Ports the use cases need. Adapters live in models/ (SQL), bot/ (Telegram, clock) and
b24sync/; tests use hand-written recording fakes or the real SQL adapters.

Every use case opens one unit of work and commits once; repositories never commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from domain.audit import StoredEntry
from domain.org import OrgDirectory
from domain.roles import Role


class Clock(Protocol):
    """Where use cases and jobs take ``now`` from (UTC-aware); tests can set it."""

    def now(self) -> datetime: ...


@dataclass(frozen=True)
class PersonView:
    """A person as the bot sees them: identity, roles (company and unit-derived), state."""

    id: int
    code: str
    full_name: str
    language: str
    active: bool
    roles: frozenset[Role]
    telegram_user_id: int | None = None
    bitrix_id: int | None = None

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)


@dataclass(frozen=True)
class OrgSyncCounts:
    """What an org import changed, per kind of entry."""

    created: Mapping[str, int]
    updated: Mapping[str, int]
    deactivated: Sequence[str]


@dataclass(frozen=True)
class InviteRecord:
    id: int
    person_id: int
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class AuditEvent:
    """What a use case asks the audit log to record; seq and hashes are the log's job."""

    actor: str
    action: str
    entity_type: str
    entity_id: str
    on_behalf_of: str | None = None
    old: Mapping[str, object] | None = None
    new: Mapping[str, object] | None = None
    reason: str | None = None


class OrgRepository(Protocol):
    async def sync(self, directory: OrgDirectory, now: datetime) -> OrgSyncCounts: ...
    async def person_by_code(self, code: str) -> PersonView | None: ...
    async def person_by_id(self, person_id: int) -> PersonView | None: ...
    async def person_by_telegram(self, telegram_user_id: int) -> PersonView | None: ...
    async def active_people_by_phone(self, phone: str) -> Sequence[PersonView]: ...
    async def people_with_role(self, role: Role) -> Sequence[PersonView]: ...
    async def active_people(self) -> Sequence[PersonView]: ...


class LinkRepository(Protocol):
    async def person_for(self, telegram_user_id: int) -> int | None: ...
    async def telegram_of(self, person_id: int) -> int | None: ...
    async def link(
        self, person_id: int, telegram_user_id: int, method: str, now: datetime
    ) -> None: ...
    async def mark_blocked(self, telegram_user_id: int, now: datetime | None) -> None: ...


class InviteRepository(Protocol):
    async def add(
        self, token_sha256: str, person_id: int, created_by: str, now: datetime, ttl_hours: int
    ) -> InviteRecord: ...
    async def by_token(self, token_sha256: str) -> InviteRecord | None: ...
    async def mark_used(self, invite_id: int, telegram_user_id: int, now: datetime) -> bool: ...


class AuditLog(Protocol):
    async def append(self, event: AuditEvent, now: datetime) -> StoredEntry: ...
    async def append_many(
        self, events: Sequence[AuditEvent], now: datetime
    ) -> list[StoredEntry]: ...
    def iterate(self, batch: int = 1000) -> AsyncIterator[StoredEntry]: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without ``commit()`` rolls back.

    Repositories are read-only properties so that an adapter may expose its own
    (more specific) repository classes.
    """

    @property
    def org(self) -> OrgRepository: ...
    @property
    def links(self) -> LinkRepository: ...
    @property
    def invites(self) -> InviteRepository: ...
    @property
    def audit(self) -> AuditLog: ...

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]

"""Org directory administration: import from the org file, verify the audit chain."""

from __future__ import annotations

from dataclasses import dataclass

from domain.audit import SYSTEM_ACTOR, VerifyResult, verify_chain
from domain.org import OrgDirectory
from domain.roles import Role
from services.ports import AuditEvent, Clock, OrgSyncCounts, PersonView, UnitOfWorkFactory


@dataclass(frozen=True)
class ImportSummary:
    counts: OrgSyncCounts

    @property
    def created(self) -> int:
        return sum(self.counts.created.values())

    @property
    def updated(self) -> int:
        return sum(self.counts.updated.values())

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.counts.deactivated)


class ImportOrg:
    """Apply a validated org directory idempotently, in one transaction, with an audit entry
    when anything changed (a re-import of the same file changes and records nothing)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, directory: OrgDirectory, actor: str = SYSTEM_ACTOR) -> ImportSummary:
        now = self._clock.now()
        async with self._uow() as uow:
            summary = ImportSummary(await uow.org.sync(directory, now))
            if summary.changed:
                await uow.audit.append(
                    AuditEvent(
                        actor=actor,
                        action="org.imported",
                        entity_type="org",
                        entity_id="directory",
                        new={
                            "created": dict(summary.counts.created),
                            "updated": dict(summary.counts.updated),
                            "deactivated": list(summary.counts.deactivated),
                        },
                    ),
                    now,
                )
            await uow.commit()
        return summary


class VerifyAuditChain:
    """Walk the whole audit chain and name the first broken entry, if any."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self) -> VerifyResult:
        async with self._uow() as uow:
            entries = [entry async for entry in uow.audit.iterate()]
        return verify_chain(entries)


class ListAdmins:
    """Active admins, whom failures of jobs and of the Bitrix24 sync are reported to."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self) -> list[PersonView]:
        async with self._uow() as uow:
            return [p for p in await uow.org.people_with_role(Role.ADMIN) if p.active]

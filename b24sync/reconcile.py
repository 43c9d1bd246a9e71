"""``viza b24 reconcile``: compare local state with Bitrix24, re-queue what differs.

Reconcile runs a list of :class:`ReconcileCheck`\\ s, each answering one question and
repairing through the outbox (never by calling Bitrix24 writes itself):

- :class:`DeadLetterCheck` - messages that went dead never arrived: make them pending;
- :class:`CrmItemCheck` - for a CRM-item kind, every entity's latest delivered state must
  be found on the portal by our local id with the same field values; a missing or changed
  item gets its latest payload queued again;
- :class:`PeopleCheck` - people and unit heads against ``user.get``/``department.get``
  (Bitrix24 is the source there, so the repair is applying the org sync).

Notifications cannot be read back over REST, so for them only dead letters are checked.
Handler modules add checks for their kinds by exporting ``CHECKS`` (see
:mod:`b24sync.delivery`); the register mirror plugs in that way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from services.b24_ports import CRM_UPSERT_KIND
from services.outbox_ports import NewOutboxMessage, OutboxMessage, OutboxStore
from services.ports import Clock
from services.register_mirror import RegisterSnapshot

from .batch import MAX_COMMANDS
from .client import Bitrix24Client
from .delivery import handler_modules
from .org_sync import OrgSync
from .paging import page_items


@dataclass(frozen=True)
class ReconcileContext:
    """What checks work with; ``registers`` reads the stored registers (for the register
    mirror's check, see ``b24sync.handlers_registers``), when the caller has a database."""

    client: Bitrix24Client
    store: OutboxStore
    clock: Clock
    registers: RegisterSnapshot | None = None


@dataclass(frozen=True)
class CheckReport:
    """``checked`` things compared, ``drift`` found different, ``requeued`` outbox ids."""

    name: str
    checked: int = 0
    drift: int = 0
    requeued: tuple[int, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


class ReconcileCheck(Protocol):
    @property
    def name(self) -> str: ...

    async def run(self, ctx: ReconcileContext) -> CheckReport: ...


class DeadLetterCheck:
    name = "dead letters"

    async def run(self, ctx: ReconcileContext) -> CheckReport:
        ids = await ctx.store.requeue_dead(ctx.clock.now())
        return CheckReport(self.name, checked=len(ids), drift=len(ids), requeued=tuple(ids))


class CrmItemCheck:
    """Items of ``kind`` (payloads shaped like ``b24.crm.upsert``) against the portal."""

    def __init__(self, kind: str = CRM_UPSERT_KIND) -> None:
        self.kind = kind
        self.name = f"crm items ({kind})"

    async def run(self, ctx: ReconcileContext) -> CheckReport:
        latest = await ctx.store.latest_delivered(self.kind)
        drifted: list[OutboxMessage] = []
        for start in range(0, len(latest), MAX_COMMANDS):
            chunk = latest[start : start + MAX_COMMANDS]
            found = await ctx.client.batch(
                {f"e{n}": _lookup(m.payload) for n, m in enumerate(chunk)}, idempotent=True
            )
            for n, message in enumerate(chunk):
                items = page_items(found.get(f"e{n}"))
                if not items or not _same(message.payload["fields"], items[0]):
                    drifted.append(message)
        ids = await ctx.store.enqueue([_again(m) for m in drifted], ctx.clock.now())
        return CheckReport(self.name, len(latest), len(drifted), tuple(ids))


class PeopleCheck:
    """People and unit heads; with ``repair`` the org sync is applied."""

    name = "people"

    def __init__(self, sync: OrgSync, *, repair: bool = True) -> None:
        self._sync, self._repair = sync, repair

    async def run(self, ctx: ReconcileContext) -> CheckReport:
        changes = await self._sync(dry_run=not self._repair)
        drift = len(changes.created) + len(changes.updated) + len(changes.deactivated)
        notes = (*(f"руководитель: {h}" for h in changes.heads), *changes.warnings)
        return CheckReport(self.name, drift=drift + len(changes.heads), notes=notes)


def discovered_checks() -> list[ReconcileCheck]:
    """The ``CHECKS`` of every ``b24sync.handlers_*`` module."""
    return [check for module in handler_modules() for check in getattr(module, "CHECKS", ())]


async def reconcile(ctx: ReconcileContext, checks: Sequence[ReconcileCheck]) -> list[CheckReport]:
    """Run the checks in order (dead letters first, so re-queued messages are not counted
    as drift again)."""
    return [await check.run(ctx) for check in checks]


def _lookup(payload: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    return (
        "crm.item.list",
        {
            "entityTypeId": int(payload["entity_type_id"]),
            "filter": {str(payload["local_id_field"]): str(payload["local_id"])},
            "select": ["*"],
            "order": {"id": "ASC"},
        },
    )


def _same(wanted: Mapping[str, Any], item: Mapping[str, Any]) -> bool:
    by_name = {str(key).lower(): value for key, value in item.items()}
    return all(_text(by_name.get(key.lower())) == _text(value) for key, value in wanted.items())


def _text(value: Any) -> str:
    """A field value as the portal echoes it back (numbers compared by value)."""
    if isinstance(value, bool):
        return "Y" if value else "N"
    text = "" if value is None else str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return format(number.normalize(), "f") if number.is_finite() else text


def _again(message: OutboxMessage) -> NewOutboxMessage:
    return NewOutboxMessage(message.entity_type, message.entity_id, message.kind, message.payload)

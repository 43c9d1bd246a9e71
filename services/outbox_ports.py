"""The transactional outbox (PRODUCT §6, ARCHITECTURE rule 7): ports and messages.

A use case that changes something Bitrix24 mirrors writes an outbox message through
``uow.outbox`` in the same transaction as the change; the relay (``b24sync.relay``)
delivers it later through :class:`OutboxStore`. Nothing calls Bitrix24 inline.

Invariants the adapters keep:

- a message is ``pending`` -> ``in_flight`` (claimed, under a lease) -> ``done`` or back to
  ``pending`` (retry at ``next_attempt_at``) or ``dead`` (attempts used up, or an error
  that no retry can fix);
- messages of one entity (``entity_type``, ``entity_id``) are delivered in ``id`` order: a
  message is claimable only while no earlier message of its entity is pending or in flight
  (a dead one does not hold the others back: it has alerted the admins and waits for
  ``viza b24 reconcile``);
- a claimed message belongs to one relay (its ``owner`` token) until the lease ends; only
  the owner's outcome is recorded, so two relays never both record a delivery.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from services.ports import UnitOfWork


class OutboxStatus(StrEnum):
    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    DEAD = "dead"


@dataclass(frozen=True)
class NewOutboxMessage:
    """What a use case asks to be delivered. ``payload`` must be JSON-able; its shape is
    the handler's of ``kind`` (see ``b24sync.handlers_*``)."""

    entity_type: str
    entity_id: str
    kind: str
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboxMessage:
    """A stored message as the relay sees it.

    ``attempts`` counts claims, this one included. ``entity_remote_id`` is the Bitrix24 id
    the latest delivered message of the same entity returned (``None`` if none did yet).
    """

    id: int
    entity_type: str
    entity_id: str
    kind: str
    payload: Mapping[str, Any]
    status: OutboxStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    last_error: str | None = None
    remote_id: str | None = None
    entity_remote_id: str | None = None


@dataclass(frozen=True)
class Delivered:
    """The message arrived; ``remote_id`` is the Bitrix24 id it made or touched, if any."""

    id: int
    remote_id: str | None = None


@dataclass(frozen=True)
class Retry:
    """The attempt failed; try again at ``at``."""

    id: int
    error: str
    at: datetime


@dataclass(frozen=True)
class Dead:
    """Give up: attempts used up, or an error no retry can fix. Admins are alerted."""

    id: int
    error: str


Outcome = Delivered | Retry | Dead


class Outbox(Protocol):
    """The write side, bound to a use case's transaction (``uow.outbox``)."""

    async def add(self, message: NewOutboxMessage, now: datetime) -> int:
        """Store ``message`` as pending and due at ``now``; returns its id."""
        ...


class OutboxUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that can also write outbox messages."""

    @property
    def outbox(self) -> Outbox: ...


class OutboxStore(Protocol):
    """The relay's side. Each method is its own short transaction."""

    async def claim(
        self, owner: str, now: datetime, lease: timedelta, limit: int
    ) -> list[OutboxMessage]:
        """Take up to ``limit`` due messages (at most one per entity, oldest first) for
        ``owner`` until ``now + lease``; also takes messages whose lease has run out."""
        ...

    async def finish(self, owner: str, now: datetime, outcomes: Sequence[Outcome]) -> int:
        """Record outcomes of messages ``owner`` still holds; returns how many it recorded
        (a message whose lease passed to another relay is left alone)."""
        ...

    async def enqueue(self, messages: Sequence[NewOutboxMessage], now: datetime) -> list[int]:
        """Add messages outside any use case (reconcile re-queues drift this way)."""
        ...

    async def requeue_dead(self, now: datetime, kinds: Sequence[str] | None = None) -> list[int]:
        """Make dead messages pending again with fresh attempts; returns their ids."""
        ...

    async def latest_delivered(self, kind: str) -> list[OutboxMessage]:
        """The newest delivered message of each entity that has messages of ``kind``."""
        ...

    async def counts(self) -> dict[OutboxStatus, int]:
        """How many messages are in each status."""
        ...

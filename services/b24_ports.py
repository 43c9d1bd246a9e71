"""What use cases put into the outbox for Bitrix24, and the alert port of the relay.

The message kinds and their payload shapes are defined here, where use cases build them;
``b24sync.handlers_*`` deliver them. A payload carries everything its delivery needs
(Bitrix24 ids, field names from config at the time of the change), so a queued message
does not depend on later config changes.

Notifications in Bitrix24 (PRODUCT §6, §2): a person who has not linked Telegram, or has
blocked the bot, is told through ``im.notify.system.add``. A use case that already holds a
unit of work calls :func:`enqueue_bitrix_notice` inside it; the Telegram side, finding the
bot blocked, calls the :class:`NotifyInBitrix24` use case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from services.outbox_ports import NewOutboxMessage, Outbox, OutboxUnitOfWork
from services.ports import Clock, PersonView

NOTIFY_KIND = "b24.notify"
CRM_UPSERT_KIND = "b24.crm.upsert"
MAX_NOTICE_CHARS = 4000  # Bitrix24 keeps long notifications, but nobody reads past this


def notice_message(
    bitrix_user_id: int, text: str, *, person_id: int | None = None, tag: str | None = None
) -> NewOutboxMessage:
    """A system notification to a Bitrix24 user.

    Payload: ``user_id`` (Bitrix24 id), ``message`` (BB-code text), ``tag`` (optional:
    Bitrix24 replaces an earlier notification with the same tag, which also makes a resent
    notification replace itself instead of appearing twice; the relay uses the message id
    when none is given). Ordered per person.
    """
    if bitrix_user_id <= 0:
        raise ValueError("a Bitrix24 user id is positive")
    if not text.strip():
        raise ValueError("an empty notification")
    payload: dict[str, Any] = {"user_id": bitrix_user_id, "message": text[:MAX_NOTICE_CHARS]}
    if tag:
        payload["tag"] = tag
    entity = str(person_id) if person_id is not None else f"b24-{bitrix_user_id}"
    return NewOutboxMessage("person", entity, NOTIFY_KIND, payload)


def crm_upsert_message(
    entity_type: str,
    entity_id: str,
    *,
    entity_type_id: int,
    local_id_field: str,
    fields: Mapping[str, Any],
) -> NewOutboxMessage:
    """Create or update one CRM item (a smart-process item) so that it holds ``fields``.

    The item is found by ``local_id_field`` = ``"<entity_type>:<entity_id>"`` (our id,
    stored in a field of the item), so a create repeated after a timeout finds the first
    one instead of making a duplicate. Ordered per (entity_type, entity_id).
    """
    payload = {
        "entity_type_id": entity_type_id,
        "local_id_field": local_id_field,
        "local_id": f"{entity_type}:{entity_id}",
        "fields": dict(fields),
    }
    return NewOutboxMessage(entity_type, entity_id, CRM_UPSERT_KIND, payload)


def wants_bitrix_notice(person: PersonView, *, telegram_blocked: bool = False) -> bool:
    """Whether ``person`` is reached through Bitrix24: active, known there, and without a
    working Telegram link."""
    reachable = person.telegram_user_id is not None and not telegram_blocked
    return person.active and person.bitrix_id is not None and not reachable


async def enqueue_bitrix_notice(
    outbox: Outbox, person: PersonView, text: str, now: datetime, *, tag: str | None = None
) -> int | None:
    """Queue ``text`` for ``person`` in Bitrix24 inside the caller's transaction; ``None``
    when the person has no Bitrix24 id."""
    if person.bitrix_id is None:
        return None
    message = notice_message(person.bitrix_id, text, person_id=person.id, tag=tag)
    return await outbox.add(message, now)


class NotifyInBitrix24:
    """Queue a Bitrix24 notification for a person (e.g. after Telegram said the bot is
    blocked). Returns the outbox id, or ``None`` if the person is unknown, inactive or has
    no Bitrix24 id."""

    def __init__(self, uow: Callable[[], OutboxUnitOfWork], clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, person_id: int, text: str, *, tag: str | None = None) -> int | None:
        now = self._clock.now()
        async with self._uow() as uow:
            person = await uow.org.person_by_id(person_id)
            if person is None or not person.active:
                return None
            queued = await enqueue_bitrix_notice(uow.outbox, person, text, now, tag=tag)
            await uow.commit()
        return queued


@dataclass(frozen=True)
class DeadLetter:
    """A message the relay gave up on."""

    message_id: int
    kind: str
    entity_type: str
    entity_id: str
    attempts: int
    error: str


class SyncAlerts(Protocol):
    """Tells the admins about sync failures (the bot implements it with Telegram)."""

    async def dead_letters(self, letters: Sequence[DeadLetter]) -> None: ...

"""Linking a Telegram account to a person of the org (PRODUCT §2): one-time invites and
shared contacts. Pre-links from the org file are made by the org import."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from domain.audit import SYSTEM_ACTOR
from domain.errors import N_, UnknownPersonError
from domain.phone import normalize_phone
from domain.roles import Role
from services.batches import Batches
from services.errors import ContactRefused, InviteRefused, NotAllowed
from services.ports import AuditEvent, Clock, PersonView, UnitOfWork, UnitOfWorkFactory


def token_digest(token: str) -> str:
    """Only the digest of an invite token is stored: a database leak reveals no live link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedInvite:
    person: PersonView
    token: str
    link: str | None


class CreateInvite:
    """An admin (in the bot) or the operator (CLI, ``by=None``) makes a single-use,
    expiring deep-link invite for an active person."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ttl_hours: int) -> None:
        self._uow, self._clock, self._ttl_hours = uow, clock, ttl_hours

    async def __call__(
        self, person: str | int, by: PersonView | None, bot_username: str | None
    ) -> IssuedInvite:
        if by is not None and not (by.active and by.has(Role.ADMIN)):
            raise NotAllowed(N_("Приглашения создаёт только администратор."))
        token = secrets.token_urlsafe(24)
        now = self._clock.now()
        async with self._uow() as uow:
            found = await (
                uow.org.person_by_id(person)
                if isinstance(person, int)
                else uow.org.person_by_code(person)
            )
            if found is None or not found.active:
                raise UnknownPersonError(str(person))
            invite = await uow.invites.add(
                token_digest(token),
                found.id,
                by.code if by else SYSTEM_ACTOR,
                now,
                self._ttl_hours,
            )
            await uow.audit.append(
                AuditEvent(
                    by.code if by else SYSTEM_ACTOR,
                    "invite.created",
                    "person",
                    found.code,
                    new={"invite_id": invite.id, "expires_at": invite.expires_at},
                ),
                now,
            )
            await uow.commit()
        link = f"https://t.me/{bot_username}?start={token}" if bot_username else None
        return IssuedInvite(found, token, link)


class LinkByInvite:
    """Spend an invite token from a ``/start <token>`` deep link."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, telegram_user_id: int, token: str) -> PersonView:
        now = self._clock.now()
        async with self._uow() as uow:
            invite = await uow.invites.by_token(token_digest(token))
            if invite is None:
                raise InviteRefused(N_("Приглашение не найдено. Попросите администратора новое."))
            if invite.used_at is not None:
                raise InviteRefused(N_("Это приглашение уже использовано. Попросите новое."))
            if invite.expires_at <= now:
                raise InviteRefused(N_("Срок действия приглашения истёк. Попросите новое."))
            if not await uow.invites.mark_used(invite.id, telegram_user_id, now):
                raise InviteRefused(N_("Это приглашение уже использовано. Попросите новое."))
            person = await _link(uow, invite.person_id, telegram_user_id, "invite", now)
            await uow.commit()
        return person


class LinkByContact:
    """Link by a shared contact: only the sender's own contact, matching one active person."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(
        self, telegram_user_id: int, contact_user_id: int | None, phone: str
    ) -> PersonView:
        if contact_user_id != telegram_user_id:
            raise ContactRefused(
                N_(
                    "Это не ваш контакт. Нажмите кнопку «Поделиться номером» — "
                    "бот примет только ваш собственный номер."
                )
            )
        normalized = normalize_phone(phone)
        now = self._clock.now()
        async with self._uow() as uow:
            matches = await uow.org.active_people_by_phone(normalized)
            if len(matches) != 1:
                raise ContactRefused(
                    N_(
                        "Номер не найден в справочнике сотрудников. Обратитесь к "
                        "администратору за приглашением."
                    )
                )
            person = await _link(uow, matches[0].id, telegram_user_id, "contact", now)
            await uow.commit()
        return person


async def _link(
    uow: UnitOfWork, person_id: int, telegram_user_id: int, method: str, now: datetime
) -> PersonView:
    person = await uow.org.person_by_id(person_id)
    if person is None or not person.active:
        raise InviteRefused(N_("Сотрудник отключён в справочнике. Обратитесь к администратору."))
    previous = await uow.links.telegram_of(person_id)
    await uow.links.link(person_id, telegram_user_id, method, now)
    await uow.audit.append(
        AuditEvent(
            actor=person.code,
            action="telegram.linked",
            entity_type="person",
            entity_id=person.code,
            old={"telegram_user_id": previous} if previous is not None else None,
            new={"telegram_user_id": telegram_user_id, "method": method},
        ),
        now,
    )
    return replace(person, telegram_user_id=telegram_user_id)


class IdentifyUser:
    """Who is behind a Telegram account: the linked person (active or not), or None.

    Every update asks this. The updates of one account that arrive while its lookup runs
    share the next lookup (``Batches``): a director's burst of taps costs two lookups,
    not one per tap, and each still sees the directory as it is after the tap arrived."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow
        self._lookups: Batches[int, None, PersonView | None] = Batches(self._look_up)

    async def __call__(self, telegram_user_id: int) -> PersonView | None:
        return await self._lookups(telegram_user_id, None)

    async def _look_up(
        self, telegram_user_id: int, asking: list[None]
    ) -> Sequence[PersonView | Exception | None]:
        async with self._uow() as uow:
            return [await uow.org.person_by_telegram(telegram_user_id)] * len(asking)


class SearchPeople:
    """Active people whose full name contains every word of the query (any case, ё = е)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, query: str, limit: int = 10) -> list[PersonView]:
        words = _folded(query).split()
        if not words:
            return []
        async with self._uow() as uow:
            people = await uow.org.active_people()
        found = [p for p in people if all(w in _folded(p.full_name) for w in words)]
        return found[:limit]


def _folded(text: str) -> str:
    return text.casefold().replace("ё", "е")


class MarkBlocked:
    """Remember that a person blocked the bot (403), or that they came back."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, telegram_user_id: int, *, blocked: bool) -> None:
        async with self._uow() as uow:
            await uow.links.mark_blocked(telegram_user_id, self._clock.now() if blocked else None)
            await uow.commit()

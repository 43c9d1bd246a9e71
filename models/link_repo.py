"""Telegram links and one-time invites."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from models.tables import Invite, TelegramLink
from services.ports import InviteRecord


class SqlLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def person_for(self, telegram_user_id: int) -> int | None:
        return await self._session.scalar(
            select(TelegramLink.person_id).where(
                col(TelegramLink.telegram_user_id) == telegram_user_id
            )
        )

    async def telegram_of(self, person_id: int) -> int | None:
        return await self._session.scalar(
            select(TelegramLink.telegram_user_id).where(col(TelegramLink.person_id) == person_id)
        )

    async def link(
        self, person_id: int, telegram_user_id: int, method: str, now: datetime
    ) -> None:
        """Make this the person's only account and this account the person's only link."""
        await self._session.execute(
            delete(TelegramLink).where(
                (col(TelegramLink.person_id) == person_id)
                | (col(TelegramLink.telegram_user_id) == telegram_user_id)
            )
        )
        self._session.add(
            TelegramLink(
                person_id=person_id,
                telegram_user_id=telegram_user_id,
                method=method,
                linked_at=now,
            )
        )
        await self._session.flush()

    async def mark_blocked(self, telegram_user_id: int, now: datetime | None) -> None:
        await self._session.execute(
            update(TelegramLink)
            .where(col(TelegramLink.telegram_user_id) == telegram_user_id)
            .values(blocked_at=now)
        )


class SqlInviteRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, token_sha256: str, person_id: int, created_by: str, now: datetime, ttl_hours: int
    ) -> InviteRecord:
        invite = Invite(
            token_sha256=token_sha256,
            person_id=person_id,
            created_by=created_by,
            created_at=now,
            expires_at=now + timedelta(hours=ttl_hours),
        )
        self._session.add(invite)
        await self._session.flush()
        return _record(invite)

    async def by_token(self, token_sha256: str) -> InviteRecord | None:
        invite = await self._session.scalar(
            select(Invite).where(Invite.token_sha256 == token_sha256)
        )
        return _record(invite) if invite else None

    async def mark_used(self, invite_id: int, telegram_user_id: int, now: datetime) -> bool:
        """Spend the invite; False when someone else spent it first (single use)."""
        result = await self._session.execute(
            update(Invite)
            .where(col(Invite.id) == invite_id, col(Invite.used_at).is_(None))
            .values(used_at=now, used_by_telegram_id=telegram_user_id)
        )
        return bool(cast(CursorResult[Any], result).rowcount)


def _record(invite: Invite) -> InviteRecord:
    assert invite.id is not None
    return InviteRecord(
        id=invite.id,
        person_id=invite.person_id,
        expires_at=invite.expires_at,
        used_at=invite.used_at,
    )

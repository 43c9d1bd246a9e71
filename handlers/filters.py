"""Router filters. Routers that serve the org's business are closed to unlinked and
deactivated users with ``members_only``; the fallback router then tells them how to link."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import TelegramObject

from services.ports import PersonView


class ActivePerson(Filter):
    """Passes only events from a linked, active person of the org."""

    async def __call__(self, event: TelegramObject, person: PersonView | None = None) -> bool:
        return person is not None and person.active


def members_only(router: Router) -> Router:
    """Close every message and callback handler of ``router`` to non-members."""
    router.message.filter(ActivePerson())
    router.callback_query.filter(ActivePerson())
    return router

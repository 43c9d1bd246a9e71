"""One error router: domain errors become their Russian message; anything else is logged
with context and the user gets a short apology. The bot goes on either way."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, Message
from aiogram.utils.i18n import I18n

from domain.errors import DomainError
from handlers import views

log = logging.getLogger("viza.handlers")


def router() -> Router:
    r = Router(name="errors")
    r.errors.register(domain_error, ExceptionTypeFilter(DomainError))
    r.errors.register(unexpected_error)
    return r


async def domain_error(event: ErrorEvent) -> None:
    assert isinstance(event.exception, DomainError)
    await _tell(event, views.refused(event.exception.message))


async def unexpected_error(event: ErrorEvent, i18n_core: I18n) -> None:
    update = event.update
    user = update.event.from_user if hasattr(update.event, "from_user") else None
    log.error(
        "unhandled error in update %s (type %s, user %s)",
        update.update_id,
        update.event_type,
        getattr(user, "id", None),
        exc_info=event.exception,
    )
    # The failure may have come before the language middleware ran (e.g. the database is
    # down while identifying the user): render the apology in a context of our own.
    with i18n_core.context():
        text = views.unexpected_error()
    await _tell(event, text)


async def _tell(event: ErrorEvent, text: str) -> None:
    try:
        if event.update.callback_query is not None:
            await event.update.callback_query.answer(text[:200], show_alert=True)
        elif isinstance(event.update.message, Message):
            await event.update.message.answer(text)
    except Exception:  # the apology itself must never take the bot down
        log.exception(
            "could not tell the user about an error in update %s", event.update.update_id
        )

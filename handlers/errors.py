"""One error router: a domain error becomes its message in the reader's language; anything
else is logged with context and the user gets a short apology. The bot goes on either way.

The router runs after the language middleware's context has closed (and, when identifying
the user failed, without it): it renders in a context of its own, in the ``locale`` the
middleware chose for the update, or the default one if it never ran."""

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


async def domain_error(event: ErrorEvent, i18n_core: I18n, locale: str | None = None) -> None:
    assert isinstance(event.exception, DomainError)
    with i18n_core.context(), i18n_core.use_locale(locale or i18n_core.default_locale):
        text = views.refused(event.exception)
    await _tell(event, text)


async def unexpected_error(event: ErrorEvent, i18n_core: I18n, locale: str | None = None) -> None:
    update = event.update
    user = update.event.from_user if hasattr(update.event, "from_user") else None
    log.error(
        "unhandled error in update %s (type %s, user %s)",
        update.update_id,
        update.event_type,
        getattr(user, "id", None),
        exc_info=event.exception,
    )
    with i18n_core.context(), i18n_core.use_locale(locale or i18n_core.default_locale):
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

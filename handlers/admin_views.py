"""Texts for the admins: failures of the Bitrix24 sync and of scheduled jobs."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from aiogram.utils.i18n import gettext as _

from services.b24_ports import DeadLetter

SHOWN = 10


def dead_letters(letters: Sequence[DeadLetter]) -> str:
    head = _(
        "⚠️ <b>Bitrix24: не доставлено сообщений — {count}.</b>\n"
        "Они остановлены после всех попыток; после устранения причины запустите "
        "<code>viza b24 reconcile</code>."
    ).format(count=len(letters))
    lines = [
        _("• {kind} {entity} (попыток: {attempts}): {error}").format(
            kind=escape(letter.kind),
            entity=escape(f"{letter.entity_type}#{letter.entity_id}"),
            attempts=letter.attempts,
            error=escape(letter.error[:200]),
        )
        for letter in letters[:SHOWN]
    ]
    if len(letters) > SHOWN:
        lines.append(_("…и ещё {count}").format(count=len(letters) - SHOWN))
    return "\n".join([head, *lines])


def job_failed(job: str, error: str) -> str:
    return _("⚠️ <b>Задание «{job}» завершилось с ошибкой:</b> {error}").format(
        job=escape(job), error=escape(error[:500])
    )

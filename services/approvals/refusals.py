"""Refusals of a move confirmed or tapped on a card that no longer shows the register as
it is: a confirmation given on an older version, a decision button of an earlier stage or
round. Both are checked under the register's lock, in the move's own transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.errors import N_
from domain.register_route import Stage
from services.errors import NotAllowed

if TYPE_CHECKING:
    from services.approvals.base import Loaded


class StaleConfirmation(NotAllowed):
    """A confirmation («Одобрить все оставшиеся», «Отозвать реестр») was given on a card
    that has changed since."""


def require_version(loaded: Loaded, expected_version: int) -> None:
    """Checked under the register's lock, so nothing changes between check and move."""
    if loaded.approval.version != expected_version:
        raise StaleConfirmation(
            N_("Пока вы подтверждали, реестр изменился. Проверьте карточку ещё раз.")
        )


class StaleCard(NotAllowed):
    """A decision button of a card showing an earlier stage or round of the register."""


Seen = tuple[int, Stage]  # the (round, stage) a card showed when its button was made


def stale_card(loaded: Loaded, seen: Seen | None) -> StaleCard | None:
    """A tap means what its card showed: a ✅ / ❌ / «Отправить дальше» from a card of an
    earlier stage or round (an old message of the same person) must not act on the
    register's present one."""
    approval = loaded.approval
    if seen is None or seen == (approval.round, approval.stage):
        return None
    return StaleCard(
        N_(
            "Эта кнопка — со старой карточки: реестр с тех пор перешёл на другой этап или был "
            "отправлен заново. Проверьте обновлённую карточку."
        )
    )

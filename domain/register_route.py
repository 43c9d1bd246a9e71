"""The approval route of a payment register as data (PRODUCT §3 «Approval route»).

A route is an ordered tuple of stages. The default is dc_director -> chief_accountant ->
finance_director -> general_director; a DC may have its own route in config (e.g. a DC
without a director of its own goes to the department director first). The general
director's stage applies only to items at or above the threshold; an item skips every
stage that does not apply to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.errors import DomainError
from domain.org_model import Substitute
from domain.roles import Role


class Stage(StrEnum):
    """A stage of the route; its value is the role that decides at it."""

    DC_DIRECTOR = "dc_director"
    DEPARTMENT_DIRECTOR = "department_director"
    CHIEF_ACCOUNTANT = "chief_accountant"
    FINANCE_DIRECTOR = "finance_director"
    GENERAL_DIRECTOR = "general_director"

    @property
    def role(self) -> Role:
        return Role(self.value)

    @property
    def scoped_to_dc(self) -> bool:
        """Decided by the DC's own director or its department's director, not by any holder
        of a company role."""
        return self in (Stage.DC_DIRECTOR, Stage.DEPARTMENT_DIRECTOR)


DEFAULT_ROUTE: tuple[Stage, ...] = (
    Stage.DC_DIRECTOR,
    Stage.CHIEF_ACCOUNTANT,
    Stage.FINANCE_DIRECTOR,
    Stage.GENERAL_DIRECTOR,
)
HOME_CURRENCY = "RUB"


class RouteError(DomainError):
    """A route that cannot work (empty, repeated stage)."""


def parse_route(names: Iterable[str]) -> tuple[Stage, ...]:
    """A route from config names; refuses unknown, repeated or no stages."""
    stages: list[Stage] = []
    for name in names:
        try:
            stage = Stage(name)
        except ValueError:
            known = ", ".join(s.value for s in Stage)
            raise RouteError(f"Неизвестный этап «{name}»; допустимые: {known}.") from None
        if stage in stages:
            raise RouteError(f"Этап «{name}» указан в маршруте дважды.")
        stages.append(stage)
    if not stages:
        raise RouteError("Маршрут согласования пуст.")
    return tuple(stages)


@dataclass(frozen=True)
class RoutePolicy:
    """Which stages a register of a DC goes through, and which items each stage sees.

    Invariants: every route is non-empty without repeats; ``ceo_threshold`` > 0. Items in a
    currency other than RUB cannot be compared with the threshold, so they always go to the
    general director as well (the cautious reading).
    """

    ceo_threshold: Decimal
    default: tuple[Stage, ...] = DEFAULT_ROUTE
    overrides: Mapping[str, tuple[Stage, ...]] = field(default_factory=dict)

    def route_for(self, dc_code: str) -> tuple[Stage, ...]:
        return self.overrides.get(dc_code, self.default)

    def applies(self, stage: Stage, amount: Decimal, currency: str = HOME_CURRENCY) -> bool:
        if stage is not Stage.GENERAL_DIRECTOR:
            return True
        return currency != HOME_CURRENCY or amount >= self.ceo_threshold

    def item_stages(
        self, route: Sequence[Stage], amount: Decimal, currency: str = HOME_CURRENCY
    ) -> tuple[Stage, ...]:
        """The stages an item of ``amount`` goes through, in route order."""
        return tuple(stage for stage in route if self.applies(stage, amount, currency))


def stages_of(route: Sequence[Stage], *, goes_to_ceo: bool) -> tuple[Stage, ...]:
    """An item's stages when whether it reaches the general director is already known
    (stored at upload, so a later change of the threshold does not move items)."""
    return tuple(s for s in route if goes_to_ceo or s is not Stage.GENERAL_DIRECTOR)


def decides_items(route: Sequence[Stage], stage: Stage | None) -> tuple[bool, bool]:
    """Whether ``stage`` decides items that do not go to the general director, and whether
    it decides those that do: the same rule as `stages_of`, for a query over many items."""
    return tuple(  # type: ignore[return-value]
        stage is not None and stage in stages_of(route, goes_to_ceo=ceo) for ceo in (False, True)
    )


@dataclass(frozen=True)
class ActingAs:
    """Who decides and for whom: ``on_behalf_of`` is set when a substitute acts."""

    person: str
    on_behalf_of: str | None = None


def resolve_actor(
    actor: str, holders: Sequence[str], substitutes: Sequence[Substitute], day: date
) -> ActingAs | None:
    """May ``actor`` decide for a stage whose approvers are ``holders`` on ``day``?

    A holder who is not away acts as themselves; a holder who is away is replaced by their
    substitute (chains followed, cycles leave the holder in place), who acts «за» them. A
    person who is both acts as themselves. None: the actor may not decide.
    """
    acting: ActingAs | None = None
    for holder in holders:
        assignee = _effective(holder, substitutes, day)
        if assignee == actor and holder == actor:
            return ActingAs(actor)
        if assignee == actor and acting is None:
            acting = ActingAs(actor, holder)
    return acting


def _effective(code: str, substitutes: Sequence[Substitute], day: date) -> str:
    current, seen = code, {code}
    while (sub := _away(current, substitutes, day)) is not None:
        current = sub.substitute
        if current in seen:
            return code
        seen.add(current)
    return current


def _away(code: str, substitutes: Sequence[Substitute], day: date) -> Substitute | None:
    return next((s for s in substitutes if s.person == code and s.covers(day)), None)

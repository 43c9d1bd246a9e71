"""Who approves a memo: the final-approver rule, the suggested intermediate approvers, and
the checked route the dialog previews and the memo follows (PRODUCT §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import N_
from domain.memo_errors import NoFinalApprover, RouteError
from domain.memo_states import StepKind
from domain.org_model import DealerCenter, OrgDirectory
from domain.roles import Role

DEFAULT_MAX_APPROVERS = 4
"""How many intermediate approvers a chain may hold (`memos.max_approvers`); the final
approver(s) are not counted."""

ACCOUNTING_ROLES: frozenset[Role] = frozenset({Role.ACCOUNTANT, Role.CHIEF_ACCOUNTANT})
"""An executor holding one of these sends the memo to the finance director."""

_ROLE_PRIORITY = (
    Role.GENERAL_DIRECTOR,
    Role.FINANCE_DIRECTOR,
    Role.DEPARTMENT_DIRECTOR,
    Role.CHIEF_ACCOUNTANT,
    Role.DC_DIRECTOR,
    Role.ACCOUNTANT,
    Role.TREASURER,
    Role.ADMIN,
)


@dataclass(frozen=True)
class RouteStop:
    """One planned step: a person code, the step kind, and the role they approve in
    (None for a person who holds no role)."""

    person: str
    kind: StepKind
    role: Role | None


@dataclass(frozen=True)
class Route:
    """A checked approval chain: the intermediate stops in order, then the final stop(s).

    Invariants: at most ``max_approvers`` intermediate stops; no person appears twice; the
    author is never an intermediate stop; there is at least one final stop.
    """

    intermediate: tuple[RouteStop, ...]
    final: tuple[RouteStop, ...]

    @property
    def stops(self) -> tuple[RouteStop, ...]:
        """Every stop in the order the memo visits them."""
        return self.intermediate + self.final

    @property
    def people(self) -> tuple[str, ...]:
        """The person codes of every stop, in order."""
        return tuple(stop.person for stop in self.stops)


def primary_role(org: OrgDirectory, code: str) -> Role | None:
    """The most senior role ``code`` holds (general director first), or None."""
    roles = org.roles_of(code)
    return next((role for role in _ROLE_PRIORITY if role in roles), None)


def final_approvers(
    org: OrgDirectory, *, author: str, executor: str, with_general_director: bool
) -> tuple[RouteStop, ...]:
    """The final stop(s) of a memo, in order.

    The default final approver is the director of the author's department, or the finance
    director when the executor is an accountant or the chief accountant. With the toggle
    the general director approves after them. Nobody approves their own memo: when the
    author is the default final approver (or there is none, e.g. head office) the general
    director is final instead; a memo of the general director with no one else to approve
    it is approved by the general director alone.
    """
    org.person(author)
    stops: list[RouteStop] = []
    default = _default_final(org, author, executor)
    if default is not None and default.person != author:
        stops.append(default)
    general = _first_holder(org, Role.GENERAL_DIRECTOR)
    wanted = with_general_director or not stops
    taken = {s.person for s in stops}
    if (
        wanted
        and general is not None
        and general not in taken
        and (general != author or not stops)
    ):
        stops.append(RouteStop(general, StepKind.FINAL, Role.GENERAL_DIRECTOR))
    if not stops:
        raise NoFinalApprover(
            N_(
                "Не удалось определить итогового согласующего: в справочнике нет ни директора "
                "департамента автора, ни генерального директора."
            )
        )
    return tuple(stops)


def suggested_approvers(
    org: OrgDirectory, *, author: str, executor: str, with_general_director: bool = False
) -> tuple[str, ...]:
    """The intermediate approvers the dialog offers: the author's DC director, then the
    author's department director, leaving out the author, the final approver(s) and
    repeats."""
    try:
        finals = {
            stop.person
            for stop in final_approvers(
                org, author=author, executor=executor, with_general_director=with_general_director
            )
        }
    except NoFinalApprover:
        finals = set()
    home = _home_dealer_center(org, author)
    department = org.department_of(author)
    candidates = (
        home.director if home is not None else None,
        department.director if department is not None else None,
    )
    chosen: list[str] = []
    for person in candidates:
        if person and person != author and person not in finals and person not in chosen:
            chosen.append(person)
    return tuple(chosen)


def plan_route(
    org: OrgDirectory,
    *,
    author: str,
    executor: str,
    approvers: Sequence[str],
    with_general_director: bool,
    max_approvers: int = DEFAULT_MAX_APPROVERS,
) -> Route:
    """Check the chosen intermediate ``approvers`` and add the final stop(s).

    Raises `UnknownPersonError` for a code not in the directory and `RouteError` (with the
    Russian reason) for a chain that breaks the rules.
    """
    if max_approvers < 0:
        raise ValueError("max_approvers must be >= 0")
    org.person(executor)
    for code in approvers:
        org.person(code)
    final = final_approvers(
        org, author=author, executor=executor, with_general_director=with_general_director
    )
    _check_intermediate(org, author, approvers, final, max_approvers)
    intermediate = tuple(
        RouteStop(code, StepKind.INTERMEDIATE, primary_role(org, code)) for code in approvers
    )
    return Route(intermediate, final)


def _check_intermediate(
    org: OrgDirectory,
    author: str,
    approvers: Sequence[str],
    final: tuple[RouteStop, ...],
    max_approvers: int,
) -> None:
    if len(approvers) > max_approvers:
        raise RouteError(
            N_("Согласующих не может быть больше {limit} (итоговый согласующий не считается)."),
            limit=max_approvers,
        )
    if author in approvers:
        raise RouteError(N_("Автор не может быть согласующим своей записки."))
    finals = {stop.person for stop in final}
    seen: set[str] = set()
    for code in approvers:
        name = org.person(code).name
        if code in seen:
            raise RouteError(N_("{name} уже есть в цепочке согласования."), name=name)
        if code in finals:
            raise RouteError(
                N_("{name} согласует записку последним (итоговый согласующий)."), name=name
            )
        seen.add(code)


def _default_final(org: OrgDirectory, author: str, executor: str) -> RouteStop | None:
    if org.roles_of(executor) & ACCOUNTING_ROLES:
        finance = _first_holder(org, Role.FINANCE_DIRECTOR)
        if finance is None:
            return None
        return RouteStop(finance, StepKind.FINAL, Role.FINANCE_DIRECTOR)
    department = org.department_of(author)
    if department is None:
        return None
    return RouteStop(department.director, StepKind.FINAL, Role.DEPARTMENT_DIRECTOR)


def _first_holder(org: OrgDirectory, role: Role) -> str | None:
    holders = org.holders_of(role)
    return holders[0].code if holders else None


def _home_dealer_center(org: OrgDirectory, author: str) -> DealerCenter | None:
    """The author's DC: their home DC, else a DC they keep the books of, else one they run."""
    person = org.person(author)
    if person.dealer_center:
        return org.find_dealer_center(person.dealer_center)
    units = org.dealer_centers_of_accountant(author) + org.dealer_centers_directed_by(author)
    return units[0] if units else None

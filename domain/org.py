"""Parse and validate the org directory file (PRODUCT §2) into an `OrgDirectory`.

Every problem is collected (not just the first) and reported together in one
`OrgValidationError`, each naming the entry and the field in Russian.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from domain.errors import InvalidPhoneError, OrgValidationError
from domain.org_model import City, DealerCenter, Department, OrgDirectory, Person, Substitute
from domain.org_reader import Entry, OrgError, locate, quote, suggest, tables, zone_problem
from domain.phone import normalize_phone
from domain.roles import COMPANY_ROLES, Role

__all__ = [
    "City",
    "DealerCenter",
    "Department",
    "OrgDirectory",
    "OrgError",
    "Person",
    "Substitute",
    "load_org_toml",
    "parse_org",
]

T = TypeVar("T")
Located = list[tuple[str, T]]

TOP_LEVEL = "верхний уровень файла"
LANGUAGES = ("ru", "en")
_TOP_KEYS = ("timezone", "cities", "departments", "dealer_centers", "people", "substitutes")
_CITY_KEYS = ("code", "name", "timezone")
_DEPARTMENT_KEYS = ("code", "name", "director")
_DC_KEYS = ("code", "name", "city", "department", "director", "accountants")
_PERSON_KEYS = (
    "code", "name", "bitrix_id", "telegram_id", "phone", "roles", "language", "dealer_center",
)  # fmt: skip
_SUBSTITUTE_KEYS = ("person", "substitute", "from", "to")
_ROLE_BY_VALUE = {role.value: role for role in Role}
_ROLE_ORDER = tuple(role for role in Role if role in COMPANY_ROLES)


def load_org_toml(text: str) -> OrgDirectory:
    """Parse the text of an org file; a TOML syntax error is reported like any other."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise OrgValidationError(
            [OrgError(TOP_LEVEL, None, f"файл не является корректным TOML: {error}")]
        ) from error
    return parse_org(data)


def parse_org(data: Mapping[str, object]) -> OrgDirectory:
    """Validate ``data`` (as returned by `tomllib.loads`) and build the directory.

    Raises `OrgValidationError` listing every problem found.
    """
    errors: list[OrgError] = []
    timezone = _top_level(data, errors)
    parsed = _Sections(
        cities=_section(data, "cities", _city, errors),
        departments=_section(data, "departments", _department, errors),
        dealer_centers=_section(data, "dealer_centers", _dealer_center, errors),
        people=_section(data, "people", _person, errors),
        substitutes=_section(data, "substitutes", _substitute, errors, key="person"),
    )
    _check_unique_codes(parsed, errors)
    _check_people_unique(parsed.people, errors)
    _check_references(parsed, errors)
    _check_overlaps(parsed.substitutes, errors)
    if errors:
        raise OrgValidationError(errors)
    return OrgDirectory(
        timezone=timezone or "",
        cities=_values(parsed.cities),
        departments=_values(parsed.departments),
        dealer_centers=_values(parsed.dealer_centers),
        people=_values(parsed.people),
        substitutes=_values(parsed.substitutes),
    )


@dataclass(frozen=True)
class _Sections:
    """The entries read so far, each with how it is named in messages."""

    cities: Located[City]
    departments: Located[Department]
    dealer_centers: Located[DealerCenter]
    people: Located[Person]
    substitutes: Located[Substitute]


def _top_level(data: Mapping[str, object], errors: list[OrgError]) -> str | None:
    top = Entry(TOP_LEVEL, data, errors)
    top.check_keys(_TOP_KEYS)
    timezone = top.text("timezone")
    if timezone is not None and (problem := zone_problem(timezone)) is not None:
        top.fail("timezone", problem)
    return timezone


def _values(located: Located[T]) -> tuple[T, ...]:
    return tuple(item for _, item in located)


def _section(
    data: Mapping[str, object],
    section: str,
    read: Callable[[Entry], T | None],
    errors: list[OrgError],
    key: str = "code",
) -> Located[T]:
    located: Located[T] = []
    for index, table in enumerate(tables(data, section, errors), start=1):
        entry = Entry(locate(section, index, table, key), table, errors)
        item = read(entry)
        if item is not None:
            located.append((entry.where, item))
    return located


# --- entries ---------------------------------------------------------------------------


def _city(entry: Entry) -> City | None:
    entry.check_keys(_CITY_KEYS)
    code, name, zone = entry.code("code"), entry.text("name"), entry.text("timezone")
    if zone is not None and (problem := zone_problem(zone)) is not None:
        entry.fail("timezone", problem)
    return City(code, name or "", zone or "") if code else None


def _department(entry: Entry) -> Department | None:
    entry.check_keys(_DEPARTMENT_KEYS)
    code, name, director = entry.code("code"), entry.text("name"), entry.code("director")
    return Department(code, name or "", director or "") if code else None


def _dealer_center(entry: Entry) -> DealerCenter | None:
    entry.check_keys(_DC_KEYS)
    code, name = entry.code("code"), entry.text("name")
    city, department = entry.code("city"), entry.code("department")
    director, accountants = entry.code("director"), entry.text_list("accountants")
    if not code:
        return None
    return DealerCenter(
        code, name or "", city or "", department or "", director or "", accountants
    )


def _person(entry: Entry) -> Person | None:
    entry.check_keys(_PERSON_KEYS)
    code, name = entry.code("code"), entry.text("name")
    bitrix_id, telegram_id = entry.positive_int("bitrix_id"), entry.positive_int("telegram_id")
    phone = _phone(entry)
    roles = _roles(entry)
    language = entry.text("language", required=False) or "ru"
    if language not in LANGUAGES:
        entry.fail("language", f"язык {quote(language)} не поддерживается; допустимые: ru, en")
    home = entry.code("dealer_center", required=False)
    if not code:
        return None
    return Person(code, name or "", bitrix_id, telegram_id, phone, roles, language, home)


def _phone(entry: Entry) -> str | None:
    raw = entry.text("phone", required=False)
    if raw is None:
        return None
    try:
        return normalize_phone(raw)
    except InvalidPhoneError as error:
        entry.fail("phone", f"номер {quote(raw)} не распознан: {error.why}")
        return None


def _roles(entry: Entry) -> frozenset[Role]:
    roles: set[Role] = set()
    allowed = ", ".join(_ROLE_ORDER)
    for value in entry.text_list("roles"):
        role = _ROLE_BY_VALUE.get(value)
        if role is None:
            hint = suggest(value, _ROLE_ORDER)
            entry.fail("roles", f"неизвестная роль {quote(value)}{hint}; допустимые: {allowed}")
        elif role not in COMPANY_ROLES:
            unit = "dealer_centers" if role is Role.DC_DIRECTOR else "departments"
            entry.fail("roles", f"роль {quote(value)} задаётся полем director в [[{unit}]]")
        else:
            roles.add(role)
    return frozenset(roles)


def _substitute(entry: Entry) -> Substitute | None:
    entry.check_keys(_SUBSTITUTE_KEYS)
    person, substitute = entry.code("person"), entry.code("substitute")
    start, end = entry.day("from"), entry.day("to")
    if person and substitute and person == substitute:
        entry.fail("substitute", "человек не может замещать сам себя")
    if start and end and start > end:
        entry.fail("from", f"начало {start.isoformat()} позже окончания {end.isoformat()}")
    if not (person and substitute and start and end):
        return None
    return Substitute(person, substitute, start, end)


# --- whole-file checks ---------------------------------------------------------------


def _check_unique(
    located: Located[T],
    key: Callable[[T], Hashable | None],
    field: str,
    errors: list[OrgError],
) -> None:
    seen: dict[Hashable, str] = {}
    for where, item in located:
        value = key(item)
        if value is None:
            continue
        if value in seen:
            errors.append(
                OrgError(where, field, f"{quote(value)} повторяется: уже указано в {seen[value]}")
            )
        else:
            seen[value] = where


def _check_people_unique(people: Located[Person], errors: list[OrgError]) -> None:
    _check_unique(people, lambda p: p.telegram_id, "telegram_id", errors)
    _check_unique(people, lambda p: p.bitrix_id, "bitrix_id", errors)
    _check_unique(people, lambda p: p.phone, "phone", errors)


def _check_unique_codes(parsed: _Sections, errors: list[OrgError]) -> None:
    _check_unique(parsed.cities, lambda unit: unit.code, "code", errors)
    _check_unique(parsed.departments, lambda unit: unit.code, "code", errors)
    _check_unique(parsed.dealer_centers, lambda unit: unit.code, "code", errors)
    _check_unique(parsed.people, lambda unit: unit.code, "code", errors)


def _check_references(parsed: _Sections, errors: list[OrgError]) -> None:
    people = {p.code for _, p in parsed.people}
    cities = {c.code for _, c in parsed.cities}
    departments = {d.code for _, d in parsed.departments}
    dealer_centers = {dc.code for _, dc in parsed.dealer_centers}

    def ref(where: str, field: str, value: str | None, known: set[str], what: str) -> None:
        if value and value not in known:
            hint = suggest(value, sorted(known))
            errors.append(OrgError(where, field, f"неизвестный {what} {quote(value)}{hint}"))

    for where, department in parsed.departments:
        ref(where, "director", department.director, people, "человек")
    for where, dc in parsed.dealer_centers:
        ref(where, "city", dc.city, cities, "город")
        ref(where, "department", dc.department, departments, "департамент")
        ref(where, "director", dc.director, people, "человек")
        for accountant in dc.accountants:
            ref(where, "accountants", accountant, people, "человек")
    for where, person in parsed.people:
        ref(where, "dealer_center", person.dealer_center, dealer_centers, "дилерский центр")
    for where, substitution in parsed.substitutes:
        ref(where, "person", substitution.person, people, "человек")
        ref(where, "substitute", substitution.substitute, people, "человек")


def _check_overlaps(substitutes: Located[Substitute], errors: list[OrgError]) -> None:
    ordered = sorted(substitutes, key=lambda pair: (pair[1].person, pair[1].from_date))
    for (earlier_where, earlier), (where, later) in itertools.pairwise(ordered):
        if earlier.person == later.person and later.from_date <= earlier.to_date:
            errors.append(
                OrgError(where, "from", f"период пересекается с замещением в {earlier_where}")
            )

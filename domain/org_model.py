"""The org directory as frozen data, with the questions the rest of the app asks of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from zoneinfo import ZoneInfo

from domain.errors import UnknownPersonError
from domain.phone import normalize_phone
from domain.roles import Role

# People the Bitrix24 org sync creates get codes of their own namespace: the sync owns
# them (their active flag follows Bitrix24), so the TOML import leaves them alone.
BITRIX_CODE_PREFIX = "b24-"


def bitrix_person_code(bitrix_id: int) -> str:
    return f"{BITRIX_CODE_PREFIX}{bitrix_id}"


def created_by_bitrix_sync(code: str) -> bool:
    return code.startswith(BITRIX_CODE_PREFIX)


@dataclass(frozen=True)
class City:
    """A city with its IANA time zone (valid by construction through `parse_org`)."""

    code: str
    name: str
    timezone: str


@dataclass(frozen=True)
class Department:
    """A department: several dealer centers under one director (a person code)."""

    code: str
    name: str
    director: str


@dataclass(frozen=True)
class DealerCenter:
    """A dealer center (DC): its city, department, director and accountants (person codes)."""

    code: str
    name: str
    city: str
    department: str
    director: str
    accountants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    """A person of the org. ``phone`` is E.164; ``roles`` are company-wide roles only (unit
    roles come from the units, see `OrgDirectory.roles_of`); ``language`` is 'ru' or 'en';
    ``dealer_center`` is the home DC of a person with no unit role, if given."""

    code: str
    name: str
    bitrix_id: int | None = None
    telegram_id: int | None = None
    phone: str | None = None
    roles: frozenset[Role] = frozenset()
    language: str = "ru"
    dealer_center: str | None = None


@dataclass(frozen=True)
class Substitute:
    """While ``person`` is away (``from_date``..``to_date`` inclusive, head-office dates),
    items addressed to them go to ``substitute``. Invariant: from_date <= to_date and
    person != substitute; one person's ranges never overlap."""

    person: str
    substitute: str
    from_date: date
    to_date: date

    def covers(self, day: date) -> bool:
        """True when ``day`` falls within the range (inclusive)."""
        return self.from_date <= day <= self.to_date


@dataclass(frozen=True)
class OrgDirectory:
    """A validated org directory (build it with `domain.org.parse_org`).

    Invariants: codes are unique per kind; every reference (city, department, director,
    accountant, home DC, substitute) names an existing entry; time zones are valid IANA
    names; telegram_id, bitrix_id and phone are unique among people.
    """

    timezone: str
    cities: tuple[City, ...] = ()
    departments: tuple[Department, ...] = ()
    dealer_centers: tuple[DealerCenter, ...] = ()
    people: tuple[Person, ...] = ()
    substitutes: tuple[Substitute, ...] = ()

    # --- lookups -----------------------------------------------------------------

    @cached_property
    def _people(self) -> dict[str, Person]:
        return {person.code: person for person in self.people}

    @property
    def head_office_zone(self) -> ZoneInfo:
        """The head office time zone: cutoffs are in this zone."""
        return ZoneInfo(self.timezone)

    def person(self, code: str) -> Person:
        """The person with ``code``; `UnknownPersonError` if there is none."""
        found = self._people.get(code)
        if found is None:
            raise UnknownPersonError(code)
        return found

    def find_person(self, code: str) -> Person | None:
        """The person with ``code``, or None."""
        return self._people.get(code)

    def person_by_telegram_id(self, telegram_id: int) -> Person | None:
        """The person pre-linked to ``telegram_id``, or None."""
        return next((p for p in self.people if p.telegram_id == telegram_id), None)

    def person_by_phone(self, phone: str) -> Person | None:
        """The person with this phone in any accepted spelling (raises `InvalidPhoneError`
        for a phone that is not a phone number)."""
        wanted = normalize_phone(phone)
        return next((p for p in self.people if p.phone == wanted), None)

    def find_city(self, code: str) -> City | None:
        """The city with ``code``, or None."""
        return next((c for c in self.cities if c.code == code), None)

    def find_department(self, code: str) -> Department | None:
        """The department with ``code``, or None."""
        return next((d for d in self.departments if d.code == code), None)

    def find_dealer_center(self, code: str) -> DealerCenter | None:
        """The dealer center with ``code``, or None."""
        return next((dc for dc in self.dealer_centers if dc.code == code), None)

    # --- roles and units -----------------------------------------------------------

    def roles_of(self, code: str) -> frozenset[Role]:
        """Company roles plus the roles that come from units: dc_director, department_director,
        and accountant for a person listed among a DC's accountants."""
        roles = set(self.person(code).roles)
        if self.dealer_centers_directed_by(code):
            roles.add(Role.DC_DIRECTOR)
        if self.departments_directed_by(code):
            roles.add(Role.DEPARTMENT_DIRECTOR)
        if self.dealer_centers_of_accountant(code):
            roles.add(Role.ACCOUNTANT)
        return frozenset(roles)

    def has_role(self, code: str, role: Role) -> bool:
        """True when the person holds ``role`` (directly or through a unit)."""
        return role in self.roles_of(code)

    def holders_of(self, role: Role) -> tuple[Person, ...]:
        """Everyone holding ``role``, in file order."""
        return tuple(p for p in self.people if role in self.roles_of(p.code))

    def dealer_centers_directed_by(self, code: str) -> tuple[DealerCenter, ...]:
        """The DCs whose director is ``code``, in file order."""
        return tuple(dc for dc in self.dealer_centers if dc.director == code)

    def dealer_centers_of_accountant(self, code: str) -> tuple[DealerCenter, ...]:
        """The DCs that list ``code`` among their accountants, in file order."""
        return tuple(dc for dc in self.dealer_centers if code in dc.accountants)

    def departments_directed_by(self, code: str) -> tuple[Department, ...]:
        """The departments whose director is ``code``, in file order."""
        return tuple(d for d in self.departments if d.director == code)

    def department_of(self, code: str) -> Department | None:
        """The person's department: through their home DC, else the department they direct,
        else a DC they direct, else a DC they keep the books of; None for head office."""
        person = self.person(code)
        home = self.find_dealer_center(person.dealer_center) if person.dealer_center else None
        if home is not None:
            return self.find_department(home.department)
        directed = self.departments_directed_by(code)
        if directed:
            return directed[0]
        units = self.dealer_centers_directed_by(code) + self.dealer_centers_of_accountant(code)
        return self.find_department(units[0].department) if units else None

    def zone_of(self, code: str) -> ZoneInfo:
        """The person's time zone: the city of their home, directed or served DC (in that
        order); for a department director, the zone all the department's DCs share; else
        head office."""
        person = self.person(code)
        home = self.find_dealer_center(person.dealer_center) if person.dealer_center else None
        units = self.dealer_centers_directed_by(code) + self.dealer_centers_of_accountant(code)
        if home is not None:
            units = (home, *units)
        if units:
            return ZoneInfo(self._zone_name(units[0]))
        zones = {
            self._zone_name(dc)
            for department in self.departments_directed_by(code)
            for dc in self.dealer_centers
            if dc.department == department.code
        }
        return ZoneInfo(zones.pop()) if len(zones) == 1 else self.head_office_zone

    def _zone_name(self, dc: DealerCenter) -> str:
        city = self.find_city(dc.city)
        return city.timezone if city is not None else self.timezone

    # --- substitutes -------------------------------------------------------------

    def substitution_on(self, code: str, day: date) -> Substitute | None:
        """The substitution in force for ``code`` on ``day``, if any."""
        return next((s for s in self.substitutes if s.person == code and s.covers(day)), None)

    def effective_assignee(self, code: str, on_date: date) -> tuple[str, str | None]:
        """Who acts for ``code`` on ``on_date``: ``(assignee, on_behalf_of)``.

        Follows chains of substitutes (A away -> B, B away too -> C gives ``(C, A)``). If the
        chain loops back, everyone in it is away and the item stays with ``code``.
        """
        self.person(code)
        current, visited = code, {code}
        while (substitution := self.substitution_on(current, on_date)) is not None:
            current = substitution.substitute
            if current in visited:
                return code, None
            visited.add(current)
        return current, (None if current == code else code)

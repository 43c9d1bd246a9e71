from datetime import date
from pathlib import Path

import pytest

from domain.errors import InvalidPhoneError, UnknownPersonError
from domain.org import OrgDirectory, Person, Substitute, load_org_toml, parse_org
from domain.roles import Role

SAMPLE = Path(__file__).with_name("org_sample.toml")


@pytest.fixture(scope="module")
def org() -> OrgDirectory:
    return load_org_toml(SAMPLE.read_text(encoding="utf-8"))


def test_the_sample_org_parses_with_every_unit_and_person(org: OrgDirectory) -> None:
    assert org.timezone == "Europe/Moscow"
    assert [c.code for c in org.cities] == ["msk", "krd", "ekb", "nsk"]
    assert len(org.departments) == 2
    assert len(org.dealer_centers) == 6
    assert len(org.people) == 18
    assert org.substitutes == (
        Substitute("sokolov", "petrov", date(2026, 12, 14), date(2026, 12, 25)),
    )


def test_a_person_keeps_ids_phone_language_and_company_roles(org: OrgDirectory) -> None:
    assert org.person("admin") == Person(
        code="admin",
        name="Белов Максим Игоревич",
        bitrix_id=5,
        telegram_id=500005,
        phone="+79160000005",
        roles=frozenset({Role.ADMIN}),
        language="en",
    )
    assert org.person("popov").telegram_id is None
    assert org.person("popov").language == "ru"
    assert org.person("egorov").dealer_center == "ekb-toyota"


@pytest.mark.parametrize(
    ("code", "roles"),
    [
        ("glavbuh", {Role.CHIEF_ACCOUNTANT, Role.ACCOUNTANT}),
        ("kuznetsov", {Role.DC_DIRECTOR}),
        ("petrov", {Role.DEPARTMENT_DIRECTOR}),
        ("smirnova", {Role.ACCOUNTANT}),  # from the DC's accountants, not from `roles`
        ("egorov", set()),
        ("findir", {Role.FINANCE_DIRECTOR}),
    ],
)
def test_roles_include_those_that_come_from_units(
    org: OrgDirectory, code: str, roles: set[Role]
) -> None:
    assert org.roles_of(code) == roles


def test_one_director_runs_two_dealer_centers(org: OrgDirectory) -> None:
    assert [dc.code for dc in org.dealer_centers_directed_by("kuznetsov")] == [
        "msk-toyota",
        "msk-kia",
    ]


def test_one_accountant_serves_two_dealer_centers(org: OrgDirectory) -> None:
    assert [dc.code for dc in org.dealer_centers_of_accountant("ivanova")] == [
        "ekb-toyota",
        "ekb-kia",
    ]


@pytest.mark.parametrize(
    ("code", "department"),
    [
        ("egorov", "ural-sib"),  # through the home dealer center
        ("sidorov", "ural-sib"),  # through the DC they direct
        ("orlov", "center"),  # the department they direct
        ("volkova", "center"),  # the DC whose books they keep
        ("gendir", None),  # head office
    ],
)
def test_the_department_of_a_person(org: OrgDirectory, code: str, department: str | None) -> None:
    found = org.department_of(code)
    assert (found.code if found else None) == department


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("popov", "Asia/Novosibirsk"),
        ("ivanova", "Asia/Yekaterinburg"),
        ("egorov", "Asia/Yekaterinburg"),
        ("orlov", "Europe/Moscow"),  # all of «Центр» is in Moscow time
        ("petrov", "Europe/Moscow"),  # «Урал и Сибирь» spans two zones: head office
        ("findir", "Europe/Moscow"),
    ],
)
def test_the_time_zone_of_a_person(org: OrgDirectory, code: str, zone: str) -> None:
    assert org.zone_of(code).key == zone


def test_holders_of_a_role_include_unit_holders(org: OrgDirectory) -> None:
    assert [p.code for p in org.holders_of(Role.FINANCE_DIRECTOR)] == ["findir"]
    assert [p.code for p in org.holders_of(Role.DEPARTMENT_DIRECTOR)] == ["orlov", "petrov"]
    assert "smirnova" in {p.code for p in org.holders_of(Role.ACCOUNTANT)}


def test_people_are_found_by_telegram_id_and_by_any_phone_spelling(org: OrgDirectory) -> None:
    assert org.person_by_telegram_id(500033) == org.person("ivanova")
    assert org.person_by_telegram_id(1) is None
    assert org.person_by_phone("8 (913) 000-00-24") == org.person("popov")
    assert org.person_by_phone("+79990000000") is None
    with pytest.raises(InvalidPhoneError):
        org.person_by_phone("not a phone")


def test_an_unknown_person_code_is_a_domain_error(org: OrgDirectory) -> None:
    with pytest.raises(UnknownPersonError, match="nobody"):
        org.roles_of("nobody")
    assert org.find_person("nobody") is None


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 13), ("sokolov", None)),
        (date(2026, 12, 14), ("petrov", "sokolov")),  # inclusive start
        (date(2026, 12, 25), ("petrov", "sokolov")),  # inclusive end
        (date(2026, 12, 26), ("sokolov", None)),
    ],
)
def test_a_substitute_acts_on_behalf_within_the_inclusive_range(
    org: OrgDirectory, day: date, expected: tuple[str, str | None]
) -> None:
    assert org.effective_assignee("sokolov", day) == expected
    assert org.effective_assignee("petrov", day) == ("petrov", None)


def _chain(*links: tuple[str, str]) -> OrgDirectory:
    codes = sorted({code for link in links for code in link} | {"x"})
    return parse_org(
        {
            "timezone": "Europe/Moscow",
            "people": [{"code": code, "name": code} for code in codes],
            "substitutes": [
                {"person": a, "substitute": b, "from": date(2026, 1, 1), "to": date(2026, 1, 31)}
                for a, b in links
            ],
        }
    )


def test_a_chain_of_substitutes_ends_at_someone_present() -> None:
    org = _chain(("a", "b"), ("b", "c"))
    assert org.effective_assignee("a", date(2026, 1, 10)) == ("c", "a")
    assert org.effective_assignee("b", date(2026, 1, 10)) == ("c", "b")


@pytest.mark.parametrize("links", [(("a", "b"), ("b", "a")), (("a", "b"), ("b", "c"), ("c", "b"))])
def test_a_cycle_of_substitutes_leaves_the_item_with_the_addressee(
    links: tuple[tuple[str, str], ...],
) -> None:
    org = _chain(*links)
    assert org.effective_assignee("a", date(2026, 1, 10)) == ("a", None)


def test_a_string_date_in_substitutes_is_read_too() -> None:
    org = parse_org(
        {
            "timezone": "UTC",
            "people": [{"code": "a", "name": "A"}, {"code": "b", "name": "B"}],
            "substitutes": [
                {"person": "a", "substitute": "b", "from": "2026-01-01", "to": "2026-01-02"}
            ],
        }
    )
    assert org.substitutes[0].to_date == date(2026, 1, 2)

import copy
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from domain.errors import DomainError, OrgValidationError
from domain.org import load_org_toml, parse_org

Data = dict[str, Any]

VALID: Data = {
    "timezone": "Europe/Moscow",
    "cities": [{"code": "ekb", "name": "Екатеринбург", "timezone": "Asia/Yekaterinburg"}],
    "departments": [{"code": "ural", "name": "Урал", "director": "petrov"}],
    "dealer_centers": [
        {
            "code": "ekb-kia",
            "name": "Киа Центр",
            "city": "ekb",
            "department": "ural",
            "director": "sidorov",
            "accountants": ["ivanova"],
        }
    ],
    "people": [
        {"code": "petrov", "name": "Петров", "bitrix_id": 11, "phone": "+79120000011"},
        {"code": "sidorov", "name": "Сидоров", "bitrix_id": 22, "telegram_id": 500022},
        {
            "code": "ivanova",
            "name": "Иванова",
            "bitrix_id": 33,
            "telegram_id": 500033,
            "phone": "+79120000033",
            "roles": ["accountant"],
        },
    ],
    "substitutes": [
        {
            "person": "sidorov",
            "substitute": "petrov",
            "from": date(2026, 12, 14),
            "to": date(2026, 12, 25),
        }
    ],
}


def errors_of(change: Callable[[Data], object]) -> list[str]:
    data = copy.deepcopy(VALID)
    change(data)
    with pytest.raises(OrgValidationError) as caught:
        parse_org(data)
    return caught.value.errors


def test_the_base_example_is_valid() -> None:
    assert parse_org(copy.deepcopy(VALID)).person("ivanova").phone == "+79120000033"


def person(data: Data, index: int) -> dict[str, object]:
    people: list[dict[str, object]] = data["people"]
    return people[index]


CASES: list[tuple[str, Callable[[Data], object], str]] = [
    (
        "unknown role",
        lambda d: person(d, 2).update(roles=["boss"]),
        'people[3] (code "ivanova"): roles — неизвестная роль "boss"; допустимые: accountant, '
        "chief_accountant, finance_director, general_director, treasurer, admin",
    ),
    (
        "unit role in roles",
        lambda d: person(d, 1).update(roles=["dc_director"]),
        'people[2] (code "sidorov"): roles — роль "dc_director" задаётся полем director',
    ),
    (
        "unknown DC director",
        lambda d: d["dealer_centers"][0].update(director="sidorof"),
        'dealer_centers[1] (code "ekb-kia"): director — неизвестный человек "sidorof"; '
        'возможно, "sidorov"?',
    ),
    (
        "unknown department director",
        lambda d: d["departments"][0].update(director="nobody"),
        'departments[1] (code "ural"): director — неизвестный человек "nobody"',
    ),
    (
        "unknown accountant",
        lambda d: d["dealer_centers"][0].update(accountants=["ivanova", "ghost"]),
        'dealer_centers[1] (code "ekb-kia"): accountants — неизвестный человек "ghost"',
    ),
    (
        "unknown city",
        lambda d: d["dealer_centers"][0].update(city="nsk"),
        'dealer_centers[1] (code "ekb-kia"): city — неизвестный город "nsk"',
    ),
    (
        "unknown department",
        lambda d: d["dealer_centers"][0].update(department="sib"),
        'dealer_centers[1] (code "ekb-kia"): department — неизвестный департамент "sib"',
    ),
    (
        "unknown home DC",
        lambda d: person(d, 0).update(dealer_center="ekb-kai"),
        'people[1] (code "petrov"): dealer_center — неизвестный дилерский центр "ekb-kai"; '
        'возможно, "ekb-kia"?',
    ),
    (
        "duplicate person code",
        lambda d: person(d, 2).update(code="petrov"),
        'people[3] (code "petrov"): code — "petrov" повторяется: уже указано в people[1]',
    ),
    (
        "duplicate city code",
        lambda d: d["cities"].append(dict(d["cities"][0])),
        'cities[2] (code "ekb"): code — "ekb" повторяется',
    ),
    (
        "duplicate telegram id",
        lambda d: person(d, 2).update(telegram_id=500022),
        'people[3] (code "ivanova"): telegram_id — 500022 повторяется: уже указано в '
        'people[2] (code "sidorov")',
    ),
    (
        "duplicate bitrix id",
        lambda d: person(d, 1).update(bitrix_id=11),
        'people[2] (code "sidorov"): bitrix_id — 11 повторяется',
    ),
    (
        "duplicate phone spelled differently",
        lambda d: person(d, 2).update(phone="8 (912) 000-00-11"),
        'people[3] (code "ivanova"): phone — "+79120000011" повторяется',
    ),
    (
        "invalid phone",
        lambda d: person(d, 2).update(phone="12-34"),
        'people[3] (code "ivanova"): phone — номер "12-34" не распознан',
    ),
    (
        "unknown head office zone",
        lambda d: d.update(timezone="Europe/Moskow"),
        'верхний уровень файла: timezone — неизвестный часовой пояс "Europe/Moskow"',
    ),
    (
        "unknown city zone",
        lambda d: d["cities"][0].update(timezone="Asia/Ekaterinburg"),
        'cities[1] (code "ekb"): timezone — неизвестный часовой пояс "Asia/Ekaterinburg"',
    ),
    (
        "missing head office zone",
        lambda d: d.pop("timezone"),
        "верхний уровень файла: timezone — обязательное поле не заполнено",
    ),
    (
        "missing name",
        lambda d: person(d, 0).pop("name"),
        'people[1] (code "petrov"): name — обязательное поле не заполнено',
    ),
    (
        "empty name",
        lambda d: person(d, 0).update(name="  "),
        'people[1] (code "petrov"): name — обязательное поле не заполнено',
    ),
    (
        "missing code",
        lambda d: d["cities"][0].pop("code"),
        "cities[1]: code — обязательное поле не заполнено",
    ),
    (
        "code with a space",
        lambda d: d["cities"][0].update(code="e kb"),
        'cities[1] (code "e kb"): code — недопустимый код "e kb"',
    ),
    (
        "id of the wrong type",
        lambda d: person(d, 0).update(bitrix_id="11"),
        'people[1] (code "petrov"): bitrix_id — ожидается целое положительное число, '
        'получено "11"',
    ),
    (
        "boolean id",
        lambda d: person(d, 0).update(telegram_id=True),
        'people[1] (code "petrov"): telegram_id — ожидается целое положительное число',
    ),
    (
        "phone as a number",
        lambda d: person(d, 0).update(phone=79120000011),
        'people[1] (code "petrov"): phone — ожидается строка, получено 79120000011',
    ),
    (
        "roles not a list",
        lambda d: person(d, 2).update(roles="accountant"),
        'people[3] (code "ivanova"): roles — ожидается список строк',
    ),
    (
        "section not an array of tables",
        lambda d: d.update(cities={"code": "ekb"}),
        "cities: ожидается массив таблиц [[cities]]",
    ),
    (
        "language not ru or en",
        lambda d: person(d, 0).update(language="de"),
        'people[1] (code "petrov"): language — язык "de" не поддерживается; допустимые: ru, en',
    ),
    (
        "unknown key in an entry",
        lambda d: person(d, 2).update(rolse=["accountant"]),
        'people[3] (code "ivanova"): неизвестный ключ "rolse"; возможно, "roles"?',
    ),
    (
        "unknown top-level key",
        lambda d: d.update(peple=[]),
        'верхний уровень файла: неизвестный ключ "peple"; возможно, "people"?',
    ),
    (
        "substitute range reversed",
        lambda d: d["substitutes"][0].update(**{"from": date(2026, 12, 26)}),
        'substitutes[1] (person "sidorov"): from — начало 2026-12-26 позже окончания 2026-12-25',
    ),
    (
        "substitute is the person",
        lambda d: d["substitutes"][0].update(substitute="sidorov"),
        'substitutes[1] (person "sidorov"): substitute — человек не может замещать сам себя',
    ),
    (
        "unknown substitute",
        lambda d: d["substitutes"][0].update(substitute="petrof"),
        'substitutes[1] (person "sidorov"): substitute — неизвестный человек "petrof"',
    ),
    (
        "substitute date not a date",
        lambda d: d["substitutes"][0].update(to="25.12.2026"),
        'substitutes[1] (person "sidorov"): to — ожидается дата в виде ГГГГ-ММ-ДД',
    ),
    (
        "substitute date with a time",
        lambda d: d["substitutes"][0].update(to=datetime(2026, 12, 25, 10, 0)),  # noqa: DTZ001
        'substitutes[1] (person "sidorov"): to — ожидается дата',
    ),
    (
        "overlapping substitutions",
        lambda d: d["substitutes"].append(
            {
                "person": "sidorov",
                "substitute": "ivanova",
                "from": "2026-12-25",
                "to": "2026-12-31",
            }
        ),
        'substitutes[2] (person "sidorov"): from — период пересекается с замещением в '
        'substitutes[1] (person "sidorov")',
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [(c, e) for _, c, e in CASES], ids=[name for name, _, _ in CASES]
)
def test_a_mistake_is_named_by_entry_and_field_in_russian(
    change: Callable[[Data], object], expected: str
) -> None:
    errors = errors_of(change)
    assert any(error.startswith(expected) for error in errors), errors


def test_all_mistakes_are_reported_at_once() -> None:
    def many(d: Data) -> None:
        person(d, 0).update(language="de", bitrix_id=-1)
        person(d, 2).update(roles=["boss"])
        d["dealer_centers"][0].update(director="ghost")
        d["cities"][0].update(timezone="Mars/Base")

    assert len(errors_of(many)) == 5


def test_the_error_is_a_domain_error_with_a_russian_message() -> None:
    data = copy.deepcopy(VALID)
    person(data, 2)["roles"] = ["boss"]
    with pytest.raises(DomainError) as caught:
        parse_org(data)
    assert caught.value.message.startswith("Справочник организации содержит ошибки (1)")
    assert 'неизвестная роль "boss"' in caught.value.message


def test_a_toml_syntax_error_is_reported_like_other_mistakes() -> None:
    with pytest.raises(OrgValidationError) as caught:
        load_org_toml('timezone = "Europe/Moscow"\n[[people]\ncode = "x"\n')
    assert caught.value.errors[0].startswith(
        "верхний уровень файла: файл не является корректным TOML"
    )

"""Texts made in the core: Russian as they are, and in another language through whatever
gettext the Telegram side passes, values and nested texts included."""

from __future__ import annotations

from datetime import date

from domain.errors import N_, DomainError, InvalidPhoneError, Text
from domain.phone import normalize_phone
from domain.roles import Role

ENGLISH = {
    "Реестр №{number} на {day:%d.%m.%Y}: этап «{stage}»": "Register #{number} for {day:%d.%m.%Y}: "
    "stage «{stage}»",
    "Главный бухгалтер": "Chief accountant",
    "Уже решено.": "Already decided.",
}


def english(template: str) -> str:
    return ENGLISH.get(template, template)


def test_a_text_is_russian_by_default_and_translated_with_its_values_when_asked():
    text = Text(
        N_("Реестр №{number} на {day:%d.%m.%Y}: этап «{stage}»"),
        {"number": 7, "day": date(2026, 11, 30), "stage": Role.CHIEF_ACCOUNTANT.title_text},
    )
    assert str(text) == "Реестр №7 на 30.11.2026: этап «Главный бухгалтер»"
    assert text.render(english) == "Register #7 for 30.11.2026: stage «Chief accountant»"


def test_a_value_is_put_in_as_it_is_braces_and_all():
    text = Text(N_("Реестр №{number} на {day:%d.%m.%Y}: этап «{stage}»"),
                {"number": "{x}", "day": date(2026, 1, 2), "stage": "<b>"})  # fmt: skip
    assert text.render(english) == "Register #{x} for 02.01.2026: stage «<b>»"


def test_a_template_without_values_is_not_formatted():
    assert str(Text("Фигурные скобки {как есть}")) == "Фигурные скобки {как есть}"


def test_an_error_keeps_its_russian_message_and_says_it_in_another_language():
    error = DomainError(N_("Уже решено."))
    assert (error.message, str(error)) == ("Уже решено.", "Уже решено.")
    assert error.translated(english) == "Already decided."
    legacy = DomainError("Сообщение, собранное заранее: {не шаблон}")
    assert legacy.translated(english) == "Сообщение, собранное заранее: {не шаблон}"


def test_an_unreadable_phone_number_says_why_in_the_readers_language():
    try:
        normalize_phone("12-34")
    except InvalidPhoneError as error:
        assert error.message == (
            "Номер телефона «12-34» не распознан: слишком мало цифр (4), нужно не меньше 10."
        )
        translations = {
            "Номер телефона «{raw}» не распознан: {why}.": "Phone number «{raw}» not "
            "recognised: {why}.",
            "слишком мало цифр ({count}), нужно не меньше 10": "too few digits ({count}), "
            "at least 10 needed",
        }
        assert error.translated(lambda t: translations.get(t, t)) == (
            "Phone number «12-34» not recognised: too few digits (4), at least 10 needed."
        )
    else:
        raise AssertionError("12-34 is not a phone number")


def test_an_empty_text_stays_empty_whatever_the_catalog_holds_for_it():
    header = "Project-Id-Version: viza\nContent-Type: text/plain; charset=UTF-8\n"
    assert Text("").render(lambda t: header if t == "" else t) == ""

"""Amounts: the accepted spellings, the refusals, and properties over generated values."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import AmountError, amount_from_number, format_amount, parse_amount

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1 234 567,00 ₽", "1234567.00"),
        (f"1{NBSP}234{NBSP}567,00{NBSP}₽", "1234567.00"),
        ("1,234,567.89", "1234567.89"),
        ("1.234.567,89", "1234567.89"),
        ("12 345 руб.", "12345.00"),
        ("1234,5", "1234.50"),
        ("  77 ", "77.00"),
        ("1’234.50", "1234.50"),
    ],
)
def test_an_amount_typed_in_a_usual_way_is_read_exactly(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)
    assert str(parse_amount(text)) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "не указана сумма"),
        ("-1500", "должна быть больше нуля"),
        ("−1 500,00", "должна быть больше нуля"),
        ("(100,00)", "должна быть больше нуля"),
        ("0,00", "должна быть больше нуля"),
        ("1,234", "больше двух знаков после запятой"),
        ("12.345", "больше двух знаков после запятой"),
        ("abc", "не распознана"),
        ("1e5", "не распознана"),
        ("1.2.3", "не распознана"),
        ("12,34,56", "не распознана"),
        ("$100", "не распознана"),
        ("99999999999999999", "слишком большая"),
    ],
)
def test_a_wrong_amount_is_refused_with_a_reason(text: str, why: str) -> None:
    with pytest.raises(AmountError, match=why):
        parse_amount(text)


def test_float_artefacts_of_a_spreadsheet_never_reach_the_amount() -> None:
    assert amount_from_number(0.1 + 0.2) == Decimal("0.30")
    assert amount_from_number(100.1 + 200.2) == Decimal("300.30")
    assert amount_from_number(174423.28) == Decimal("174423.28")
    assert amount_from_number(5) == Decimal("5.00")


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (1234.567, "сумма 1234,567 — больше двух знаков"),
        (-1500.0, "сумма −1\u00a0500,00 — должна быть больше нуля"),
        (float("nan"), "не распознана"),
        (float("inf"), "не распознана"),
        (1e20, "слишком большая"),
        (True, "не распознана"),
    ],
)
def test_a_wrong_numeric_cell_is_refused(value: float, why: str) -> None:
    with pytest.raises(AmountError, match=why):
        amount_from_number(value)


def test_amounts_are_formatted_with_thousands_and_a_comma() -> None:
    assert format_amount(Decimal("15495315.76")) == f"15{NBSP}495{NBSP}315,76"
    assert format_amount(Decimal("5")) == "5,00"
    assert format_amount(Decimal("-1500")) == f"−1{NBSP}500,00"


kopecks = st.integers(min_value=1, max_value=10**15 - 1).map(lambda k: Decimal(k).scaleb(-2))


def _grouped(d: Decimal, thousands: str, decimal_mark: str) -> str:
    whole, _, frac = f"{d:.2f}".partition(".")
    return f"{int(whole):,}".replace(",", thousands) + decimal_mark + frac


STYLES: list[Callable[[Decimal], str]] = [
    lambda d: f"{d:.2f}",
    lambda d: f"{d:.2f}".replace(".", ","),
    lambda d: _grouped(d, " ", ","),
    lambda d: _grouped(d, NBSP, ","),
    lambda d: _grouped(d, NNBSP, ",") + " ₽",
    lambda d: _grouped(d, " ", ",") + " руб.",
    lambda d: _grouped(d, ",", "."),
    lambda d: _grouped(d, ".", ","),
    lambda d: "RUB " + _grouped(d, "'", "."),
]


@given(kopecks, st.sampled_from(range(len(STYLES))))
def test_an_amount_formatted_in_any_accepted_style_parses_back_to_itself(
    amount: Decimal, style: int
) -> None:
    assert parse_amount(STYLES[style](amount)) == amount


@given(st.integers(min_value=1, max_value=10**13 - 1).map(lambda k: Decimal(k).scaleb(-2)))
def test_a_spreadsheet_number_reads_back_as_the_same_decimal(amount: Decimal) -> None:
    assert amount_from_number(float(amount)) == amount


@given(
    st.integers(min_value=1, max_value=10**12).map(lambda k: Decimal(k).scaleb(-2)),
    st.integers(min_value=1, max_value=10**12).map(lambda k: Decimal(k).scaleb(-2)),
)
def test_a_sum_computed_by_a_spreadsheet_formula_reads_as_the_exact_sum(
    a: Decimal, b: Decimal
) -> None:
    assert amount_from_number(float(a) + float(b)) == a + b


@given(st.text(max_size=60))
def test_any_text_gives_a_valid_amount_or_our_error(text: str) -> None:
    try:
        amount = parse_amount(text)
    except AmountError as error:
        assert str(error)
    else:
        assert amount > 0
        assert amount == amount.quantize(Decimal("0.01"))


@given(st.floats() | st.integers())
def test_any_number_gives_a_valid_amount_or_our_error(value: float) -> None:
    try:
        amount = amount_from_number(value)
    except AmountError:
        pass
    else:
        assert amount > 0
        assert amount.as_tuple().exponent == -2

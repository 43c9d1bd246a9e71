"""The quick path for common rows must give exactly what the careful path gives."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.money import KOPECK
from domain.register_fields import _careful_row, _quick_amount, _quick_row, build_row

CELL = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=12),
    st.sampled_from(
        ["7707083893", "7707083894", " 7707083893", "500100732259", "да", "Да", "нет", "x"]
    ),
    st.sampled_from(["1 234,56", "1234.5", "0", "12,345", "100", "30.11.2026", "2026-11-30"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-5, max_value=10**13),
    st.dates(min_value=date(1980, 1, 1), max_value=date(2120, 1, 1)),
    st.datetimes(
        min_value=datetime.combine(date(1980, 1, 1), time()),
        max_value=datetime.combine(date(2120, 1, 1), time()),
    ),
)
TYPICAL = st.tuples(
    st.sampled_from(["ООО «Ромашка»", "  ИП  Петров ", "", " "]),
    st.sampled_from(["7707083893", "500100732259", "7707083894", ""]),
    st.one_of(st.floats(min_value=-10, max_value=1e9), st.sampled_from(["1 234,56", "5", "-1"])),
    st.sampled_from(["Оплата по счету", "", "  Аренда\nза май "]),
    CELL,
    CELL,
    CELL,
    CELL,
    CELL,
    CELL,
    st.sampled_from([None, "", "RUB", "usd"]),
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(TYPICAL, st.tuples(*[CELL] * 11)))
def test_the_quick_path_agrees_with_the_careful_path(cells: tuple[object, ...]) -> None:
    quick = _quick_row(7, cells, None)
    careful, problems = _careful_row(7, cells, None)
    if quick is not None:
        assert quick == careful and problems == []
    assert build_row(7, cells) == (careful, problems)


@settings(max_examples=2000, deadline=None)
@given(
    st.one_of(
        st.floats(min_value=0, max_value=2e15, allow_nan=False),
        st.integers(min_value=1, max_value=10**17).map(lambda cents: cents / 100),
    )
)
def test_a_float_amount_reads_as_its_shortest_text_kept_to_kopecks(value: float) -> None:
    # The quick path reads the float's repr without a Decimal round trip; it must give the
    # same value and the same two decimal places as the Decimal reading, or nothing.
    expected = None
    if 0 < value < 1e15:
        exact = Decimal(repr(value))
        expected = exact.quantize(KOPECK) if exact.quantize(KOPECK) == exact else None
    got = _quick_amount(value)
    assert (str(got) if got is not None else None) == (
        str(expected) if expected is not None else None
    )

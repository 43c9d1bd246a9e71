"""Reading with a sink (`read_register(..., sink)`): the payments come out in order and in
slices while the file is read, each exactly once, with their duplicate keys; a file whose
rows have errors stops passing them on at the first bad row."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.register_checks import DuplicateKey, row_keys
from domain.registers_rows import PaymentRow
from formats.registers import ReadLimits, read_register
from formats.registers.table import SINK_EVERY
from tests.unit.registers.builders import HEADER_RU, INN_A, INN_B, fixture, payment, xlsx

SAMPLES = ["ekb-toyota_2026-11-30.xlsx", "msk-kia_2026-11-30.csv", "nsk-lexus_2026-11-30.txt"]
LIMITS = ReadLimits(max_rows=20_000)


class Collected:
    def __init__(self) -> None:
        self.slices: list[int] = []
        self.rows: list[PaymentRow] = []
        self.keys: list[DuplicateKey] = []

    def __call__(self, rows: Sequence[PaymentRow], keys: Sequence[DuplicateKey]) -> None:
        assert len(rows) == len(keys) > 0
        self.slices.append(len(rows))
        self.rows.extend(rows)
        self.keys.extend(keys)


def big_csv(count: int, bad_line: int | None = None) -> bytes:
    lines = ["Контрагент;ИНН;Сумма;Назначение платежа;№ счета"]
    for n in range(count):
        inn = "7707083894" if n + 2 == bad_line else (INN_A, INN_B)[n % 2]
        lines.append(f"ООО «Поставщик {n}»;{inn};{n + 1},25;Оплата по счету {n};{n}")
    return "\n".join(lines).encode("utf-8")


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_passes_on_every_row_once_in_order(name: str) -> None:
    sink = Collected()
    parsed = read_register(name, fixture(name), LIMITS, sink)
    assert parsed.ok and tuple(sink.rows) == parsed.rows
    assert tuple(sink.keys) == row_keys(parsed)


def test_a_long_file_is_passed_on_in_slices_while_it_is_read() -> None:
    sink = Collected()
    parsed = read_register("big.csv", big_csv(2_500), LIMITS, sink)
    assert sink.slices == [SINK_EVERY, SINK_EVERY, 500]
    assert tuple(sink.rows) == parsed.rows and tuple(sink.keys) == row_keys(parsed)


def test_rows_after_the_first_bad_row_are_not_passed_on() -> None:
    sink = Collected()
    parsed = read_register("bad.csv", big_csv(2_500, bad_line=1_502), LIMITS, sink)
    assert [issue.line for issue in parsed.errors] == [1_502]
    assert sink.slices == [SINK_EVERY]  # the caller discards them: the file has errors


@settings(max_examples=25, deadline=None)
@given(count=st.integers(1, 2_300), bad=st.one_of(st.none(), st.integers(2, 2_301)))
def test_with_or_without_a_sink_the_result_is_the_same(count: int, bad: int | None) -> None:
    data = big_csv(count, bad_line=bad)
    sink = Collected()
    streamed = read_register("r.csv", data, LIMITS, sink)
    assert streamed == read_register("r.csv", data, LIMITS)
    if streamed.ok:
        assert tuple(sink.rows) == streamed.rows
    else:
        assert all(row.line < min(i.line for i in streamed.errors) for row in sink.rows)


def test_a_workbook_passes_on_its_rows_too() -> None:
    data = xlsx([HEADER_RU, *(payment(n, amount=100.0 + n) for n in range(1, 1_201))])
    sink = Collected()
    parsed = read_register("r.xlsx", data, LIMITS, sink)
    assert sink.slices == [SINK_EVERY, 200] and tuple(sink.rows) == parsed.rows

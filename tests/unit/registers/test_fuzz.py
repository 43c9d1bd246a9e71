"""Fuzzing every reader: random, truncated and mutated bytes, random zips and texts.

Whatever comes in, a reader returns a `ParsedRegister` or raises `RegisterFileError` — never
anything else (no calamine error, no UnicodeError, no crash). Examples are bounded so the
file runs in a few seconds.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.inn import is_valid_inn
from domain.registers_rows import ParsedRegister
from formats.registers import ReadLimits, RegisterFileError, read_register
from formats.registers.csv_reader import read_csv
from formats.registers.onec import read_onec
from formats.registers.xlsx import read_xlsx
from tests.unit.registers.builders import HEADER_RU, fixture, xlsx, zip_bytes

SAMPLES = {
    name: fixture(name)
    for name in (
        "ekb-toyota_2026-11-30.xlsx",
        "krd-hyundai_errors.xlsx",
        "msk-kia_2026-11-30.csv",
        "nsk-lexus_2026-11-30.txt",
    )
}
LIMITS = ReadLimits(max_rows=200)
READERS: dict[str, Callable[[bytes, ReadLimits], ParsedRegister]] = {
    "xlsx": read_xlsx,
    "csv": read_csv,
    "1c": read_onec,
}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _survives(read: Callable[[], ParsedRegister]) -> None:
    try:
        parsed = read()
    except RegisterFileError as error:
        assert error.message
    else:
        assert isinstance(parsed, ParsedRegister)
        assert all(row.amount > 0 for row in parsed.rows)


def _every_reader(name: str, data: bytes) -> None:
    _survives(lambda: read_register(name, data, LIMITS))
    for reader in READERS.values():
        _survives(lambda reader=reader: reader(data, LIMITS))  # type: ignore[misc]


@FUZZ
@given(st.sampled_from(sorted(SAMPLES)), st.floats(min_value=0, max_value=1))
def test_every_truncation_of_every_sample_is_read_or_refused_cleanly(
    name: str, fraction: float
) -> None:
    data = SAMPLES[name]
    _every_reader(name, data[: int(len(data) * fraction)])


@FUZZ
@given(
    st.sampled_from(sorted(SAMPLES)),
    st.lists(st.tuples(st.integers(0), st.integers(0, 255)), max_size=8),
)
def test_samples_with_damaged_bytes_are_read_or_refused_cleanly(
    name: str, damage: list[tuple[int, int]]
) -> None:
    data = bytearray(SAMPLES[name])
    for position, value in damage:
        data[position % len(data)] = value
    _every_reader(name, bytes(data))


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["r.xlsx", "r.csv", "r.txt", "r"]))
def test_random_bytes_are_refused_cleanly(data: bytes, name: str) -> None:
    _every_reader(name, data)


PART_NAMES = st.sampled_from(
    [
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/worksheets/sheet1.xml",
        "xl/sharedStrings.xml",
        "xl/styles.xml",
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
    ]
)
XMLISH = st.one_of(
    st.binary(max_size=300),
    st.text(alphabet='<>/="rcvwkbhetsa:1AZ ', max_size=300).map(str.encode),
)


@FUZZ
@given(st.dictionaries(PART_NAMES, XMLISH, max_size=6), st.booleans())
def test_random_zip_archives_are_refused_cleanly(parts: dict[str, bytes], stored: bool) -> None:
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    _every_reader("r.xlsx", zip_bytes(parts, method))


@FUZZ
@given(
    st.sampled_from(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/sharedStrings.xml"]),
    XMLISH,
)
def test_a_sample_workbook_with_one_random_part_is_read_or_refused_cleanly(
    part: str, content: bytes
) -> None:
    source = zipfile.ZipFile(io.BytesIO(SAMPLES["ekb-toyota_2026-11-30.xlsx"]))
    entries = {info.filename: source.read(info) for info in source.infolist()}
    entries[part] = content
    _every_reader("r.xlsx", zip_bytes(entries))


@FUZZ
@given(st.text(max_size=600), st.sampled_from(["", "1CClientBankExchange\r\n"]))
def test_random_text_is_read_or_refused_cleanly(text: str, prefix: str) -> None:
    for encoding in ("utf-8", "utf-16", "cp1251"):
        data = (prefix + text).encode(encoding, errors="replace")
        _every_reader("r.csv", data)


CELLS = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["7707083893", "500100732259", "1 234,56", "30.11.2026", "да", "Итого"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.datetimes(
        min_value=datetime.combine(date(1900, 3, 1), time()),
        max_value=datetime.combine(date(2200, 1, 1), time()),
    ),
)


def _assert_rows_valid(parsed: ParsedRegister) -> None:
    for row in parsed.rows:
        assert row.amount > 0 and row.amount == row.amount.quantize(Decimal("0.01"))
        assert is_valid_inn(row.inn) and row.counterparty and row.purpose


@FUZZ
@given(st.lists(st.lists(CELLS, min_size=0, max_size=12), max_size=12))
def test_any_cell_values_under_a_real_header_give_rows_or_line_errors(
    rows: list[list[object]],
) -> None:
    try:
        parsed = read_register("r.xlsx", xlsx([HEADER_RU, *rows]), LIMITS)
    except RegisterFileError as error:
        assert error.message
    else:
        _assert_rows_valid(parsed)
        assert all(error.line is not None and error.line >= 2 for error in parsed.errors)


@FUZZ
@given(st.lists(st.lists(st.text(max_size=20), max_size=12), max_size=12))
def test_any_csv_cells_under_a_real_header_give_rows_or_line_errors(
    rows: list[list[str]],
) -> None:
    text = "\n".join(";".join(c.replace(";", ",") for c in row) for row in [HEADER_RU, *rows])
    try:
        parsed = read_register("r.csv", text.encode("utf-8", errors="replace"), LIMITS)
    except RegisterFileError as error:
        assert error.message
    else:
        _assert_rows_valid(parsed)

"""Whole-file refusals: sizes, zip bombs, sheets too large for the grid, wrong types."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formats.registers import ReadLimits, RegisterFileError, read_register
from formats.registers.sheet_scan import _anomaly_pattern, _fast_extent, _split_ref
from tests.unit.registers.builders import HEADER_RU, INN_A, fixture, payment, xlsx, zip_bytes

EKB = "ekb-toyota_2026-11-30.xlsx"
SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><sheetData>'
)


def _refusal(data: bytes, limits: ReadLimits | None = None, name: str = "r.xlsx") -> str:
    with pytest.raises(RegisterFileError) as caught:
        read_register(name, data, limits or ReadLimits())
    return caught.value.message


def _with_sheet(sheet_xml: bytes) -> bytes:
    """The ekb sample with its worksheet replaced."""
    source = zipfile.ZipFile(io.BytesIO(fixture(EKB)))
    entries = {info.filename: source.read(info) for info in source.infolist()}
    entries[SHEET] = sheet_xml
    return zip_bytes(entries)


def _cells(*cells: bytes) -> bytes:
    return SHEET_HEAD + b"".join(cells) + b"</sheetData></worksheet>"


def test_a_file_over_the_size_cap_is_refused_with_both_sizes() -> None:
    message = _refusal(b"x" * 2_000_000, ReadLimits(max_file_bytes=1024 * 1024))
    assert message == "Файл слишком большой: 1,9 МБ, предел — 1 МБ."


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(data: bytes) -> None:
    assert _refusal(data, name="r.csv").startswith("Файл пустой")


def test_a_truncated_workbook_is_reported_as_corrupt() -> None:
    data = fixture(EKB)
    for cut in (len(data) // 2, len(data) - 30, 200):
        assert "повреждён" in _refusal(data[:cut])


def test_a_zip_bomb_is_refused_before_the_spreadsheet_library_reads_it() -> None:
    bomb = _cells(b"<row/>" * 1_000_000)  # 6 MB that deflates ~1000:1
    assert "распаковывается в слишком большой объём" in _refusal(_with_sheet(bomb))


def test_the_total_uncompressed_size_is_capped() -> None:
    limits = ReadLimits(max_uncompressed_bytes=20_000)
    assert "слишком большой объём" in _refusal(fixture(EKB), limits)


def _declare_size(data: bytes, name: str, size: int, crc: int) -> bytes:
    """Rewrite the local and central headers of `name` to claim `size` bytes with `crc`."""
    patched = bytearray(data)
    local = zipfile.ZipFile(io.BytesIO(data)).getinfo(name).header_offset
    struct.pack_into("<I", patched, local + 14, crc)
    struct.pack_into("<I", patched, local + 22, size)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == name.encode():
            struct.pack_into("<I", patched, central + 16, crc)
            struct.pack_into("<I", patched, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(patched)


def test_an_entry_that_inflates_beyond_its_declared_size_is_refused() -> None:
    real = _cells(b"<row/>" * 200_000)
    lying = _declare_size(_with_sheet(real), SHEET, 1000, zlib.crc32(real[:1000]))
    assert zipfile.ZipFile(io.BytesIO(lying)).read(SHEET) == real[:1000]  # zipfile is fooled
    assert "распаковывается в слишком большой объём" in _refusal(lying)


def test_a_sheet_with_a_far_corner_cell_is_refused_instead_of_exhausting_memory() -> None:
    sparse = _cells(b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>')
    assert "больше 100 столбцов" in _refusal(_with_sheet(sparse))
    tall = _cells(b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>')
    assert "больше 10\u00a0000 строк" in _refusal(_with_sheet(tall))


def test_unusually_written_cells_are_measured_by_walking_the_xml() -> None:
    wide = _cells(b"<row>" + b"<c><v>1</v></c>" * 150 + b"</row>")
    assert "больше 100 столбцов" in _refusal(_with_sheet(wide))
    prefixed = (
        b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A200000"><x:v>1</x:v>'
        b"</x:c></x:row></x:sheetData></x:worksheet>"
    )
    assert "строк" in _refusal(_with_sheet(prefixed))


def test_more_payment_rows_than_the_cap_are_refused_naming_the_cap() -> None:
    rows = [HEADER_RU] + [payment(n, amount=float(n)) for n in range(1, 13)]
    assert len(read_register("r.xlsx", xlsx(rows), ReadLimits(max_rows=12)).rows) == 12
    message = _refusal(xlsx(rows), ReadLimits(max_rows=11))
    assert message.startswith("В файле больше 11 строк — это предел для одного реестра.")


def _ole2(*stream_names: str) -> bytes:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\x00") for name in stream_names)
    return header + directory


def test_a_password_protected_workbook_is_recognised() -> None:
    data = _ole2("Root Entry", "EncryptionInfo", "EncryptedPackage")
    assert _refusal(data) == (
        "Файл защищён паролем — снимите пароль в Excel и пришлите файл ещё раз."
    )


def test_an_old_binary_excel_file_gets_advice_to_save_as_xlsx() -> None:
    message = _refusal(_ole2("Root Entry", "Workbook"), name="r.xls")
    assert message.startswith("Старый формат Excel (.xls) не поддерживается")


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (b"%PDF-1.7\n...", "Это PDF-документ, а не реестр."),
        (b"\x89PNG\r\n\x1a\n" + bytes(40), "Это изображение, а не реестр."),
        (b"\xff\xd8\xff\xe0" + bytes(40), "Это изображение, а не реестр."),
        (zip_bytes({"word/document.xml": b"<w/>"}), "Это документ Word"),
        (zip_bytes({"mimetype": b"x", "content.xml": b"<x/>"}), "Формат OpenDocument (.ods)"),
        (zip_bytes({"photo.jpg": b"jpeg"}), "Это архив, а не таблица Excel."),
        (b"<html><body><table><tr><td>1</td></tr></table>", "Это веб-страница (HTML)"),
        (bytes(range(256)) * 4, "Файл не похож на реестр (файл повреждён?)."),
    ],
)
def test_a_file_of_the_wrong_type_is_named_as_such(data: bytes, start: str) -> None:
    assert _refusal(data, name="r.xlsx").startswith(start)


def test_the_content_decides_not_the_name() -> None:
    assert len(read_register("r.pdf", xlsx([HEADER_RU, payment(1, INN_A)]), ReadLimits()).rows)
    assert _refusal(b"%PDF-1.4", name="r.csv").startswith("Это PDF-документ")


_CELL_TAG = st.sampled_from(
    [
        b'<c r="A1">', b'<c r="J9999"/>', b'<c r="B10000">', b'<c r="AA7">', b'<c r="XFD1">',
        b"<c>", b"<c/>", b'<c t="s">', b'<c r="7">', b'<c r="AB">', b'<c  r="A1">',
        b'<c\tr="C3">', b'<col min="1"/>', b"<cols>", b'<c r="A1x">', b'<x:c r="A1">', b"x",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELL_TAG, max_size=12), st.sampled_from([9_000, 10_000, 99_000]))
def test_the_cell_scan_flags_exactly_the_cells_the_full_pattern_flags(
    tags: list[bytes], max_rows: int
) -> None:
    xml = b"<sheetData><row>" + b"".join(tags) + b"</row></sheetData>"
    limits = ReadLimits(max_rows=max_rows)
    rows, columns, unusual = 0, 0, False
    for match in _anomaly_pattern(len(str(limits.sheet_row_cap))).finditer(xml):
        if match.group(1) is None:
            rows, columns, unusual = 0, 0, True
            break
        row, column = _split_ref(match.group(1))
        rows, columns = max(rows, row), max(columns, column)
    expected = (rows, columns, unusual) if unusual else (rows, max(columns, 26), False)
    assert _fast_extent(xml, limits) == expected

"""The .csv register reader: encoding and delimiter are detected, never configured.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM (Excel's «Unicode text»), else
Windows-1251. Delimiters: «;», tab or «,» — the one under which a header row is recognised
(the most columns wins), so commas inside «1 234,56» do not confuse it. Line numbers are the
file's physical lines (a quoted value spanning lines counts them all).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from itertools import islice

from domain.registers_rows import ParsedRegister, SourceFormat
from formats.registers.errors import RegisterFileError
from formats.registers.header import HeaderMatch, find_header, header_not_found, require_columns
from formats.registers.limits import HEADER_SCAN_ROWS, ReadLimits, too_many_rows
from formats.registers.table import RowSink, parse_table

EMPTY = "Файл пустой — в нём нет ни одной строки."
_DELIMITERS = (";", "\t", ",")


def read_csv(data: bytes, limits: ReadLimits, sink: RowSink | None = None) -> ParsedRegister:
    text, encoding = decode_text(data)
    if not text.strip():
        raise RegisterFileError(EMPTY)
    delimiter, header = _detect_layout(text)
    rows, lines = _records(text, delimiter, limits)
    require_columns(header, lines[header.index])
    table = parse_table(rows, lines, header, limits, sink)
    if not table.rows and not table.errors:
        raise RegisterFileError("Под строкой заголовков нет ни одного платежа.")
    return ParsedRegister(
        table.rows, table.errors, table.warnings, SourceFormat.CSV,
        encoding=encoding, duplicate_keys=table.keys,
    )  # fmt: skip


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding; RegisterFileError if none fits."""
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError as error:
        raise RegisterFileError(_UNKNOWN_ENCODING) from error
    for encoding in ("utf-8", "windows-1251"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise RegisterFileError(_UNKNOWN_ENCODING)


_UNKNOWN_ENCODING = (
    "Не удалось определить кодировку файла — сохраните его в UTF-8 или Windows-1251."
)


def _detect_layout(text: str) -> tuple[str, HeaderMatch]:
    best: tuple[str, HeaderMatch] | None = None
    for delimiter in _DELIMITERS:
        header = find_header(_head(text, delimiter))
        if header is not None and (best is None or len(header.columns) > len(best[1].columns)):
            best = (delimiter, header)
    if best is None:
        raise header_not_found(HEADER_SCAN_ROWS)
    return best


def _head(text: str, delimiter: str) -> list[list[str]]:
    """The first records; a broken record further down is left to `_records` to report."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    head: list[list[str]] = []
    with contextlib.suppress(csv.Error):
        head.extend(islice(reader, HEADER_SCAN_ROWS))
    return head


def _records(text: str, delimiter: str, limits: ReadLimits) -> tuple[list[list[str]], list[int]]:
    """All records and the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    previous = 0
    try:
        for record in reader:
            rows.append(record)
            lines.append(previous + 1)
            previous = reader.line_num
            if len(rows) > limits.sheet_row_cap:
                raise too_many_rows(limits)
    except csv.Error as error:
        raise RegisterFileError(
            f"Строка {previous + 1}: не удалось разобрать CSV — проверьте кавычки в этой строке."
        ) from error
    return rows, lines

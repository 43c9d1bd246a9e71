"""The single entry point: bytes of an uploaded file in, a `ParsedRegister` out."""

from __future__ import annotations

from collections.abc import Sequence

from domain.register_checks import DuplicateKey, row_keys
from domain.registers_rows import ParsedRegister, PaymentRow
from formats.registers.csv_reader import read_csv
from formats.registers.detect import FileKind, detect_kind
from formats.registers.limits import ReadLimits, check_file_size
from formats.registers.onec import read_onec
from formats.registers.table import RowSink
from formats.registers.xlsx import read_xlsx

_READERS = {FileKind.XLSX: read_xlsx, FileKind.CSV: read_csv, FileKind.ONEC: read_onec}


def read_register(
    filename: str, data: bytes, limits: ReadLimits | None = None, sink: RowSink | None = None
) -> ParsedRegister:
    """Read a register file of any accepted format, chosen by content.

    Raises `RegisterFileError` (Russian `message`) when the file as a whole cannot be read:
    too big, empty, wrong type, corrupt, password-protected, zip bomb, too many rows, no
    header. Problems of single rows come back in `ParsedRegister.errors`, line by line.
    Pure and synchronous (CPU-bound): call it in a worker thread from async code.

    ``sink``, if given, receives the payments while the file is read, in order and in
    slices, with their duplicate keys, so that a caller can store them meanwhile. Once the
    reader returns, a file without errors has passed every row of ``rows`` to it exactly
    once; a file with errors may have passed some, which the caller must then discard.
    """
    limits = limits or ReadLimits()
    check_file_size(data, limits)
    read = _READERS[detect_kind(filename, data)]
    if sink is None:
        return read(data, limits)
    passed = 0

    def counted(rows: Sequence[PaymentRow], keys: Sequence[DuplicateKey]) -> None:
        nonlocal passed
        sink(rows, keys)
        passed += len(rows)

    parsed = read(data, limits, counted)
    if not parsed.errors and passed < len(parsed.rows):
        sink(parsed.rows[passed:], row_keys(parsed)[passed:])
    return parsed

"""The single entry point: bytes of an uploaded file in, a `ParsedRegister` out."""

from __future__ import annotations

from domain.registers_rows import ParsedRegister
from formats.registers.csv_reader import read_csv
from formats.registers.detect import FileKind, detect_kind
from formats.registers.limits import ReadLimits, check_file_size
from formats.registers.onec import read_onec
from formats.registers.xlsx import read_xlsx

_READERS = {FileKind.XLSX: read_xlsx, FileKind.CSV: read_csv, FileKind.ONEC: read_onec}


def read_register(filename: str, data: bytes, limits: ReadLimits | None = None) -> ParsedRegister:
    """Read a register file of any accepted format, chosen by content.

    Raises `RegisterFileError` (Russian `message`) when the file as a whole cannot be read:
    too big, empty, wrong type, corrupt, password-protected, zip bomb, too many rows, no
    header. Problems of single rows come back in `ParsedRegister.errors`, line by line.
    Pure and synchronous (CPU-bound): call it in a worker thread from async code.
    """
    limits = limits or ReadLimits()
    check_file_size(data, limits)
    return _READERS[detect_kind(filename, data)](data, limits)

"""Caps applied to uploaded register files, and their Russian messages."""

from __future__ import annotations

from dataclasses import dataclass

from formats.registers.errors import RegisterFileError

# Title rows above the header, blank rows and a footer below the table do not count as
# payments, so the sheet may be a little taller than `max_rows` before we refuse early.
ROW_SLACK = 100
HEADER_SCAN_ROWS = 20


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Caps for one upload. All sizes are in bytes; every cap is a positive number.

    `max_rows` counts payment rows (and is named in the refusal). The zip caps apply to
    .xlsx before the spreadsheet library sees the file: total uncompressed size, the ratio of
    any large entry (zip bomb), number of entries; `max_columns` bounds the sheet's width.
    """

    max_file_bytes: int = 10 * 1024 * 1024
    max_rows: int = 10_000
    max_uncompressed_bytes: int = 100 * 1024 * 1024
    max_compression_ratio: int = 200
    max_zip_entries: int = 1_000
    max_columns: int = 100

    def __post_init__(self) -> None:
        if (
            min(self.max_file_bytes, self.max_rows, self.max_uncompressed_bytes) <= 0
            or min(self.max_compression_ratio, self.max_zip_entries, self.max_columns) <= 0
        ):
            raise ValueError("every register reading cap must be positive")

    @classmethod
    def from_config(cls, max_file_mb: float, max_rows: int) -> ReadLimits:
        """From `registers.max_file_mb` and `registers.max_rows`; other caps keep defaults."""
        return cls(max_file_bytes=int(max_file_mb * 1024 * 1024), max_rows=max_rows)

    @property
    def sheet_row_cap(self) -> int:
        return self.max_rows + ROW_SLACK


def check_file_size(data: bytes, limits: ReadLimits) -> None:
    if len(data) > limits.max_file_bytes:
        raise RegisterFileError(
            f"Файл слишком большой: {_megabytes(len(data))} МБ, "
            f"предел — {_megabytes(limits.max_file_bytes)} МБ."
        )


def too_many_rows(limits: ReadLimits) -> RegisterFileError:
    cap = f"{limits.max_rows:,}".replace(",", "\u00a0")
    return RegisterFileError(
        f"В файле больше {cap} строк — это предел для одного реестра. "
        "Разделите реестр на несколько файлов."
    )


def _megabytes(size: int) -> str:
    text = f"{size / (1024 * 1024):.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text

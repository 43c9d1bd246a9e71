"""The parsed payment register: rows read from a file, blocking errors and non-blocking warnings.

Line numbers are always the ones the accountant sees: a 1-based spreadsheet row, a 1-based
CSV line, or for a 1C bank-exchange file the line where the document starts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from domain.money import sum_by_currency

# Same INN + invoice (or purpose) + amount: see `domain.register_checks.duplicate_key`.
DuplicateKey = tuple[str, str, Decimal]

__all__ = [
    "ParsedRegister",
    "PaymentRow",
    "RegisterIssue",
    "RegisterWarning",
    "SourceFormat",
    "WarningKind",
    "row_location",
]


class SourceFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    ONEC = "1c"


class WarningKind(StrEnum):
    DUPLICATE_IN_FILE = "duplicate_in_file"
    DUPLICATE_PRIOR = "duplicate_prior"
    DUE_DATE_PASSED = "due_date_passed"
    OVER_THRESHOLD = "over_threshold"
    HIDDEN_ROWS = "hidden_rows"
    TOTALS_MISMATCH = "totals_mismatch"


def row_location(line: int, document_number: str | None = None) -> str:
    """«Строка 14», or for a 1C document «Документ №12 (строка 40)»."""
    if document_number is None:
        return f"Строка {line}"
    if document_number:
        return f"Документ №{document_number} (строка {line})"
    return f"Документ (строка {line})"


class PaymentRow(NamedTuple):
    """One payment read from a register file.

    Invariants (guaranteed by the builder in `domain.register_fields`): `amount` > 0, quantized
    to kopecks, within Numeric(18, 2); `inn` is a checksum-valid 10/12-digit string;
    `counterparty` and `purpose` are non-empty with whitespace collapsed; `currency` is an
    upper-case code (RUB by default); optional texts are None rather than empty.
    `document_number` is set only for 1C documents (the payment order number).
    """

    line: int
    counterparty: str
    inn: str
    amount: Decimal
    purpose: str
    invoice_number: str | None = None
    invoice_date: date | None = None
    currency: str = "RUB"
    category: str | None = None
    due_date: date | None = None
    urgent: bool = False
    comment: str | None = None
    document_number: str | None = None

    @property
    def location(self) -> str:
        return row_location(self.line, self.document_number)


@dataclass(frozen=True, slots=True)
class RegisterIssue:
    """A blocking problem. `line` is None for a problem of the whole file.

    `message` is complete Russian text including the location, e.g.
    «Строка 14: ИНН 7707083894 — неверная контрольная сумма».
    """

    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class RegisterWarning:
    """A non-blocking remark. `lines` are the rows it concerns (may be empty for the file)."""

    kind: WarningKind
    lines: tuple[int, ...]
    message: str


@dataclass(frozen=True, slots=True)
class ParsedRegister:
    """What a register file contained.

    Invariants: `rows` holds only valid payments, in file order; a row with any problem is
    absent from `rows` and has at least one entry in `errors`. A register with errors must
    not be stored. Warnings never block.
    """

    rows: tuple[PaymentRow, ...]
    errors: tuple[RegisterIssue, ...]
    warnings: tuple[RegisterWarning, ...]
    source_format: SourceFormat
    sheet_name: str | None = None
    encoding: str | None = None
    # The rows' duplicate keys in row order, as the reader computed them for its in-file
    # check (empty if it did not); `domain.register_checks.row_keys` fills in the rest.
    duplicate_keys: tuple[DuplicateKey, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(sorted({row.currency for row in self.rows}))

    def total(self, currency: str = "RUB") -> Decimal:
        """The sum of the rows in `currency` (amounts of other currencies are not added)."""
        return sum((r.amount for r in self.rows if r.currency == currency), Decimal("0.00"))

    def totals_by_currency(self) -> dict[str, Decimal]:
        return sum_by_currency((row.currency, row.amount) for row in self.rows)

    def totals_by_category(self, currency: str = "RUB") -> dict[str | None, Decimal]:
        """Sums per expense category (None for rows without one), largest first."""
        totals: dict[str | None, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for row in self.rows:
            if row.currency == currency:
                totals[row.category] += row.amount
        return dict(sorted(totals.items(), key=lambda item: item[1], reverse=True))

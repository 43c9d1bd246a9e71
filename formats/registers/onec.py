"""The 1C bank-exchange reader (`1CClientBankExchange`, format 1.0x).

Documents lie between `СекцияДокумент=<вид>` and `КонецДокумента`; only payment orders are
accepted. Fields: Номер, Сумма, ПолучательИНН, Получатель1 (or Получатель without its «ИНН …»
prefix), НазначениеПлатежа (or НазначениеПлатежа1…6), СрокПлатежа, ВидПлатежа=срочно. The
invoice number and date are taken from the purpose («по счету № 9327 от 21.11.2026») when
present. A document is located by the line of its `СекцияДокумент`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.register_checks import duplicates_in_file
from domain.register_fields import FieldError, build_row, cell_date
from domain.registers_rows import (
    ParsedRegister,
    PaymentRow,
    RegisterIssue,
    SourceFormat,
    row_location,
)
from formats.registers.errors import RegisterFileError
from formats.registers.limits import ReadLimits, too_many_rows
from formats.registers.table import RowSink

SIGNATURE = b"1CClientBankExchange"
_PAYMENT_ORDER = "платежноепоручение"
_INVOICE = re.compile(
    r"(?i)\bсч[её]т\w*\s*(?:на\s+оплату\s*)?(?:№|N|No\.?)?\s*([\w/-]+)\s+от\s+"
    r"(\d{1,2}\.\d{1,2}\.\d{2,4})"
)
_INN_PREFIX = re.compile(r"^ИНН\s*\d+\s*")


@dataclass(slots=True)
class _Document:
    line: int
    kind: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return row_location(self.line, self.fields.get("Номер", ""))


def read_onec(data: bytes, limits: ReadLimits, sink: RowSink | None = None) -> ParsedRegister:
    """``sink`` is not called: a bank file holds few payments, `read_register` passes them on."""
    text, encoding = decode_onec(data)
    documents, errors = _documents(text.splitlines())
    if len(documents) > limits.max_rows:
        raise too_many_rows(limits)
    if not documents and not errors:
        raise RegisterFileError("В выгрузке из 1С нет ни одного платёжного поручения.")
    rows: list[PaymentRow] = []
    for document in documents:
        problems = _kind_problem(document)
        if not problems:
            payment, problems = build_row(
                document.line, _cells(document), document.fields.get("Номер", "")
            )
            if payment is not None:
                rows.append(payment)
        errors.extend(RegisterIssue(document.line, f"{document.location}: {p}") for p in problems)
    found = tuple(rows)
    return ParsedRegister(
        found, tuple(errors), duplicates_in_file(found), SourceFormat.ONEC, encoding=encoding
    )


def decode_onec(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), else Windows-1251, or DOS (cp866) when the file says so."""
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    dos = body.decode("cp866", errors="replace")
    if "Кодировка=DOS" in dos:
        return dos, "cp866"
    return body.decode("windows-1251", errors="replace"), "windows-1251"


def _documents(lines: list[str]) -> tuple[list[_Document], list[RegisterIssue]]:
    documents: list[_Document] = []
    errors: list[RegisterIssue] = []
    current: _Document | None = None
    for number, raw in enumerate(lines, start=1):
        key, sep, value = raw.strip().partition("=")
        if key == "СекцияДокумент" and sep:
            if current is not None:
                errors.append(_unterminated(current))
            current = _Document(number, value.strip())
        elif current is None:
            if key == "КонецФайла":
                break
        elif key == "КонецДокумента":
            documents.append(current)
            current = None
        elif sep:
            current.fields.setdefault(key.strip(), value.strip())
    if current is not None:
        errors.append(_unterminated(current))
    return documents, errors


def _unterminated(document: _Document) -> RegisterIssue:
    return RegisterIssue(
        document.line, f"{document.location}: нет строки «КонецДокумента» — файл обрезан?"
    )


def _kind_problem(document: _Document) -> list[str]:
    kind = "".join(document.kind.casefold().replace("ё", "е").split())
    if kind == _PAYMENT_ORDER:
        return []
    return [f"вид документа «{document.kind[:40]}» не поддерживается — нужны платёжные поручения"]


def _cells(document: _Document) -> tuple[object, ...]:
    """The document's values in `FIELD_ORDER`."""
    f = document.fields
    purpose = f.get("НазначениеПлатежа") or " ".join(
        f.get(f"НазначениеПлатежа{i}", "") for i in range(1, 7)
    )
    counterparty = f.get("Получатель1") or _INN_PREFIX.sub("", f.get("Получатель", ""))
    invoice_number, invoice_date = _invoice(purpose)
    urgent = "да" if f.get("ВидПлатежа", "").casefold() == "срочно" else ""
    return (
        counterparty, f.get("ПолучательИНН", ""), f.get("Сумма", ""), purpose,
        invoice_number, invoice_date, None, f.get("СрокПлатежа", ""), urgent, None, None,
    )  # fmt: skip


def _invoice(purpose: str) -> tuple[str | None, object]:
    """«… по счету № 9327 от 21.11.2026 …» -> ("9327", date); derived, so never an error."""
    match = _INVOICE.search(purpose)
    if match is None:
        return None, None
    try:
        return match.group(1), cell_date(match.group(2), "дата счета")
    except FieldError:
        return match.group(1), None

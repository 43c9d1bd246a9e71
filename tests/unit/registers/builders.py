"""Test files made on the fly: .xlsx with XlsxWriter, CSV text, 1C exchange text, zips."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "registers"

HEADER_RU = [
    "№ п/п", "Контрагент", "ИНН", "№ счета", "Дата счета", "Назначение платежа",
    "Сумма, руб.", "Статья ДДС", "Срок оплаты", "Срочно", "Комментарий",
]  # fmt: skip
# Checksum-valid INNs (computed with domain.inn.complete_inn and checked by hand).
INN_A = "7707083893"
INN_B = "7736207543"
INN_PERSON = "500100732259"


@dataclass(frozen=True)
class Formula:
    """A formula cell with the value Excel would have cached."""

    text: str
    cached: float


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def xlsx(
    rows: Sequence[Sequence[object]],
    *,
    sheet: str = "Реестр",
    start_row: int = 0,
    merges: Sequence[tuple[str, str]] = (),
    hidden_rows: Sequence[int] = (),
    before: Sequence[str] = (),
) -> bytes:
    """An .xlsx whose sheet `sheet` holds `rows` from 0-based row `start_row`.

    `merges` are (range, text) written with merge_range; `hidden_rows` are 0-based;
    `before` names empty sheets placed in front of ours.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": True})
    date_format = book.add_format({"num_format": "dd.mm.yyyy"})
    for name in before:
        book.add_worksheet(name).write("A1", "не реестр")
    ws = book.add_worksheet(sheet)
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row):
            _write(ws, r, c, value, date_format)
    for cell_range, text in merges:
        ws.merge_range(cell_range, text)
    for r in hidden_rows:
        ws.set_row(r, None, None, {"hidden": True})
    book.close()
    return buffer.getvalue()


def _write(ws: object, r: int, c: int, value: object, date_format: object) -> None:
    if value is None:
        return
    if isinstance(value, Formula):
        ws.write_formula(r, c, value.text, None, value.cached)  # type: ignore[attr-defined]
    elif isinstance(value, datetime | date):
        ws.write_datetime(r, c, value, date_format)  # type: ignore[attr-defined]
    elif isinstance(value, str):
        ws.write_string(r, c, value)  # type: ignore[attr-defined]
    else:
        ws.write(r, c, value)  # type: ignore[attr-defined]


def payment(
    n: int,
    inn: str = INN_A,
    amount: object = 1000.5,
    *,
    counterparty: str = "ООО «Ромашка»",
    invoice: str | None = None,
    due: object = None,
    urgent: str = "",
) -> list[object]:
    """One row in the column order of HEADER_RU."""
    return [
        n, counterparty, inn, invoice or str(100 + n), date(2026, 11, 10),
        f"Оплата по счету № {invoice or 100 + n}", amount, "Аренда", due, urgent, "",
    ]  # fmt: skip


def zip_bytes(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def onec(documents: Sequence[dict[str, str]], *, kind: str = "Платежное поручение") -> str:
    """A 1C exchange text with one `СекцияДокумент` per dict (keys as in the format)."""
    lines = ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows"]
    for fields in documents:
        lines.append(f"СекцияДокумент={kind}")
        lines.extend(f"{key}={value}" for key, value in fields.items())
        lines.append("КонецДокумента")
    lines.append("КонецФайла")
    return "\r\n".join(lines) + "\r\n"

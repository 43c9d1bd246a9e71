"""The four public samples, with expected figures computed independently of the readers.

Independent sums: for .xlsx the amount cells are read straight from the sheet XML (zipfile +
regex, the stored decimal text, no calamine, no float); for CSV with the csv module under an
explicit «;» and cp1251; for 1C from the `Сумма=` lines. The literal figures were checked by
hand once with a separate script (awk over the iconv'd text and a Decimal sum over the XML):
ekb 15 495 315,76 (equal to its «Итого» cell), msk 6 993 003,00, nsk 1 745 881,26, and krd
1 803 100,11 in all minus rows 7, 10 (−1 500,00) and 12 = 1 344 043,60.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

from domain.registers_rows import SourceFormat, WarningKind
from formats.registers import ReadLimits, read_register
from tests.unit.registers.builders import fixture

EKB = "ekb-toyota_2026-11-30.xlsx"
MSK = "msk-kia_2026-11-30.csv"
NSK = "nsk-lexus_2026-11-30.txt"
KRD = "krd-hyundai_errors.xlsx"


def _xlsx_amounts(name: str) -> dict[int, Decimal]:
    """Column G's numeric cells by sheet row, as the decimal text stored in the XML."""
    xml = zipfile.ZipFile(io.BytesIO(fixture(name))).read("xl/worksheets/sheet1.xml").decode()
    cells = re.findall(r'<c r="G(\d+)"([^>]*)><v>([^<]*)</v>', xml)
    return {int(row): Decimal(text) for row, attrs, text in cells if 't="s"' not in attrs}


def test_the_ekb_workbook_reads_24_payments_without_title_rows_or_the_totals_row() -> None:
    parsed = read_register(EKB, fixture(EKB), ReadLimits())
    stored = _xlsx_amounts(EKB)
    stated_total = stored.pop(29)  # the «Итого» row
    assert parsed.ok and parsed.source_format is SourceFormat.XLSX
    assert parsed.sheet_name == "Реестр"
    assert len(parsed.rows) == 24
    assert [row.line for row in parsed.rows] == list(range(5, 29))
    assert {row.line: row.amount for row in parsed.rows} == stored
    assert parsed.total() == sum(stored.values()) == stated_total == Decimal("15495315.76")
    assert parsed.warnings == ()


def test_the_ekb_rows_carry_every_field() -> None:
    first, *_, last = read_register(EKB, fixture(EKB), ReadLimits()).rows
    assert first.counterparty == 'ООО «Рекламное агентство "Вектор"»'
    assert (first.inn, first.invoice_number) == ("9489068286", "6897")
    assert (first.invoice_date, first.due_date) == (date(2026, 11, 17), date(2026, 12, 1))
    assert (first.category, first.currency, first.urgent) == ("Логистика", "RUB", False)
    assert first.purpose.startswith("Оплата по договору 6897")
    assert (last.line, last.urgent, last.comment) == (28, True, "Согласовано с ДД")


def test_the_msk_csv_reads_15_payments_with_one_duplicate_warning() -> None:
    data = fixture(MSK)
    records = list(csv.reader(io.StringIO(data.decode("cp1251"), newline=""), delimiter=";"))
    expected = {
        n: Decimal(r[6].replace("\u00a0", "").replace(" ", "").replace(",", "."))
        for n, r in enumerate(records[1:], start=2)
    }
    parsed = read_register(MSK, data, ReadLimits())
    assert parsed.ok and parsed.source_format is SourceFormat.CSV
    assert parsed.encoding == "windows-1251"
    assert {row.line: row.amount for row in parsed.rows} == expected
    assert parsed.total() == sum(expected.values()) == Decimal("6993003.00")
    (warning,) = parsed.warnings
    assert warning.kind is WarningKind.DUPLICATE_IN_FILE
    assert warning.lines == (5, 11)
    assert warning.message == (
        "Строки 5 и 11: возможный дубль — ИНН 1852544965, счёт 1439, 69\u00a0391,47 ₽"
    )


def test_the_nsk_1c_file_reads_6_payment_orders() -> None:
    data = fixture(NSK)
    text = data.decode("cp1251")
    sums = [Decimal(v) for v in re.findall(r"^Сумма=(.+?)\r?$", text, flags=re.MULTILINE)]
    parsed = read_register(NSK, data, ReadLimits())
    assert parsed.ok and parsed.source_format is SourceFormat.ONEC
    assert [row.amount for row in parsed.rows] == sums
    assert parsed.total() == sum(sums) == Decimal("1745881.26")
    assert [row.document_number for row in parsed.rows] == [
        "101",
        "102",
        "103",
        "104",
        "105",
        "106",
    ]
    first = parsed.rows[0]
    assert (first.counterparty, first.inn) == ("ООО «Тойота Мотор»", "1982597911")
    assert (first.invoice_number, first.invoice_date) == ("9327", date(2026, 11, 21))
    assert first.location == "Документ №101 (строка 12)"


def test_the_krd_workbook_reports_exactly_its_three_errors_by_line() -> None:
    parsed = read_register(KRD, fixture(KRD), ReadLimits())
    assert [(e.line, e.message) for e in parsed.errors] == [
        (7, "Строка 7: ИНН 7707083894 — неверная контрольная сумма"),
        (10, "Строка 10: сумма −1\u00a0500,00 — должна быть больше нуля"),
        (12, "Строка 12: не указан контрагент"),
    ]
    assert not parsed.ok
    stored = _xlsx_amounts(KRD)
    del stored[15]  # «Итого»
    valid = {line: amount for line, amount in stored.items() if line not in (7, 10, 12)}
    assert {row.line: row.amount for row in parsed.rows} == valid
    assert parsed.total() == Decimal("1344043.60")

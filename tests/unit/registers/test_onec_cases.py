"""The 1C bank-exchange reader: encodings, field variants, and documents located by line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.registers_rows import WarningKind
from formats.registers import ReadLimits, RegisterFileError, read_register
from tests.unit.registers.builders import INN_A, INN_B, onec

DOC = {
    "Номер": "12",
    "Дата": "30.11.2026",
    "Сумма": "1500.50",
    "ПолучательИНН": INN_A,
    "Получатель": f"ИНН {INN_A} ООО «Ромашка»",
    "НазначениеПлатежа": "Оплата по счету № 77 от 01.11.2026, в т.ч. НДС",
}


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8", "utf-8-sig", "cp866"])
def test_the_file_is_read_in_any_of_its_encodings(encoding: str) -> None:
    text, name = onec([DOC]), "ООО «Ромашка»"
    if encoding == "cp866":  # DOS has no «», so the name is spelled with plain quotes
        text = text.replace("Кодировка=Windows", "Кодировка=DOS").replace("«", '"')
        text, name = text.replace("»", '"'), 'ООО "Ромашка"'
    (row,) = read_register("kl_to_1c.txt", text.encode(encoding), ReadLimits()).rows
    assert (row.counterparty, row.inn, row.amount) == (name, INN_A, Decimal("1500.50"))
    assert (row.invoice_number, row.invoice_date) == ("77", date(2026, 11, 1))
    assert (row.document_number, row.line) == ("12", 4)


def test_split_purpose_lines_urgency_and_due_date_are_read() -> None:
    doc = {k: v for k, v in DOC.items() if k != "НазначениеПлатежа"}
    doc |= {"НазначениеПлатежа1": "Аренда за декабрь", "НазначениеПлатежа2": "без НДС"}
    doc |= {"ВидПлатежа": "срочно", "СрокПлатежа": "05.12.2026"}
    (row,) = read_register("1c.txt", onec([doc]).encode("cp1251"), ReadLimits()).rows
    assert (row.purpose, row.urgent, row.due_date) == (
        "Аренда за декабрь без НДС",
        True,
        date(2026, 12, 5),
    )
    assert row.invoice_number is None


def test_errors_name_the_document_and_the_line_where_it_starts() -> None:
    bad = DOC | {"Номер": "40", "ПолучательИНН": "7707083894", "Сумма": "-5"}
    parsed = read_register("1c.txt", onec([DOC, bad]).encode("cp1251"), ReadLimits())
    assert [e.message for e in parsed.errors] == [
        "Документ №40 (строка 12): ИНН 7707083894 — неверная контрольная сумма",
        "Документ №40 (строка 12): сумма -5 — должна быть больше нуля",
    ]
    assert [e.line for e in parsed.errors] == [12, 12]


def test_other_kinds_of_documents_and_a_cut_off_file_are_errors() -> None:
    text = onec([DOC], kind="Платежное требование") + "СекцияДокумент=Платежное поручение\r\n"
    parsed = read_register("1c.txt", text.replace("КонецФайла\r\n", "").encode(), ReadLimits())
    assert [e.message for e in parsed.errors] == [
        "Документ (строка 12): нет строки «КонецДокумента» — файл обрезан?",
        "Документ №12 (строка 4): вид документа «Платежное требование» не поддерживается — "
        "нужны платёжные поручения",
    ]


def test_the_same_invoice_paid_twice_is_a_duplicate_warning() -> None:
    again = DOC | {"Номер": "13"}
    other = DOC | {"Номер": "14", "ПолучательИНН": INN_B}
    parsed = read_register("1c.txt", onec([DOC, again, other]).encode(), ReadLimits())
    (warning,) = parsed.warnings
    assert warning.kind is WarningKind.DUPLICATE_IN_FILE
    assert warning.message.startswith(
        "Документ №12 (строка 4) и Документ №13 (строка 12): возможный дубль — ИНН"
    )


def test_a_file_without_payment_orders_is_refused() -> None:
    with pytest.raises(RegisterFileError, match="нет ни одного платёжного поручения"):
        read_register("1c.txt", onec([]).encode(), ReadLimits())


def test_more_documents_than_the_cap_are_refused() -> None:
    data = onec([DOC | {"Номер": str(n)} for n in range(3)]).encode()
    with pytest.raises(RegisterFileError, match="больше 2 строк"):
        read_register("1c.txt", data, ReadLimits(max_rows=2))

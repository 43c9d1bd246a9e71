"""The .xlsx reader on workbooks generated here with XlsxWriter, one situation each."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from domain.inn import complete_inn
from domain.registers_rows import WarningKind
from formats.registers import ReadLimits, RegisterFileError, read_register
from tests.unit.registers.builders import HEADER_RU, INN_A, INN_B, Formula, payment, xlsx

LIMITS = ReadLimits()


def test_formulas_are_read_as_their_cached_values() -> None:
    rows = [
        HEADER_RU,
        payment(1, amount=Formula("=1000+0.5", 1000.5)),
        payment(2, INN_B, amount=Formula("=0.1+0.2", 0.1 + 0.2)),
        [None, "Итого", None, None, None, None, Formula("=SUM(G2:G3)", 1000.8)],
    ]
    parsed = read_register("r.xlsx", xlsx(rows), LIMITS)
    assert [r.amount for r in parsed.rows] == [Decimal("1000.50"), Decimal("0.30")]
    assert parsed.ok and parsed.warnings == ()


def test_merged_title_rows_above_the_header_are_not_payments() -> None:
    rows = [[], ["Сформировано: 1С"], [], HEADER_RU, payment(1), payment(2, INN_B)]
    data = xlsx(rows, merges=[("A1:K1", "Реестр платежей ДЦ «Тойота» на 30.11.2026")])
    parsed = read_register("r.xlsx", data, LIMITS)
    assert [r.line for r in parsed.rows] == [5, 6]


@pytest.mark.parametrize("label", ["Итого", "ИТОГО:", "Всего к оплате", "Total"])
def test_a_totals_row_is_not_a_payment(label: str) -> None:
    rows = [HEADER_RU, payment(1), payment(2, INN_B), [None, label, None, None, None, None, 2001]]
    parsed = read_register("r.xlsx", xlsx(rows), LIMITS)
    assert len(parsed.rows) == 2 and parsed.ok
    assert parsed.warnings == ()


def test_a_totals_row_that_disagrees_with_the_payments_is_a_warning() -> None:
    rows = [HEADER_RU, payment(1), payment(2, INN_B), [None, "Итого", None, None, None, None, 5]]
    parsed = read_register("r.xlsx", xlsx(rows), LIMITS)
    (warning,) = parsed.warnings
    assert warning.kind is WarningKind.TOTALS_MISMATCH and warning.lines == (4,)
    assert "2\u00a0001,00" in warning.message


def test_signatures_below_the_totals_are_ignored_but_payments_there_are_read() -> None:
    rows = [
        HEADER_RU,
        payment(1),
        [None, "Итого", None, None, None, None, 1000.5],
        [],
        [None, "Главный бухгалтер ________ Иванова"],
        payment(9, INN_B, amount=7.0),
    ]
    parsed = read_register("r.xlsx", xlsx(rows), LIMITS)
    assert [r.line for r in parsed.rows] == [2, 6]


def test_english_headers_and_dates_stored_as_plain_numbers_are_understood() -> None:
    header = ["No", "Payee", "INN", "Invoice #", "Invoice date", "Purpose", "Amount"]
    header += ["Category", "Due Date", "Urgent", "Comment", "Currency"]
    serial = (date(2026, 11, 30) - date(1899, 12, 30)).days
    row = [1, "ACME LLC", INN_A, "A-7", serial, "Invoice A-7", 99.99, "IT", float(serial)]
    row += ["yes", "ok", "usd"]
    parsed = read_register("r.xlsx", xlsx([header, row]), LIMITS)
    (got,) = parsed.rows
    assert (got.invoice_date, got.due_date) == (date(2026, 11, 30), date(2026, 11, 30))
    assert (got.invoice_number, got.urgent, got.currency, got.comment) == (
        "A-7",
        True,
        "USD",
        "ok",
    )
    assert parsed.totals_by_currency() == {"USD": Decimal("99.99")}
    assert parsed.total() == Decimal("0.00")


def test_header_names_ignore_case_spaces_and_punctuation() -> None:
    header = ["КОНТРАГЕНТ ", "инн:", "Сумма (руб.)", "назначение", "Срок  оплаты"]
    row = ["ООО «Ромашка»", INN_A, "1 234,56", "Оплата", "30.11.2026"]
    parsed = read_register("r.xlsx", xlsx([header, row]), LIMITS)
    (got,) = parsed.rows
    assert (got.amount, got.due_date) == (Decimal("1234.56"), date(2026, 11, 30))


def test_dates_as_datetimes_and_as_text_are_read() -> None:
    rows = [
        HEADER_RU,
        payment(1, due=datetime.combine(date(2026, 12, 1), time(15, 30))),
        payment(2, INN_B, due="2026-12-02"),
        payment(3, INN_A, due="03.12.2026 0:00:00", invoice="77"),
        payment(4, INN_B, due="31.02.2026"),
    ]
    parsed = read_register("r.xlsx", xlsx(rows), LIMITS)
    assert [r.due_date for r in parsed.rows] == [date(2026, 12, d) for d in (1, 2, 3)]
    assert [e.message for e in parsed.errors] == [
        "Строка 5: срок оплаты «31.02.2026» — не похоже на дату"
    ]


def test_hidden_rows_are_paid_and_named_in_a_warning() -> None:
    rows = [HEADER_RU, payment(1), payment(2, INN_B), payment(3, INN_A, invoice="9")]
    parsed = read_register("r.xlsx", xlsx(rows, hidden_rows=[1, 3]), LIMITS)
    assert len(parsed.rows) == 3
    (warning,) = parsed.warnings
    assert warning.kind is WarningKind.HIDDEN_ROWS and warning.lines == (2, 4)
    assert warning.message.startswith("Строки 2, 4 скрыты в файле")


def test_a_value_merged_down_belongs_to_each_row_but_an_amount_is_never_copied() -> None:
    rows = [HEADER_RU, payment(1), payment(2, invoice="55"), payment(3), payment(4, INN_B)]
    rows[1][1] = rows[2][1] = rows[3][6] = rows[4][6] = None  # under the merges below
    merges = [("B2:B3", "ООО «Общая»"), ("G4:G5", "500")]
    parsed = read_register("r.xlsx", xlsx(rows, merges=merges), LIMITS)
    assert [(r.line, r.counterparty) for r in parsed.rows[:2]] == [
        (2, "ООО «Общая»"),
        (3, "ООО «Общая»"),
    ]
    assert [r.amount for r in parsed.rows if r.line == 4] == [Decimal("500.00")]
    assert [e.message for e in parsed.errors] == ["Строка 5: не указана сумма"]


def test_the_sheet_named_like_a_register_is_chosen_over_the_first() -> None:
    data = xlsx([HEADER_RU, payment(1)], sheet="Реестр платежей", before=["Инструкция"])
    assert read_register("r.xlsx", data, LIMITS).sheet_name == "Реестр платежей"


def test_without_such_a_name_the_first_sheet_is_read_even_if_the_table_is_elsewhere() -> None:
    data = xlsx([HEADER_RU, payment(1)], sheet="Лист2", before=["Лист1"])
    with pytest.raises(RegisterFileError, match="Не найдена строка заголовков в первых 20"):
        read_register("r.xlsx", data, LIMITS)


def test_the_header_is_found_down_to_row_20_and_not_below() -> None:
    found = read_register("r.xlsx", xlsx([HEADER_RU, payment(1)], start_row=19), LIMITS)
    assert [r.line for r in found.rows] == [21]
    with pytest.raises(RegisterFileError, match="Не найдена строка заголовков"):
        read_register("r.xlsx", xlsx([HEADER_RU, payment(1)], start_row=20), LIMITS)


def test_a_missing_required_column_is_named() -> None:
    header = ["Контрагент", "Сумма", "Назначение платежа", "Комментарий"]
    data = xlsx([["Реестр"], header, ["ООО", 5, "Оплата", ""]])
    with pytest.raises(RegisterFileError) as caught:
        read_register("r.xlsx", data, LIMITS)
    assert caught.value.message == "Строка 2: в заголовке таблицы нет столбцов «ИНН»."


def test_an_empty_sheet_and_a_header_without_payments_are_refused() -> None:
    with pytest.raises(RegisterFileError, match="пустой"):
        read_register("r.xlsx", xlsx([]), LIMITS)
    with pytest.raises(RegisterFileError, match="нет ни одного платежа"):
        read_register("r.xlsx", xlsx([HEADER_RU, [], [1], [2]]), LIMITS)


def test_blank_and_pre_numbered_template_rows_are_skipped() -> None:
    rows = [HEADER_RU, payment(1), [], [2], ["   "], payment(3, INN_B)]
    parsed = read_register("r.xlsx", xlsx(rows), LIMITS)
    assert [r.line for r in parsed.rows] == [2, 6] and parsed.ok


def test_a_numeric_inn_cell_gets_back_its_leading_zero() -> None:
    inn = complete_inn("027406211")
    assert inn.startswith("0")
    parsed = read_register("r.xlsx", xlsx([HEADER_RU, payment(1, int(inn))]), LIMITS)
    assert parsed.rows[0].inn == inn


@pytest.mark.parametrize(
    ("value", "urgent"), [("x", True), ("+", True), ("Срочно", True), ("нет", False), (1, True)]
)
def test_the_urgent_flag_accepts_the_usual_marks(value: object, urgent: bool) -> None:
    row = payment(1)
    row[9] = value
    assert read_register("r.xlsx", xlsx([HEADER_RU, row]), LIMITS).rows[0].urgent is urgent


def test_every_problem_of_a_row_is_reported_on_its_line() -> None:
    row = [1, "", "123", "", "", "", "abc", "", "завтра", "может быть", ""]
    parsed = read_register("r.xlsx", xlsx([HEADER_RU, payment(1), row]), LIMITS)
    assert [e.message for e in parsed.errors] == [
        "Строка 3: не указан контрагент",
        "Строка 3: ИНН 123 — должен состоять из 10 или 12 цифр",
        "Строка 3: сумма «abc» не распознана",
        "Строка 3: не указано назначение платежа",
        "Строка 3: срок оплаты «завтра» — не похоже на дату",
        "Строка 3: Срочно: «может быть» — укажите «да» или оставьте пустым",
    ]
    assert {e.line for e in parsed.errors} == {3}


def test_a_row_without_inn_whose_purpose_mentions_totals_is_still_an_error() -> None:
    row = payment(2, "")
    row[5] = "Итого за ноябрь по договору аренды"
    parsed = read_register("r.xlsx", xlsx([HEADER_RU, payment(1), row]), LIMITS)
    assert [e.message for e in parsed.errors] == ["Строка 3: не указан ИНН"]

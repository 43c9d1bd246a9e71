"""Warnings over parsed rows: duplicates (in the file and against earlier registers), overdue
payments, amounts over the general director's threshold; and the register's totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.register_checks import (
    PriorItem,
    duplicate_key,
    duplicates_against,
    duplicates_in_file,
    over_threshold,
    overdue,
)
from domain.registers_rows import ParsedRegister, PaymentRow, SourceFormat, WarningKind
from formats.registers import ReadLimits, read_register
from tests.unit.registers.builders import INN_A, INN_B, fixture


def _row(
    line: int,
    inn: str = INN_A,
    invoice: str | None = "15",
    amount: str = "100.00",
    **extra: object,
) -> PaymentRow:
    row = PaymentRow(line, "ООО «Ромашка»", inn, Decimal(amount), "Оплата", invoice)
    return row._replace(**extra)


def test_the_same_inn_invoice_and_amount_twice_is_one_warning_naming_both_lines() -> None:
    rows = [_row(2), _row(3, invoice="16"), _row(4, invoice="№ 015"), _row(5, INN_B)]
    (warning,) = duplicates_in_file(rows)
    assert warning.kind is WarningKind.DUPLICATE_IN_FILE and warning.lines == (2, 4)
    assert warning.message == "Строки 2 и 4: возможный дубль — ИНН 7707083893, счёт 15, 100,00 ₽"


def test_three_copies_make_one_warning_and_a_different_amount_is_no_duplicate() -> None:
    rows = [_row(2), _row(3), _row(7), _row(8, amount="100.01")]
    (warning,) = duplicates_in_file(rows)
    assert warning.lines == (2, 3, 7)
    assert warning.message.startswith("Строки 2, 3 и 7:")


def test_without_invoice_numbers_the_purpose_decides() -> None:
    assert duplicate_key(INN_A, None, Decimal(5), "Аренда  за май") == duplicate_key(
        INN_A, "", Decimal(5), "аренда за май"
    )
    assert duplicate_key(INN_A, None, Decimal(5), "Аренда за май") != duplicate_key(
        INN_A, None, Decimal(5), "Аренда за июнь"
    )


def test_a_payment_already_in_another_dcs_register_is_flagged_with_where() -> None:
    prior = [
        PriorItem(INN_A, "15", Decimal("100.00"), "реестр от 25.11.2026", "Тойота Екатеринбург"),
        PriorItem(INN_A, "15", Decimal("100.00"), "реестр от 27.11.2026", "КИА Москва"),
        PriorItem(INN_B, "15", Decimal("100.00"), "реестр от 27.11.2026", "КИА Москва"),
    ]
    (warning,) = duplicates_against([_row(6), _row(7, invoice="99")], prior)
    assert warning.kind is WarningKind.DUPLICATE_PRIOR and warning.lines == (6,)
    assert warning.message == (
        "Строка 6: возможный дубль — ИНН 7707083893, счёт 15, 100,00 ₽ уже есть: "
        "реестр от 25.11.2026, Тойота Екатеринбург; реестр от 27.11.2026, КИА Москва"
    )


def test_an_overdue_payment_is_a_warning_but_today_is_not_overdue() -> None:
    rows = [_row(2, due_date=date(2026, 11, 29)), _row(3, due_date=date(2026, 11, 30)), _row(4)]
    (warning,) = overdue(rows, date(2026, 11, 30))
    assert (warning.kind, warning.lines) == (WarningKind.DUE_DATE_PASSED, (2,))
    assert warning.message == "Строка 2: срок оплаты 29.11.2026 прошёл"


def test_amounts_at_or_over_the_threshold_are_flagged_in_rubles_only() -> None:
    rows = [
        _row(2, amount="999999.99"),
        _row(3, amount="1000000.00"),
        _row(4, amount="5000000.00", currency="USD"),
    ]
    (warning,) = over_threshold(rows, Decimal("1000000"))
    assert (warning.kind, warning.lines) == (WarningKind.OVER_THRESHOLD, (3,))
    assert "не меньше порога 1\u00a0000\u00a0000,00 ₽" in warning.message


def test_overdue_and_large_payments_of_the_ekb_sample_on_its_payment_day() -> None:
    parsed = read_register("ekb.xlsx", fixture("ekb-toyota_2026-11-30.xlsx"), ReadLimits())
    warnings = overdue(parsed.rows, date(2026, 11, 30)) + over_threshold(
        parsed.rows, Decimal("1000000")
    )
    overdue_lines = [w.lines[0] for w in warnings if w.kind is WarningKind.DUE_DATE_PASSED]
    large_lines = [w.lines[0] for w in warnings if w.kind is WarningKind.OVER_THRESHOLD]
    assert overdue_lines == [8, 10, 17]  # due 29.11, 28.11, 29.11
    assert large_lines == [15, 26]  # 6 431 936,19 and 4 400 917,69
    assert len(parsed.warnings + warnings) == 5


def test_a_1c_document_is_located_by_its_number_in_warnings() -> None:
    rows = [_row(12, document_number="101"), _row(40, document_number="105")]
    (warning,) = duplicates_in_file(rows)
    assert warning.message.startswith("Документ №101 (строка 12) и Документ №105 (строка 40):")


def test_totals_are_kept_per_currency_and_per_category() -> None:
    rows = (
        _row(2, amount="10.50", category="Аренда"),
        _row(3, amount="5.25", category="Связь"),
        _row(4, amount="20.00", category="Аренда"),
        _row(5, amount="1.00"),
        _row(6, amount="7.00", currency="EUR"),
    )
    parsed = ParsedRegister(rows, (), (), SourceFormat.CSV)
    assert parsed.total() == Decimal("36.75") and parsed.total("EUR") == Decimal("7.00")
    assert parsed.currencies == ("EUR", "RUB")
    assert parsed.totals_by_currency() == {"RUB": Decimal("36.75"), "EUR": Decimal("7.00")}
    assert list(parsed.totals_by_category().items()) == [
        ("Аренда", Decimal("30.50")),
        ("Связь", Decimal("5.25")),
        (None, Decimal("1.00")),
    ]

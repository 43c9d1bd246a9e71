"""The day's approved payments as .xlsx and as a 1C bank-exchange file: formula injection is
defused, amounts are exact numbers, dates are dates, and both files read back through our
own register readers to the same payments and sums."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from domain.inn import complete_inn
from formats.exports import ApprovedPayment, PayerDetails, onec_exchange, payments_xlsx
from formats.exports.onec import PURPOSE_LIMIT
from formats.registers import read_register

DAY = date(2026, 11, 30)
MSK = ZoneInfo("Europe/Moscow")
CREATED = datetime(2026, 11, 30, 14, 0, 5, tzinfo=MSK)  # head-office wall time
AT = datetime(2026, 1, 1, tzinfo=MSK)
EKB = PayerDetails(
    payer="ООО «Тойота Центр Екатеринбург»", inn="6671000017", kpp="667101001",
    account="40702810016540000001", bank="Уральский банк ПАО Сбербанк",
    bik="046577674", correspondent_account="30101810500000000674", bank_city="Екатеринбург",
)  # fmt: skip
INJECTIONS = ['=HYPERLINK("http://evil","x")', "+7(999)", "-2+3", "@SUM(A1)", "=1+1"]


def payment(n: int, amount: str, **changes: object) -> ApprovedPayment:
    fields: dict[str, object] = {
        "dc_code": "ekb-toyota", "dc_name": "Тойота Центр Екатеринбург", "register_id": 12,
        "position": n, "payment_date": DAY, "counterparty": f"ООО «Поставщик {n}»",
        "inn": complete_inn(f"66710{n:04d}"), "amount": Decimal(amount),
        "purpose": f"Оплата по счету № {n} от 01.11.2026 за запчасти", "invoice_number": str(n),
        "invoice_date": date(2026, 11, 1), "category": "Запчасти",
    }  # fmt: skip
    fields.update(changes)
    return ApprovedPayment(**fields)  # type: ignore[arg-type]


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def rows(data: bytes) -> list[list[object]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def test_cells_that_look_like_formulas_are_written_as_quoted_text():
    payments = [payment(n, "10.00", counterparty=text, purpose=text)
                for n, text in enumerate(INJECTIONS, start=1)]  # fmt: skip
    data = payments_xlsx(payments, DAY)
    xml = sheet_xml(data)
    assert "<f>" not in xml  # not one formula in the sheet
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("xl/styles.xml").decode()
    assert 'quotePrefix="1"' in styles
    read = rows(data)
    assert [row[5] for row in read[3:8]] == INJECTIONS
    for number in range(4, 9):  # counterparty (F) and purpose (J) cells are shared strings
        for column in "FJ":
            cell = re.search(rf'<c r="{column}{number}" s="(\d+)" t="s">', xml)
            assert cell is not None


def test_amounts_are_exact_numbers_and_dates_are_dates():
    amounts = ["0.10", "0.20", "1234567.89", "99999999999.99", "0.01"]
    data = payments_xlsx([payment(n, a) for n, a in enumerate(amounts, start=1)], DAY)
    xml = sheet_xml(data)
    for amount in amounts:
        assert f"<v>{Decimal(amount)}</v>" in xml  # the exact digits, no binary error
    assert "<v>100001234568.19</v>" in xml  # the total, as exact
    assert "9999999999.99001" not in xml
    read = rows(data)
    assert [Decimal(str(row[13])) for row in read[3:8]] == [Decimal(a) for a in amounts]
    assert read[3][4] == DAY and read[3][8] == date(2026, 11, 1)
    total = Decimal(str(read[9][13]))
    assert total == sum((Decimal(a) for a in amounts), Decimal(0))


def test_the_workbook_reads_back_through_the_register_reader():
    payments = [
        payment(1, "1500.00", urgent=True),
        payment(2, "0.99", counterparty="=cmd|' /C calc'!A0"),
    ]
    parsed = read_register("payments.xlsx", payments_xlsx(payments, DAY))
    assert not parsed.errors and not parsed.warnings
    assert [(r.counterparty, r.inn, r.amount, r.purpose, r.urgent) for r in parsed.rows] == [
        (p.counterparty, p.inn, p.amount, p.purpose, p.urgent) for p in payments
    ]


def test_an_empty_day_still_makes_a_valid_workbook():
    assert rows(payments_xlsx([], DAY))[0][0] == "Согласованные платежи на 30.11.2026"


def test_the_1c_file_is_windows_1251_with_crlf_and_the_bank_header():
    bank = onec_exchange([payment(1, "1234.56")], {"ekb-toyota": EKB}, day=DAY,
                         created_at=CREATED)  # fmt: skip
    assert bank.data is not None
    text = bank.data.decode("windows-1251")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert lines[:4] == ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows",
                         "Отправитель=Viza"]  # fmt: skip
    for expected in (
        "ДатаСоздания=30.11.2026", "ВремяСоздания=14:00:05", "ДатаНачала=30.11.2026",
        "ДатаКонца=30.11.2026", "РасчСчет=40702810016540000001",
        "СекцияДокумент=Платежное поручение", "Номер=1", "Дата=30.11.2026", "Сумма=1234.56",
        "ПлательщикСчет=40702810016540000001", "ПлательщикИНН=6671000017",
        "ПлательщикКПП=667101001", "ПлательщикБИК=046577674",
        "ПлательщикКорсчет=30101810500000000674",
        "ПлательщикБанк1=Уральский банк ПАО Сбербанк", "Очередность=5", "КонецДокумента",
    ):  # fmt: skip
        assert expected in lines, expected
    assert lines[-2:] == ["КонецФайла", ""]
    assert f"ПолучательИНН={payment(1, '1').inn}" in lines


def test_the_1c_file_parses_back_to_the_same_payments_and_sums():
    payments = [payment(n, f"{n * 1000}.{n:02d}", urgent=n == 2) for n in range(1, 8)]
    bank = onec_exchange(payments, {"ekb-toyota": EKB}, day=DAY,
                         created_at=AT)  # fmt: skip
    assert bank.data is not None
    parsed = read_register("bank.txt", bank.data)
    assert not parsed.errors
    assert [(r.counterparty, r.inn, r.amount, r.purpose, r.urgent, r.invoice_number)
            for r in parsed.rows] == [
        (p.counterparty, p.inn, p.amount, p.purpose, p.urgent, p.invoice_number)
        for p in payments
    ]  # fmt: skip
    assert sum((r.amount for r in parsed.rows), Decimal(0)) == bank.total


def test_payments_without_payer_details_or_in_foreign_currency_are_left_out_and_reported():
    payments = [
        payment(1, "100.00"),
        payment(2, "200.00", dc_code="msk-kia", dc_name="Киа Центр Москва Юг"),
        payment(3, "300.00", currency="USD"),
    ]
    bank = onec_exchange(payments, {"ekb-toyota": EKB}, day=DAY, created_at=AT)
    assert [p.position for p in bank.included] == [1]
    assert [p.position for p in bank.without_payer] == [2]
    assert [p.position for p in bank.foreign_currency] == [3]
    nothing = onec_exchange(payments[1:], {"ekb-toyota": EKB}, day=DAY,
                            created_at=AT)  # fmt: skip
    assert nothing.data is None


def test_values_are_single_lines_and_the_purpose_fits_a_payment_order():
    long = "Оплата\nпо счёту № 7 от 01.11.2026 😀 " + "очень длинное назначение " * 20
    bank = onec_exchange([payment(1, "5.00", purpose=long, counterparty="ООО\r\n«Перенос»")],
                         {"ekb-toyota": EKB}, day=DAY, created_at=AT)  # fmt: skip
    assert bank.data is not None
    text = bank.data.decode("windows-1251")
    purpose = next(line for line in text.split("\r\n") if line.startswith("НазначениеПлатежа="))
    assert len(purpose.removeprefix("НазначениеПлатежа=")) == PURPOSE_LIMIT
    assert "?" in purpose  # the emoji Windows-1251 lacks
    parsed = read_register("bank.txt", bank.data)
    assert parsed.rows[0].counterparty == "ООО «Перенос»"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=10**13),
            st.text(alphabet="АБВГДабвгд «»-.,№ 0123456789QWzx", min_size=1, max_size=60),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_any_approved_payments_round_trip_through_the_1c_file(generated):
    payments = [
        payment(n, str(Decimal(kopecks) / 100), counterparty=name.strip() or "ООО",
                purpose=f"Назначение {name}".strip())
        for n, (kopecks, name) in enumerate(generated, start=1)
    ]  # fmt: skip
    bank = onec_exchange(payments, {"ekb-toyota": EKB}, day=DAY, created_at=AT)
    assert bank.data is not None
    parsed = read_register("bank.txt", bank.data)
    assert not parsed.errors
    assert [r.amount for r in parsed.rows] == [p.amount for p in payments]
    assert sum((r.amount for r in parsed.rows), Decimal(0)) == bank.total


@pytest.mark.parametrize("amount", ["0.01", "1.10", "100", "9999999999999.99"])
def test_amounts_in_the_1c_file_are_roubles_with_a_dot_and_kopecks(amount):
    bank = onec_exchange([payment(1, amount)], {"ekb-toyota": EKB}, day=DAY,
                         created_at=AT)  # fmt: skip
    assert bank.data is not None
    expected = f"Сумма={Decimal(amount).quantize(Decimal('0.01'))}\r\n"
    assert expected.encode("windows-1251") in bank.data

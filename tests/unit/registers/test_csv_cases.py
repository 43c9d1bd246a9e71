"""The CSV reader: encodings and delimiters are detected; line numbers are the file's lines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from formats.registers import ReadLimits, RegisterFileError, read_register
from tests.unit.registers.builders import INN_A, INN_B

HEADER = ["Контрагент", "ИНН", "Сумма, руб.", "Назначение платежа", "Срочно"]
ROWS = [
    ["ООО «Ромашка»", INN_A, "1 234,56", "Оплата по счету 1", "да"],
    ["ИП Петров", INN_B, "99,10", "Оплата по счету 2", ""],
]


def _text(delimiter: str) -> str:
    def quote(cell: str) -> str:
        return f'"{cell}"' if delimiter in cell else cell

    return "\r\n".join(delimiter.join(quote(c) for c in row) for row in [HEADER, *ROWS]) + "\r\n"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16"])
def test_any_accepted_encoding_and_delimiter_is_detected(delimiter: str, encoding: str) -> None:
    parsed = read_register("r.csv", _text(delimiter).encode(encoding), ReadLimits())
    assert [(r.line, r.amount, r.urgent) for r in parsed.rows] == [
        (2, Decimal("1234.56"), True),
        (3, Decimal("99.10"), False),
    ]
    assert parsed.rows[0].counterparty == "ООО «Ромашка»"


def test_the_encoding_is_reported() -> None:
    assert read_register("r.csv", _text(";").encode("cp1251"), ReadLimits()).encoding == (
        "windows-1251"
    )
    assert read_register("r.csv", _text(";").encode("utf-8-sig"), ReadLimits()).encoding == (
        "utf-8-sig"
    )


def test_line_numbers_count_blank_lines_titles_and_quoted_line_breaks() -> None:
    text = (
        "Реестр платежей на 30.11.2026\n"
        "\n"
        "Контрагент;ИНН;Сумма;Назначение\n"
        f'ООО «А»;{INN_A};10;"Оплата\nв две строки"\n'
        "\n"
        f"ООО «Б»;{INN_B + '9'};20;Оплата\n"
        ";;;\n"
        "Итого;;30;\n"
    )
    parsed = read_register("r.csv", text.encode(), ReadLimits())
    assert [(r.line, r.purpose) for r in parsed.rows] == [(4, "Оплата в две строки")]
    assert [e.message for e in parsed.errors] == [
        "Строка 7: ИНН 77362075439 — должен состоять из 10 или 12 цифр"
    ]


def test_a_csv_named_xlsx_is_still_read_as_csv() -> None:
    assert len(read_register("реестр.xlsx", _text(";").encode(), ReadLimits()).rows) == 2


def test_an_unclosed_quote_is_reported_with_its_line() -> None:
    text = _text(";") + '"ООО В;' + INN_A + ";5;x\n" + "a" * 200_000 + "\n"
    with pytest.raises(RegisterFileError, match=r"^Строка 4: не удалось разобрать CSV"):
        read_register("r.csv", text.encode(), ReadLimits())


def test_a_text_file_without_a_header_is_refused() -> None:
    with pytest.raises(RegisterFileError, match="Не найдена строка заголовков"):
        read_register("r.csv", "просто текст\nещё текст\n".encode(), ReadLimits())


def test_too_many_rows_are_refused_naming_the_cap() -> None:
    body = "".join(f"ООО;{INN_A};{n},00;Оплата {n}\n" for n in range(1, 12))
    data = ("Контрагент;ИНН;Сумма;Назначение\n" + body).encode()
    assert len(read_register("r.csv", data, ReadLimits(max_rows=11)).rows) == 11
    with pytest.raises(RegisterFileError) as caught:
        read_register("r.csv", data, ReadLimits(max_rows=10))
    assert caught.value.message == (
        "В файле больше 10 строк — это предел для одного реестра. "
        "Разделите реестр на несколько файлов."
    )

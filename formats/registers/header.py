"""Finding the header row of a register table by its column names.

Names are compared after folding case, «ё» to «е», and dropping everything but letters and
digits, so «Сумма, руб.», «СУММА РУБ» and «сумма(руб)» are the same name. Unknown columns
(«№ п/п», «КПП», «Банк»...) are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.register_fields import FIELD_ORDER, FIELD_TITLES, REQUIRED_FIELDS
from formats.registers.errors import RegisterFileError

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "counterparty": (
        "контрагент", "получатель", "поставщик", "наименованиеполучателя", "получательплатежа",
        "наименованиеконтрагента", "наименованиепоставщика", "контрагентполучатель",
        "payee", "payeename", "counterparty", "recipient", "beneficiary", "supplier", "vendor",
    ),
    "inn": (
        "инн", "иннполучателя", "иннконтрагента", "иннпоставщика", "inn", "payeeinn", "taxid",
        "tin",
    ),
    "amount": (
        "сумма", "суммаруб", "суммарублей", "суммавруб", "суммакоплате",
        "суммакоплатеруб", "суммаплатежа", "суммаплатежаруб", "суммасндс", "суммасндсруб",
        "amount", "amountrub", "sum", "paymentamount",
    ),
    "purpose": (
        "назначениеплатежа", "назначение", "основаниеплатежа", "purpose", "paymentpurpose",
        "description", "details", "paymentdetails",
    ),
    "invoice_number": (
        "счет", "счета", "номерсчета", "счетномер", "номерсчетанаоплату", "счетнаоплату",
        "invoice", "invoiceno", "invoicenumber", "invoicenum",
    ),
    "invoice_date": ("датасчета", "датасчет", "счетдата", "invoicedate", "dateofinvoice"),
    "category": (
        "статьяддс", "статья", "статьярасходов", "статьябюджета", "статьядвижения",
        "category", "expensecategory", "cashflowitem",
    ),
    "due_date": (
        "срокоплаты", "оплатитьдо", "крайнийсрок", "срокплатежа", "датаоплаты",
        "duedate", "payby", "deadline", "paymentdue",
    ),
    "urgent": ("срочно", "срочный", "срочность", "срочныйплатеж", "urgent"),
    "comment": (
        "комментарий", "комментарии", "примечание", "примечания", "comment", "comments",
        "note", "notes", "remark", "remarks",
    ),
    "currency": ("валюта", "валютаплатежа", "currency", "ccy"),
}  # fmt: skip
HEADER_NAMES: dict[str, str] = {
    name: field for field, names in _SYNONYMS.items() for name in names
}


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """The header row (0-based index into the scanned rows) and field -> 0-based column."""

    index: int
    columns: dict[str, int]

    @property
    def free_text_columns(self) -> frozenset[int]:
        """Columns whose text is the accountant's prose (purpose, category, comment)."""
        names = ("purpose", "category", "comment")
        return frozenset(self.columns[name] for name in names if name in self.columns)

    def indices(self, absent: int) -> tuple[int, ...]:
        """Column per field of `FIELD_ORDER`; `absent` stands for a missing column."""
        return tuple(self.columns.get(name, absent) for name in FIELD_ORDER)


def normalize_name(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value.casefold().replace("ё", "е") if ch.isalnum())


def match_columns(cells: Sequence[object]) -> dict[str, int]:
    """Field -> column for the cells that carry known names (the first of duplicates wins)."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = HEADER_NAMES.get(normalize_name(cell))
        if field is not None and field not in columns:
            columns[field] = index
    return columns


def find_header(rows: Sequence[Sequence[object]]) -> HeaderMatch | None:
    """The first row naming at least three fields, two of them required; None if none does."""
    for index, cells in enumerate(rows):
        columns = match_columns(cells)
        required = sum(1 for name in REQUIRED_FIELDS if name in columns)
        if len(columns) >= 3 and required >= 2:
            return HeaderMatch(index, columns)
    return None


def require_columns(header: HeaderMatch, line: int) -> None:
    """Raise with the missing required columns named, as the accountant would call them."""
    missing = [FIELD_TITLES[name] for name in REQUIRED_FIELDS if name not in header.columns]
    if missing:
        names = ", ".join(f"«{title}»" for title in missing)
        raise RegisterFileError(f"Строка {line}: в заголовке таблицы нет столбцов {names}.")


def header_not_found(scanned: int) -> RegisterFileError:
    names = ", ".join(f"«{FIELD_TITLES[name]}»" for name in REQUIRED_FIELDS)
    return RegisterFileError(
        f"Не найдена строка заголовков в первых {scanned} строках: нужны столбцы {names}."
    )

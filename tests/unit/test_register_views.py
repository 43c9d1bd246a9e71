"""The register card and error report stay within Telegram's limits whatever the file held,
escape every user text, and their buttons carry short callback data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n

from handlers import register_keyboards as keyboards
from handlers import register_views as views
from handlers.approval_callbacks import CardTap, CardVerb
from handlers.register_callbacks import DraftAction, DraftDate, DraftVerb, UploadDc
from services.register_ports import (
    CategoryTotal,
    DealerCenterRef,
    RegisterStatus,
    RegisterSummary,
)
from services.registers import Rejected, rejection_report

LOCALES = Path(__file__).resolve().parents[2] / "locales"
HOSTILE = "<b>ООО «Рога & Копыта»</b> 😀" * 20


@pytest.fixture(autouse=True)
def russian() -> Iterator[None]:
    with I18n(path=LOCALES, default_locale="ru").context():
        yield


def summary(**changes: object) -> RegisterSummary:
    fields: dict[str, object] = {
        "id": 2_147_483_647,
        "version": 1_000_000,
        "status": RegisterStatus.DRAFT,
        "dc": DealerCenterRef(1, "ekb-toyota", "Тойота Центр Екатеринбург", "Екатеринбург"),
        "uploaded_by_id": 1,
        "payment_date": date(2026, 11, 30),
        "earliest_payment_date": date(2026, 11, 30),
        "item_count": 24,
        "totals": {"RUB": Decimal("15495315.76"), "USD": Decimal("10.00")},
        "by_category": (CategoryTotal("Логистика", Decimal("15495315.76"), 24),),
        "warnings": (),
        "filename": "ekb-toyota_2026-11-30.xlsx",
        "created_at": datetime(2026, 11, 30, 7, tzinfo=UTC),
    }
    fields.update(changes)
    return RegisterSummary(**fields)  # type: ignore[arg-type]


def test_the_card_shows_dc_date_rows_total_and_categories() -> None:
    text = views.card(summary(warnings=("Строка 5: срок оплаты 29.11.2026 прошёл",)))
    assert "Тойота Центр Екатеринбург" in text and "30.11.2026" in text
    assert "Платежей: <b>24</b>" in text and "15\u00a0495\u00a0315,76 ₽" in text
    assert "Логистика" in text and "10,00 USD" in text
    assert "Строка 5: срок оплаты 29.11.2026 прошёл" in text


def test_a_card_of_hostile_and_huge_data_stays_within_the_limit_and_escaped() -> None:
    huge = summary(
        filename=HOSTILE,
        dc=DealerCenterRef(1, "x", HOSTILE, HOSTILE),
        by_category=tuple(CategoryTotal(HOSTILE + str(n), Decimal(n), 1) for n in range(500)),
        warnings=tuple(HOSTILE + str(n) for n in range(10_000)),
    )
    text = views.card(huge)
    assert views.length(text) <= views.MESSAGE_LIMIT
    assert "<b>ООО" not in text and "&lt;b&gt;ООО" in text
    assert "…и ещё" in text
    assert views.length(views.choose_date(huge)) <= views.MESSAGE_LIMIT


def test_a_few_errors_are_listed_and_many_go_as_a_report() -> None:
    few = ("Строка 7: ИНН 7707083894 — неверная контрольная сумма",)
    text, attach = views.rejected(Rejected("r.xlsx", few, rejection_report("r.xlsx", few)))
    assert not attach and few[0] in text
    many = tuple(f"Строка {n}: {HOSTILE}" for n in range(10_000))
    text, attach = views.rejected(Rejected(HOSTILE, many, rejection_report(HOSTILE, many)))
    assert attach and views.length(text) <= views.MESSAGE_LIMIT
    assert "<b>ООО" not in text


def test_callback_data_fits_in_64_bytes_and_buttons_depend_on_the_status() -> None:
    draft = summary()
    packed = [
        DraftAction(verb=DraftVerb.SUBMIT, register_id=draft.id, version=draft.version).pack(),
        DraftDate.of(draft.id, draft.version, date(2099, 12, 31)).pack(),
        UploadDc(dc_id=2_147_483_647).pack(),
    ]
    assert all(len(data.encode()) <= 64 for data in packed)
    markup = keyboards.draft_card(draft)
    assert markup is not None and len(markup.inline_keyboard) == 3
    sent = keyboards.draft_card(summary(status=RegisterStatus.IN_APPROVAL))
    assert sent is not None and [[b.text for b in row] for row in sent.inline_keyboard] == [
        ["📋 Открыть реестр"]
    ]  # the accountant's way to their card: to follow the register or withdraw it
    assert CardTap.unpack(sent.inline_keyboard[0][0].callback_data or "").verb is CardVerb.OPEN
    for status in (RegisterStatus.CANCELLED, RegisterStatus.WITHDRAWN):
        assert keyboards.draft_card(summary(status=status)) is None
    days = keyboards.date_choices(draft, [date(2026, 11, 30), date(2026, 12, 1)])
    assert days.inline_keyboard[0][0].text == "• Пн 30.11 •"
    assert DraftDate.unpack(days.inline_keyboard[0][1].callback_data or "").payment_date == date(
        2026, 12, 1
    )

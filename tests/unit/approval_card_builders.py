"""Builders of review cards, items and people for the tests of the card's texts and
keyboards (``test_approval_views``, ``test_approval_card_texts``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from domain.register_approval import Decision, ItemStatus, RegisterStatus
from domain.register_route import Stage
from domain.roles import Role
from handlers import approval_views as views
from sandbox.telegram.html_parser import parse_html
from services.approval_ports import Card, CardItem, RegisterContext
from services.ports import PersonView

LOCALES = Path(__file__).resolve().parents[2] / "locales"
HOSTILE = '<b>ООО «Рога & Копыта»</b> "x" 😀 <a href="http://e.ru">' * 40
BIG = 9_999_999_999_999  # ids far beyond any real table
# 14:00 МСК on 30.11.2026 is 11:00 UTC; the card is read 2 h 5 min before it.
CUTOFF = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
NOW = CUTOFF - timedelta(hours=2, minutes=5)


@pytest.fixture(autouse=True)
def russian() -> Iterator[None]:
    with I18n(path=LOCALES, default_locale="ru").context():
        yield


def context(**changes: object) -> RegisterContext:
    fields: dict[str, object] = {
        "register_id": BIG, "dc_id": 1, "dc_code": "ekb-toyota",
        "dc_name": "Тойота Центр Екатеринбург", "city": "Екатеринбург",
        "dc_timezone": "Asia/Yekaterinburg", "dc_director": "kuznetsov",
        "department_director": "orlov", "uploaded_by": "ivanova",
        "payment_date": date(2026, 11, 30), "accountants": ("ivanova",),
    }  # fmt: skip
    fields.update(changes)
    return RegisterContext(**fields)  # type: ignore[arg-type]


def item(position: int, **changes: object) -> CardItem:
    fields: dict[str, object] = {
        "id": BIG - position, "position": position, "counterparty": "ООО «Ромашка»",
        "inn": "6663003127", "amount": Decimal("1234567.89"), "currency": "RUB",
        "purpose": "Оплата по счёту за запчасти", "urgent": False, "over_threshold": False,
        "duplicate_note": None, "status": ItemStatus.PENDING, "decision": None,
        "decided_by": None, "reason": None, "invoice_number": "15",
        "invoice_date": date(2026, 11, 20), "category": "Запчасти",
        "due_date": date(2026, 12, 1), "comment": None,
    }  # fmt: skip
    fields.update(changes)
    return CardItem(**fields)  # type: ignore[arg-type]


def card(**changes: object) -> Card:
    items = tuple(item(n) for n in range(1, 9))
    fields: dict[str, object] = {
        "register_id": BIG, "version": BIG, "status": RegisterStatus.IN_APPROVAL,
        "stage": Stage.DC_DIRECTOR, "context": context(), "item_count": 24,
        "total": Decimal("15495315.76"), "at_stage_count": 8,
        "at_stage_total": Decimal("9876543.12"), "undecided": 5, "page": 1, "pages": 3,
        "items": items, "cutoff_at": CUTOFF, "viewer_timezone": "Europe/Moscow",
        "can_decide": True, "as_of": NOW,
    }  # fmt: skip
    fields.update(changes)
    return Card(**fields)  # type: ignore[arg-type]


def person(code: str = "kuznetsov", *roles: Role) -> PersonView:
    return PersonView(1, code, "Кузнецов Пётр", "ru", True, frozenset(roles or {Role.DC_DIRECTOR}))


def hostile_card(**changes: object) -> Card:
    items = tuple(
        item(n, counterparty=HOSTILE, purpose=HOSTILE * 5, urgent=True, over_threshold=True,
             duplicate_note=HOSTILE, decision=Decision.REJECT, reason=HOSTILE, comment=HOSTILE,
             category=HOSTILE, invoice_number=HOSTILE, inn=HOSTILE)
        for n in range(1, 21)
    )  # fmt: skip
    ctx = context(dc_name=HOSTILE, city=HOSTILE)
    return card(items=items, context=ctx, acting_for=HOSTILE, note=HOSTILE, **changes)


def buttons(markup: InlineKeyboardMarkup | None) -> list[tuple[str, str]]:
    assert markup is not None
    return [(b.text, b.callback_data or "") for row in markup.inline_keyboard for b in row]


def assert_fits(text: str) -> None:
    plain, _entities = parse_html(text)  # Telegram's own HTML rules: raises if malformed
    assert views.length(text) <= views.MESSAGE_LIMIT
    assert views.length(plain) <= views.MESSAGE_LIMIT
    assert "<b>ООО" not in text and "<a href" not in text

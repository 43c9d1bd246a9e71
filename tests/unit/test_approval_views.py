"""The review card and its notices stay within Telegram's limits whatever the register holds,
escape every user text, carry short callback data, and tell the time to the cutoff in the
approver's own time zone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from domain.register_approval import Decision, ItemStatus, RegisterStatus
from domain.register_route import Stage
from domain.roles import Role
from handlers import approval_keyboards as keyboards
from handlers import approval_texts as texts
from handlers import approval_views as views
from handlers.approval_callbacks import CardTap, CardVerb, QuickReason, RejectReason
from sandbox.telegram.html_parser import parse_html
from services.approval_ports import Card, CardItem, RegisterContext, WaitingRegister
from services.approvals import RestPreview
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


def test_the_card_shows_the_header_the_page_and_the_marks() -> None:
    items = (
        item(3, urgent=True, decision=Decision.APPROVE),
        item(4, duplicate_note="Строка 9", over_threshold=True, decision=Decision.REJECT,
             reason="Нет бюджета"),
        item(5),
    )  # fmt: skip
    text = views.card(card(items=items, acting_for="smirnov"))
    assert "Тойота Центр Екатеринбург" in text and "30.11.2026" in text
    assert "Этап: <b>Директор ДЦ</b>" in text and "Не решено: <b>5</b>" in text
    assert "На этапе: <b>8</b> на <b>9\u00a0876\u00a0543,12 ₽</b>" in text
    assert "✅ <b>№3</b> ООО «Ромашка» — <b>1\u00a0234\u00a0567,89 ₽</b> 🔥" in text
    assert "❌ <b>№4</b>" in text and "⚠️👑" in text and "Причина: Нет бюджета" in text
    assert "▫️ <b>№5</b>" in text and "Стр. 2/3" in text
    assert "Вы решаете за <code>smirnov</code>" in text


@pytest.mark.parametrize("status", list(RegisterStatus))
def test_a_card_of_hostile_and_huge_data_stays_within_the_limit_and_escaped(status) -> None:
    hostile = hostile_card(status=status)
    text = views.card(hostile)
    assert_fits(text)
    assert "&lt;b&gt;ООО" in text
    for shown in hostile.items[:3]:
        assert_fits(views.details(shown, BIG))
        assert_fits(texts.reject_picker(shown))
    assert_fits(texts.confirm_withdraw(hostile))


def test_notices_of_thousands_of_hostile_items_stay_within_the_limit() -> None:
    rejected = tuple(item(n, counterparty=HOSTILE, reason=HOSTILE) for n in range(1, 3000))
    ctx = context(dc_name=HOSTILE)
    for text in (
        texts.notice_rejected(BIG, ctx, rejected),
        texts.notice_withdrawn(BIG, ctx, rejected),
        texts.notice_returned(BIG, ctx, HOSTILE * 20),
        texts.notice_approved(BIG, ctx),
        texts.notice_approved(BIG, None),
    ):
        assert_fits(text)
    assert "…и ещё" in texts.notice_rejected(BIG, ctx, rejected)


def test_every_keyboard_keeps_callback_data_within_64_bytes() -> None:
    hostile = hostile_card()
    accountant = person("ivanova", Role.ACCOUNTANT)
    waiting = WaitingRegister(
        BIG, HOSTILE, date(2026, 11, 30), Stage.CHIEF_ACCOUNTANT, BIG, Decimal(BIG)
    )
    markups = [
        keyboards.card_keyboard(hostile, person()),
        keyboards.card_keyboard(replace(hostile, can_decide=False), accountant),
        keyboards.card_keyboard(replace(hostile, status=RegisterStatus.RETURNED), accountant),
        keyboards.card_keyboard(replace(hostile, can_decide=False), person()),
        keyboards.reason_picker(BIG, BIG, 99),
        keyboards.back_to_card(BIG, 99),
        keyboards.back_to_list(BIG, 99),
        keyboards.confirm_rest(
            RestPreview(BIG, BIG, 999, (("RUB", Decimal("9999999999999999.99")),)), 99
        ),
        keyboards.confirm_withdraw(hostile),
        keyboards.notice("returned", BIG),
        keyboards.notice("rejected", BIG),
        keyboards.waiting([waiting] * 100),
    ]
    for markup in markups:
        for _text, data in buttons(markup):
            assert 0 < len(data.encode()) <= 64, data


def test_a_deciding_card_has_stable_buttons_per_item_and_for_the_stage() -> None:
    shown = card(items=(item(3), item(4)))
    labels = [text for text, _data in buttons(keyboards.card_keyboard(shown, person()))]
    assert labels == [
        "✅ 3", "❌ 3", "ℹ️ 3", "✅ 4", "❌ 4", "ℹ️ 4", "◀", "стр. 2/3", "▶",
        "Одобрить все оставшиеся", "Отправить дальше", "Вернуть бухгалтеру",
    ]  # fmt: skip
    approve = CardTap.unpack(buttons(keyboards.card_keyboard(shown, person()))[0][1])
    assert (approve.verb, approve.item_id, approve.page) == (CardVerb.APPROVE, BIG - 3, 1)


def test_with_everything_decided_the_stage_offers_only_send_on_and_return() -> None:
    labels = [t for t, _d in buttons(keyboards.card_keyboard(card(undecided=0), person()))]
    assert "Одобрить все оставшиеся" not in labels and "Отправить дальше" in labels


def test_the_time_to_the_cutoff_is_told_in_moscow_time_and_the_viewers_own() -> None:
    novosibirsk = views.cutoff_line(card(viewer_timezone="Asia/Novosibirsk"))
    moscow = views.cutoff_line(card(viewer_timezone="Europe/Moscow"))
    assert novosibirsk == "⏰ Отсечка 14:00 МСК = 18:00 по вашему времени, осталось 2 ч 5 мин"
    assert moscow == "⏰ Отсечка 14:00 МСК, осталось 2 ч 5 мин"
    tomorrow = views.cutoff_line(card(as_of=NOW - timedelta(days=1)))
    assert tomorrow == "⏰ Отсечка 30.11 14:00 МСК, осталось 1 дн 2 ч"
    assert "срок прошёл" in views.cutoff_line(card(as_of=CUTOFF))
    assert "МСК" in views.cutoff_line(card(viewer_timezone="Not/AZone"))


def test_quick_reasons_are_one_tap_each_and_store_the_russian_reason() -> None:
    picked = buttons(keyboards.reason_picker(7, 42, 2))
    assert [text for text, _data in picked] == [
        "Нет бюджета", "Дубль", "Перенести", "Нет документов", "Другая причина (написать)",
        "Назад",
    ]  # fmt: skip
    reasons = [RejectReason.unpack(data) for _text, data in picked[:5]]
    assert all((r.register_id, r.item_id, r.page) == (7, 42, 2) for r in reasons)
    assert [views.QUICK_REASONS.get(r.reason) for r in reasons] == [
        "Нет бюджета", "Дубль", "Перенести", "Нет документов", None,
    ]  # fmt: skip
    assert reasons[-1].reason is QuickReason.OTHER
    assert CardTap.unpack(picked[-1][1]).verb is CardVerb.SHOW


def test_a_card_that_moved_on_is_read_only_and_says_where_it_went() -> None:
    moved = card(can_decide=False, stage=Stage.CHIEF_ACCOUNTANT, items=(item(3),))
    assert "⏭ Реестр ушёл на этап: Главный бухгалтер" in views.card(moved)
    labels = [t for t, _d in buttons(keyboards.card_keyboard(moved, person()))]
    assert labels == ["ℹ️ 3", "◀", "стр. 2/3", "▶"]
    late = views.card(replace(moved, as_of=CUTOFF + timedelta(minutes=1)))
    assert "⌛ Срок согласования прошёл" in late


def test_finished_registers_say_so_without_decision_buttons() -> None:
    approved = card(status=RegisterStatus.APPROVED, stage=None, can_decide=False, pages=1,
                    items=(item(3, status=ItemStatus.APPROVED),))  # fmt: skip
    assert "✅ Реестр согласован." in views.card(approved)
    assert [t for t, _d in buttons(keyboards.card_keyboard(approved, person()))] == ["ℹ️ 3"]
    for status, said in (
        (RegisterStatus.RETURNED, "возвращён бухгалтеру"),
        (RegisterStatus.CLOSED, "Закрыт отсечкой"),
        (RegisterStatus.WITHDRAWN, "отозван"),
        (RegisterStatus.REJECTED, "❌ Реестр отклонён: ни один платёж не одобрен."),
    ):
        assert said in views.card(replace(approved, status=status))
    rejected = replace(approved, status=RegisterStatus.REJECTED)
    assert [t for t, _d in buttons(keyboards.card_keyboard(rejected, person()))] == ["ℹ️ 3"]
    assert texts.sent_on(rejected) == "Реестр отклонён: ни один платёж не одобрен."


def test_the_accountant_is_told_when_nothing_came_through_the_route() -> None:
    text = texts.notice_rejected_all(BIG, context(dc_name="<b>ДЦ</b>"))
    assert text.startswith(f"⛔ <b>Реестр №{BIG} · &lt;b&gt;ДЦ&lt;/b&gt;, оплата")
    assert text.endswith("не согласован: ни один платёж не одобрен.")


def test_the_accountant_may_withdraw_items_or_the_register_until_the_cutoff() -> None:
    accountant = person("ivanova", Role.ACCOUNTANT)
    watching = card(can_decide=False, pages=1, items=(item(3), item(4)))
    labels = [t for t, _d in buttons(keyboards.card_keyboard(watching, accountant))]
    assert labels == ["ℹ️ 3", "ℹ️ 4", "↩ 3", "↩ 4", "Отозвать реестр"]
    late = replace(watching, as_of=CUTOFF)
    assert [t for t, _d in buttons(keyboards.card_keyboard(late, accountant))] == ["ℹ️ 3", "ℹ️ 4"]
    returned = replace(watching, status=RegisterStatus.RETURNED)
    labels = [t for t, _d in buttons(keyboards.card_keyboard(returned, accountant))]
    assert labels[-2:] == ["Отправить снова", "Отозвать реестр"]


def test_confirmations_name_the_count_and_the_sum_and_carry_the_version() -> None:
    preview = RestPreview(7, 12, 21, (("RUB", Decimal("5000000.00")),))
    rows = buttons(keyboards.confirm_rest(preview, 1))
    assert rows[0][0] == "Да, одобрить 21 на сумму 5\u00a0000\u00a0000,00 ₽"
    assert rows[1][0] == "Назад"
    confirmed = CardTap.unpack(rows[0][1])
    assert (confirmed.verb, confirmed.version, confirmed.page) == (CardVerb.REST_OK, 12, 1)
    text = texts.confirm_rest(7, 21, preview.totals)
    assert "<b>21</b> на сумму <b>5\u00a0000\u00a0000,00 ₽</b>" in text


def test_a_confirmation_never_adds_one_currency_to_another() -> None:
    totals = (("RUB", Decimal("50050.00")), ("USD", Decimal("1200.50")))
    text = texts.confirm_rest(7, 6, totals)
    assert "на сумму <b>50\u00a0050,00 ₽ + 1\u00a0200,50 USD</b>" in text
    rows = buttons(keyboards.confirm_rest(RestPreview(7, 12, 6, totals), 0))
    assert rows[0][0] == "Да, одобрить 6"  # the sums are in the message above it


def test_a_card_with_items_in_another_currency_says_they_are_not_in_the_totals() -> None:
    lines = views.header(replace(card(), foreign_count=2))
    assert "В другой валюте: <b>2</b> — в суммы в ₽ не входят" in lines
    assert not any("валют" in line for line in views.header(card()))


def test_the_returned_notice_offers_resubmit_and_withdraw() -> None:
    labels = [t for t, _d in buttons(keyboards.notice("returned", 7))]
    assert labels == ["Отправить снова", "Отозвать", "📋 Открыть реестр"]
    text = texts.notice_returned(7, context(), "Нет <договора>")
    assert "Нет &lt;договора&gt;" in text and "возвращён на доработку" in text


def test_the_waiting_list_opens_each_card() -> None:
    waiting = [WaitingRegister(7, "Тойота Центр", date(2026, 11, 30), Stage.DC_DIRECTOR, 5,
                               Decimal("10.00"))]  # fmt: skip
    ((label, data),) = buttons(keyboards.waiting(waiting))
    assert label == "Тойота Центр · 30.11 · Директор ДЦ · не решено 5"
    assert CardTap.unpack(data) == CardTap(verb=CardVerb.OPEN, register_id=7)
    assert keyboards.waiting([]) is None
    assert "нет реестров" in texts.waiting_list([])


def test_a_card_object_is_rendered_once_per_viewer() -> None:
    """The taps of one batch bring the same card object; an equal but new card (a later
    move) and another viewer are rendered anew."""
    shown = card()
    first = keyboards.screen(shown, person())
    assert keyboards.screen(shown, person()) is first
    assert keyboards.screen(replace(shown), person()) is not first
    assert keyboards.screen(replace(shown), person()) == first
    other = keyboards.screen(shown, replace(person(), id=99))
    assert other is not first

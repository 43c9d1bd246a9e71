"""The review card's words: the time to the cutoff in the head office's and the viewer's
time, the details of one payment, sums kept per currency, and how a finished register
says how it ended."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from domain.register_approval import ItemStatus, RegisterStatus
from handlers import approval_keyboards as keyboards
from handlers import approval_texts as texts
from handlers import approval_views as views
from services.approvals import RestPreview
from tests.unit.approval_card_builders import (
    BIG,
    CUTOFF,
    NOW,
    buttons,
    card,
    context,
    item,
    person,
    russian,  # noqa: F401 - the autouse fixture: texts in Russian
)


def test_the_time_to_the_cutoff_is_told_in_moscow_time_and_the_viewers_own() -> None:
    novosibirsk = views.cutoff_line(card(viewer_timezone="Asia/Novosibirsk"))
    moscow = views.cutoff_line(card(viewer_timezone="Europe/Moscow"))
    assert novosibirsk == "⏰ Отсечка 14:00 МСК = 18:00 по вашему времени, осталось 2 ч 5 мин"
    assert moscow == "⏰ Отсечка 14:00 МСК, осталось 2 ч 5 мин"
    tomorrow = views.cutoff_line(card(as_of=NOW - timedelta(days=1)))
    assert tomorrow == "⏰ Отсечка 30.11 14:00 МСК, осталось 1 дн 2 ч"
    assert "срок прошёл" in views.cutoff_line(card(as_of=CUTOFF))
    assert "МСК" in views.cutoff_line(card(viewer_timezone="Not/AZone"))


def test_a_head_office_elsewhere_tells_the_cutoff_in_its_own_time() -> None:
    ekb = card(office_timezone="Asia/Yekaterinburg", viewer_timezone="Asia/Novosibirsk")
    assert views.cutoff_line(ekb) == (
        "⏰ Отсечка 16:00 UTC+5 = 18:00 по вашему времени, осталось 2 ч 5 мин"
    )
    at_the_office = replace(ekb, viewer_timezone="Asia/Yekaterinburg")
    assert views.cutoff_line(at_the_office) == "⏰ Отсечка 16:00 UTC+5, осталось 2 ч 5 мин"
    india = card(office_timezone="Asia/Kolkata", viewer_timezone="Asia/Kolkata")
    assert views.cutoff_line(india).startswith("⏰ Отсечка 16:30 UTC+5:30,")


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


def test_the_details_of_a_payment_show_everything_an_approver_checks() -> None:
    purpose = "Оплата по счёту № 15 за запчасти к ТО-2 " + "для сервиса " * 20
    shown = views.details(
        item(7, purpose=purpose, urgent=True, over_threshold=True,
             comment="Согласовано с <b>ГД</b>",
             duplicate_note="№3 реестра №12 (ДЦ Тойота Центр Екатеринбург, 27.11.2026)"),
        42,
    )  # fmt: skip
    for expected in (
        "ℹ️ <b>Платёж №7</b> · реестр №42",
        "Контрагент: <b>ООО «Ромашка»</b>",
        "ИНН: <code>6663003127</code>",
        "Сумма: <b>1\u00a0234\u00a0567,89 ₽</b>",
        "Счёт: 15 от 20.11.2026",
        "Статья: Запчасти",
        "Срок оплаты: 01.12.2026",
        "🔥 Срочный платёж",
        "👑 Выше порога: идёт генеральному директору",
        "⚠️ Возможный дубль: №3 реестра №12 (ДЦ Тойота Центр Екатеринбург, 27.11.2026)",
        f"Назначение: {purpose.strip()}",  # whole, not shortened as on the card
        "Комментарий: Согласовано с &lt;b&gt;ГД&lt;/b&gt;",
    ):
        assert expected in shown, expected
    bare = views.details(item(8, invoice_number=None, invoice_date=None, category=None), 42)
    assert "Счёт: не указан" in bare and "Статья: не указан" in bare
    assert "Комментарий" not in bare and "дубль" not in bare

"""The review card and its notices stay within Telegram's limits whatever the register holds,
escape every user text, carry short callback data, and offer the buttons each viewer may
use (the card's words: ``test_approval_card_texts``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.register_approval import Decision, RegisterStatus
from domain.register_route import Stage
from domain.roles import Role
from handlers import approval_keyboards as keyboards
from handlers import approval_texts as texts
from handlers import approval_views as views
from handlers.approval_callbacks import CardTap, CardVerb, QuickReason, RejectReason
from services.approval_ports import WaitingRegister
from services.approvals import RestPreview
from tests.unit.approval_card_builders import (
    BIG,
    CUTOFF,
    HOSTILE,
    assert_fits,
    buttons,
    card,
    context,
    hostile_card,
    item,
    person,
    russian,  # noqa: F401 - the autouse fixture: texts in Russian
)


def test_the_card_shows_the_header_the_page_and_the_marks() -> None:
    items = (
        item(3, urgent=True, decision=Decision.APPROVE),
        item(4, duplicate_note="Строка 9", over_threshold=True, decision=Decision.REJECT,
             reason="Нет бюджета"),
        item(5),
    )  # fmt: skip
    text = views.card(card(items=items, acting_for="Смирнова Ольга"))
    assert "Тойота Центр Екатеринбург" in text and "30.11.2026" in text
    assert "Этап: <b>Директор ДЦ</b>" in text and "Не решено: <b>5</b>" in text
    assert "На этапе: <b>8</b> на <b>9\u00a0876\u00a0543,12 ₽</b>" in text
    assert "✅ <b>№3</b> ООО «Ромашка» — <b>1\u00a0234\u00a0567,89 ₽</b> 🔥" in text
    assert "❌ <b>№4</b>" in text and "⚠️👑" in text and "Причина: Нет бюджета" in text
    assert "▫️ <b>№5</b>" in text and "Стр. 2/3" in text
    assert "Вы решаете за: Смирнова Ольга." in text


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


def test_the_buttons_that_decide_say_which_stage_and_round_their_card_showed() -> None:
    shown = card(items=(item(3),), round=2, stage=Stage.CHIEF_ACCOUNTANT)
    taps = {text: CardTap.unpack(data) for text, data in buttons(
        keyboards.card_keyboard(shown, person("glavbuh", Role.CHIEF_ACCOUNTANT)))}  # fmt: skip
    for label in ("✅ 3", "❌ 3", "Отправить дальше"):
        assert taps[label].seen() == (2, Stage.CHIEF_ACCOUNTANT), label
    for label in ("ℹ️ 3", "▶", "Одобрить все оставшиеся"):  # these decide nothing by themselves
        assert taps[label].seen() is None, label
    picker = buttons(keyboards.reason_picker(7, 42, 1, (2, Stage.CHIEF_ACCOUNTANT)))
    assert RejectReason.unpack(picker[0][1]).seen() == (2, Stage.CHIEF_ACCOUNTANT)
    assert RejectReason.unpack(buttons(keyboards.reason_picker(7, 42, 1))[0][1]).seen() is None
    crafted = CardTap(verb=CardVerb.APPROVE, register_id=7, item_id=42, round=1, stage=99)
    assert crafted.seen() is None  # an unknown stage says nothing (the use case checks)


def test_with_everything_decided_the_stage_offers_only_send_on_and_return() -> None:
    labels = [t for t, _d in buttons(keyboards.card_keyboard(card(undecided=0), person()))]
    assert "Одобрить все оставшиеся" not in labels and "Отправить дальше" in labels


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
    assert "⏳ Сейчас решает: Главный бухгалтер" in views.card(moved)
    labels = [t for t, _d in buttons(keyboards.card_keyboard(moved, person()))]
    assert labels == ["ℹ️ 3", "◀", "стр. 2/3", "▶"]
    late = views.card(replace(moved, as_of=CUTOFF + timedelta(minutes=1)))
    assert "⌛ Срок согласования прошёл" in late


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

"""The cutoff's messages stay within Telegram's limits whatever the data, escape every user
text, and their buttons carry short callback data the right routers understand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from aiogram.utils.i18n import I18n

from domain.register_route import Stage
from formats.exports import ApprovedPayment
from handlers import cutoff_keyboards as keyboards
from handlers import cutoff_views as views
from handlers.approval_callbacks import CardTap, CardVerb
from handlers.cutoff_callbacks import CarryTap
from handlers.register_views import length
from services.cutoff import Digest, MissedNotice, Reminder
from services.cutoff.ports import (
    DcFigures,
    Figures,
    LateRegister,
    MissedItem,
    MissedRegister,
    StageWaiting,
)
from services.ports import PersonView

LOCALES = Path(__file__).resolve().parents[3] / "locales"
HOSTILE = "<b>ООО «Рога & Копыта»</b> 😀" * 10
BIG_ID = 2_147_483_647
DAY = date(2026, 11, 30)
PERSON = PersonView(1, "x", "Иванова", "ru", True, frozenset(), telegram_user_id=5)


@pytest.fixture(autouse=True)
def russian() -> Iterator[None]:
    with I18n(path=LOCALES, default_locale="ru").context():
        yield


def assert_fits(text: str) -> None:
    assert length(text) <= 4096
    assert "<b>ООО" not in text  # user text is escaped: only our own tags remain


def missed_register(n: int, count: int = 250) -> MissedRegister:
    items = tuple(MissedItem(p, HOSTILE, Decimal("9999999999999.99"), "RUB") for p in range(1, 11))
    return MissedRegister(BIG_ID - n, n, HOSTILE, DAY, count, Decimal("123456789.00"), items,
                          "ivanova", "sidorov")  # fmt: skip


def test_a_reminder_of_many_registers_fits_and_opens_cards():
    waiting = tuple(
        StageWaiting(BIG_ID - n, HOSTILE, Stage.DC_DIRECTOR, "a", None, 10**6, 10**6,
                     Decimal("9999999999999.99"))
        for n in range(40)
    )  # fmt: skip
    cutoff = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
    remind = Reminder(PERSON, waiting, cutoff, datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
                      "Mars/Olympus")  # fmt: skip
    assert_fits(views.reminder(remind))
    markup = keyboards.reminder(remind)
    buttons = [b for row in markup.inline_keyboard for b in row]
    assert len(buttons) == keyboards.MAX_BUTTONS
    for button in buttons:
        assert button.callback_data is not None and len(button.callback_data.encode()) <= 64
        tap = CardTap.unpack(button.callback_data)
        assert tap.verb is CardVerb.OPEN
        assert len(button.text) <= 64


def test_the_missed_list_splits_into_messages_each_with_its_carry_buttons():
    registers = tuple(missed_register(n) for n in range(30))
    notice = MissedNotice(PERSON, registers, can_carry=True, carry_to=date(2026, 12, 1))
    messages = views.missed(notice)
    assert len(messages) > 1
    assert [r for _, chunk in messages for r in chunk] == list(registers)
    for text, chunk in messages:
        assert_fits(text)
        assert len(chunk) <= views.MAX_REGISTERS_PER_MESSAGE
        markup = keyboards.carry(chunk, notice.carry_to)
        assert markup is not None
        ids = [CarryTap.unpack(b.callback_data).register_id
               for row in markup.inline_keyboard for b in row]  # fmt: skip
        assert ids == [r.register_id for r in chunk]
        assert "01.12.2026" in text


def test_a_director_gets_the_list_without_the_carry_offer():
    notice = MissedNotice(PERSON, (missed_register(1, count=3),), False, date(2026, 12, 1))
    [(text, _)] = views.missed(notice)
    assert "черновик" not in text
    assert "Не согласованы к сроку 30.11.2026" in text


def payment(n: int) -> ApprovedPayment:
    return ApprovedPayment("dc", HOSTILE, BIG_ID, n, DAY, HOSTILE, "7707083893",
                           Decimal("9999999999999.99"), HOSTILE)  # fmt: skip


def test_a_digest_of_many_dcs_splits_below_the_limit():
    figures = Figures(10**6, {"RUB": Decimal("9999999999999.99"), "USD": Decimal("1.00")})
    dcs = tuple(DcFigures(f"dc{n}", HOSTILE, figures, figures, figures, figures)
                for n in range(200))  # fmt: skip
    late = tuple(LateRegister(BIG_ID, HOSTILE, "chief_accountant", 5, 3, (HOSTILE,) * 5)
                 for _ in range(100))  # fmt: skip
    digest = Digest(DAY, dcs, dcs[0], tuple(payment(n) for n in range(10)), late, (),
                    without_payer=(HOSTILE,) * 3, foreign_currency=2)  # fmt: skip
    texts = views.digest(digest)
    assert len(texts) > 3
    for text in texts:
        assert_fits(text)
    whole = "\n".join(texts)
    assert "Сводка за 30.11.2026" in texts[0]
    assert "главный бухгалтер" in whole


def test_a_quiet_day_says_there_is_nothing_to_pay():
    empty = DcFigures("", "Итого", Figures(), Figures(), Figures(), Figures())
    [text] = views.digest(Digest(DAY, (), empty, (), (), ()))
    assert "файлов не будет" in text and "все реестры прошли" in text

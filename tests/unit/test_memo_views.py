"""The memo card, preview and notices stay within Telegram's limits whatever the memo holds,
escape every typed text, and their buttons carry short callback data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from domain.memo import MemoStatus, StepStatus
from domain.roles import Role
from handlers import memo_keyboards as keyboards
from handlers import memo_views as views
from handlers.memo_card_view import MESSAGE_LIMIT, card_text
from handlers.memo_draft import DraftData, DraftFile
from services.memos import RoutePerson, RoutePlan
from services.memos.ports import CardStep, MemoCard, MemoNotice, StoredAttachment
from services.ports import PersonView

LOCALES = Path(__file__).resolve().parents[2] / "locales"
HOSTILE = "<b>«Рога & Копыта»</b> <img src=http://x/y> 😀"
BIG = 2_147_483_647


@pytest.fixture(autouse=True)
def russian() -> Iterator[None]:
    with I18n(path=LOCALES, default_locale="ru").context():
        yield


def card(**changes: object) -> MemoCard:
    when = datetime(2026, 11, 30, 12, 5, tzinfo=UTC)
    steps = tuple(
        CardStep(
            round=1 + n // 5,
            position=1 + n % 5,
            approver=f"{HOSTILE} Иван Иванович",
            role=Role.DC_DIRECTOR,
            status=StepStatus.RETURNED,
            final=n % 5 == 4,
            decided_by="Петров Сергей Иванович",
            decided_at=when,
            comment=HOSTILE * 20,
            on_behalf_of="Соколов Игорь Дмитриевич",
        )
        for n in range(50)
    )
    fields: dict[str, object] = {
        "memo_id": BIG, "version": BIG, "number": "СЗ-2026-999999", "round": 10,
        "status": MemoStatus.IN_APPROVAL, "title": HOSTILE * 4, "text": HOSTILE * 400,
        "author": "Егоров Константин Львович", "executor": "Иванова Анна Сергеевна",
        "executor_role": Role.ACCOUNTANT, "with_general_director": True, "created_at": when,
        "attachments": tuple(StoredAttachment(n, HOSTILE * 5, "x/y", 10**7, "a" * 64)
                             for n in range(20)),
        "steps": steps, "current_step_key": BIG, "current_approver": "Сидоров Николай",
        "can_decide": True, "acting_for": HOSTILE, "is_author": False,
    }  # fmt: skip
    fields.update(changes)
    return MemoCard(**fields)  # type: ignore[arg-type]


def callback_sizes(markup: InlineKeyboardMarkup | None) -> list[int]:
    rows = markup.inline_keyboard if markup else []
    return [len((b.callback_data or "").encode()) for row in rows for b in row]


def test_a_huge_card_fits_one_message_and_shows_the_latest_steps():
    text = card_text(card())
    assert len(text) <= MESSAGE_LIMIT
    assert "<img" not in text and "&lt;img src=http://x/y&gt;" in text
    assert "Круг 10" in text and "ранние шаги не поместились" in text
    assert "Полный текст" in text


def test_card_buttons_stay_under_64_bytes():
    markup = keyboards.card_keyboard(card())
    texts = [b.text for row in markup.inline_keyboard for b in row]
    assert "✅ Согласовать" in texts and "➕ Добавить согласующего" in texts
    assert max(callback_sizes(markup)) <= 64
    resubmit = card(can_decide=False, is_author=True, status=MemoStatus.RETURNED)
    assert "✏️ Изменить и отправить снова" in [
        b.text for row in keyboards.card_keyboard(resubmit).inline_keyboard for b in row
    ]


def test_the_preview_and_route_keyboards_stay_small():
    files = [DraftFile(HOSTILE, 10, "x/y", file_id="f") for _ in range(20)]
    data = DraftData(
        title=HOSTILE,
        text=HOSTILE * 500,
        executor="ivanova",
        executor_name=HOSTILE,
        approvers=["a", "b", "c", "d"],
        files=files,
    )
    final = RoutePerson("f", "Фёдорова Елена Викторовна", Role.FINANCE_DIRECTOR)
    plan = RoutePlan((RoutePerson("a", HOSTILE, Role.ACCOUNTANT),) * 4, (final,), 4)
    text = views.preview(data, plan)
    assert len(text) <= MESSAGE_LIMIT and "<img" not in text
    for markup in (keyboards.preview_keyboard(data), keyboards.route_keyboard(data, 4)):
        assert max(callback_sizes(markup)) <= 64


def test_notices_escape_the_reason_and_fit_a_caption():
    person = PersonView(1, "egorov", "Егоров", "ru", True, frozenset(), 500040)
    rejected = MemoNotice("rejected", person, BIG, "СЗ-2026-000001", HOSTILE * 10,
                          reason=HOSTILE, actor=HOSTILE)  # fmt: skip
    text = views.notice_text(rejected)
    assert text is not None and "<img" not in text and "&lt;b&gt;" in text
    approved = MemoNotice("approved", person, BIG, "СЗ-2026-000001", HOSTILE * 100)
    caption = views.notice_text(approved)
    assert caption is not None and len(caption) <= 1024
    assert max(callback_sizes(keyboards.notice_keyboard("returned", BIG))) <= 64


def test_a_memos_status_reads_in_the_readers_language():
    i18n = I18n(path=LOCALES, default_locale="ru")
    with i18n.context(), i18n.use_locale("en"):
        titles = {status: views.status_title(status) for status in MemoStatus}
        head = card_text(card(status=MemoStatus.APPROVED, round=1))
    assert titles[MemoStatus.RETURNED] == "Returned for revision"
    assert all(title.isascii() for title in titles.values())
    assert "Approved" in head
    assert views.status_title(MemoStatus.APPROVED) == "Согласована"  # outside: Russian


def test_roles_and_decisions_on_a_card_read_in_the_readers_language():
    steps = (
        CardStep(1, 1, "Петров Сергей Иванович", Role.DC_DIRECTOR, StepStatus.APPROVED, False,
                 decided_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
        CardStep(1, 2, "Белов Олег Игоревич", None, StepStatus.PENDING, True),
    )  # fmt: skip
    memo = card(steps=steps, round=1, text="Текст", title="Тема", attachments=())
    i18n = I18n(path=LOCALES, default_locale="ru")
    with i18n.context(), i18n.use_locale("en"):
        english = card_text(memo)
    russian = card_text(memo)
    assert "(Dealer center director)" in english and "(Employee)" in english
    assert "— approved 30.11" in english and "(Accountant)" in english
    assert "(Директор дилерского центра)" in russian and "(Сотрудник)" in russian
    assert "— согласовано 30.11" in russian
    assert "✅ 1." in english and "⏳ 2." in english

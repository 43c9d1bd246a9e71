"""The card's other moves through the real bot and the Telegram emulator (PRODUCT §3
«Review UI»): ℹ️ details and paging; a return with a typed reason and the accountant's
«Отправить снова»; and the withdrawal, which asks first and is refused when confirmed on a
card that changed meanwhile."""

from __future__ import annotations

from sandbox.telegram import SandboxTelegramClient
from sandbox.telegram.client_types import ChatMessage, ChatView
from tests.e2e.harness import Stack
from tests.e2e.test_register_approval import (
    IVANOVA,
    SIDOROV,
    button,
    card_of,
    query,
    start_chats,
    submit_ekb,
)


async def card_with(
    tg: SandboxTelegramClient, user_id: int, register_id: int, label: str
) -> ChatMessage:
    """The user's message about the register that now offers the button ``label``."""

    def check(view: ChatView) -> ChatMessage | None:
        return next(
            (m for m in reversed(view.bot_messages)
             if f"№{register_id}" in (m.text or "") and label in [b.text for b in m.buttons]),
            None,
        )  # fmt: skip

    return await tg.wait_for(user_id, check, timeout=15, what=f"a card with «{label}»")


async def test_a_withdrawal_confirmed_on_a_changed_card_waits_for_a_fresh_look(
    tg: SandboxTelegramClient, stack: Stack
):
    await start_chats(tg, IVANOVA, SIDOROV)
    register_id = await submit_ekb(tg)
    director_card = await card_of(tg, SIDOROV, register_id)
    ivanova = tg.user(IVANOVA)
    sent = await card_with(tg, IVANOVA, register_id, "📋 Открыть реестр")  # the upload's message
    await ivanova.press(sent.message_id, text="📋 Открыть реестр")
    own = await card_with(tg, IVANOVA, register_id, "Отозвать реестр")
    assert own.message_id != sent.message_id
    await ivanova.press(own.message_id, text="Отозвать реестр")
    asked = await card_with(tg, IVANOVA, register_id, "Да, отозвать реестр")
    assert asked.message_id == own.message_id and "Отозвать реестр №" in (asked.text or "")

    await tg.user(SIDOROV).press(director_card.message_id, text="✅ 1")  # the card changes
    answer = await ivanova.press(own.message_id, text="Да, отозвать реестр")
    assert answer is not None and answer.show_alert
    assert "реестр изменился" in (answer.text or "")
    status = query(stack, "select status from register where id = ?", register_id)
    assert status == [("in_approval",)]

    fresh = await card_with(tg, IVANOVA, register_id, "Отозвать реестр")
    await ivanova.press(fresh.message_id, text="Отозвать реестр")
    await card_with(tg, IVANOVA, register_id, "Да, отозвать реестр")
    answer = await ivanova.press(fresh.message_id, text="Да, отозвать реестр")
    assert answer is not None and not answer.show_alert
    assert query(stack, "select status from register where id = ?", register_id) == [
        ("withdrawn",)
    ]
    await tg.user(SIDOROV).wait_for_edit(director_card.message_id, contains="отозван")


async def test_details_paging_and_a_return_with_a_typed_reason_then_resubmitted(
    tg: SandboxTelegramClient, stack: Stack
):
    await start_chats(tg, IVANOVA, SIDOROV)
    register_id = await submit_ekb(tg)
    sidorov, ivanova = tg.user(SIDOROV), tg.user(IVANOVA)
    card = await card_of(tg, SIDOROV, register_id)
    assert "Стр. 1/4" in (card.text or "")

    await sidorov.press(card.message_id, text="ℹ️ 2")
    details = await sidorov.wait_for_edit(card.message_id, contains="ℹ️ Платёж №2")
    assert "ИНН:" in (details.text or "") and "Назначение:" in (details.text or "")
    await sidorov.press(card.message_id, text="◀ Назад к списку")
    await sidorov.wait_for_edit(card.message_id, contains="Стр. 1/4")
    await sidorov.press(card.message_id, text="▶")
    second = await sidorov.wait_for_edit(card.message_id, contains="Стр. 2/4")
    assert "✅ 7" in [b.text for b in second.buttons]

    await sidorov.press(card.message_id, text="Вернуть бухгалтеру")
    await sidorov.wait_for_edit(card.message_id, contains="Напишите, почему реестр")
    await sidorov.send_text("Нет счетов <по аренде>")
    await sidorov.wait_for_message(contains=f"Реестр №{register_id} возвращён бухгалтеру")
    notice = await ivanova.wait_for_message(contains="возвращён на доработку")
    assert "Нет счетов <по аренде>" in (notice.text or "")  # shown as typed, escaped
    status = query(stack, "select status, round from register where id = ?", register_id)
    assert status == [("returned", 1)]

    await ivanova.press(notice.message_id, text="Отправить снова")
    again = await card_of(tg, SIDOROV, register_id)  # a new card for the new round
    assert again.message_id != card.message_id
    assert query(stack, "select status, round from register where id = ?", register_id) == [
        ("in_approval", 2)
    ]
    # A ✅ of round 1 (a message whose refresh never came): refused, nothing decided.
    answer = await sidorov.press(card.message_id, button(second, "✅ 7"), crafted=True)
    assert answer is not None and "со старой карточки" in (answer.text or "")
    assert query(
        stack, "select count(*) from register_decision d join register_item i on"
        " i.id = d.item_id where i.register_id = ? and d.round = 2", register_id,
    ) == [(0,)]  # fmt: skip

"""The accountant's withdrawal through the real bot and the Telegram emulator (PRODUCT §3):
«Отозвать реестр» asks first; a confirmation given on a card that changed meanwhile (the
director decided a payment) withdraws nothing and shows the card as it is now; confirmed
on the fresh card, the register is withdrawn and the director's card says so."""

from __future__ import annotations

from sandbox.telegram import SandboxTelegramClient
from sandbox.telegram.client_types import ChatMessage, ChatView
from tests.e2e.harness import Stack
from tests.e2e.test_register_approval import (
    IVANOVA,
    SIDOROV,
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

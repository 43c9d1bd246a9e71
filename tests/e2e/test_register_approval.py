"""Register approval through the real bot and the Telegram emulator (PRODUCT §3 «Approval
route», «Review UI»): the ekb-toyota register walks its whole route by taps, and the
refusals answer clearly (in the reader's language) and change nothing."""

from __future__ import annotations

import asyncio
import sqlite3

from sandbox.telegram import SandboxTelegramClient
from sandbox.telegram.client_types import ChatMessage
from tests.e2e.harness import FIXTURES, Stack

EKB = (FIXTURES / "registers" / "ekb-toyota_2026-11-30.xlsx").read_bytes()
IVANOVA, SIDOROV, SOKOLOV = 500033, 500022, 500023
GLAVBUH, FINDIR, GENDIR = 500003, 500002, 500001
ADMIN = 500005  # language = "en" in the org
THRESHOLD = 1_000_000


def query(stack: Stack, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(stack.database) as db:
        return db.execute(sql, args).fetchall()


async def start_chats(tg: SandboxTelegramClient, *user_ids: int) -> None:
    """People open the bot once (Telegram lets a bot write only to those who did)."""
    for user_id in user_ids:
        user = tg.user(user_id)
        await user.send_command("/start")
        await user.wait_for_message(contains="роли")


async def submit_ekb(tg: SandboxTelegramClient) -> int:
    """Иванова uploads the ekb-toyota register for «Тойота Центр Екатеринбург» and sends it."""
    ivanova = tg.user(IVANOVA)
    await ivanova.send_document("ekb-toyota_2026-11-30.xlsx", EKB)
    status = await ivanova.wait_for_message(contains="Проверяю файл")
    choice = await ivanova.wait_for_edit(status.message_id, contains="Для какого")
    await ivanova.press(choice.message_id, text="Тойота Центр Екатеринбург (Екатеринбург)")
    draft = await ivanova.wait_for_edit(choice.message_id, contains="Платежей: 24")
    register_id = int(draft.text.split("№")[1].split()[0])
    await ivanova.press(draft.message_id, text="✅ Отправить на согласование")
    return register_id


async def card_of(tg: SandboxTelegramClient, user_id: int, register_id: int) -> ChatMessage:
    return await tg.user(user_id).wait_for_message(
        lambda m: f"№{register_id}" in (m.text or "") and bool(m.buttons)
    )


def has_button(text: str):
    return lambda message: text in [b.text for b in message.buttons]


def button(card: ChatMessage, text: str) -> str:
    return next(b.callback_data for row in card.inline_keyboard for b in row if b.text == text)


async def approve_rest_and_send(tg: SandboxTelegramClient, user_id: int, card: ChatMessage):
    user = tg.user(user_id)
    await user.press(card.message_id, text="Одобрить все оставшиеся")
    confirm = await user.wait_for_edit(
        card.message_id, lambda m: any(b.text.startswith("Да, одобрить") for b in m.buttons)
    )
    yes = next(b.text for b in confirm.buttons if b.text.startswith("Да, одобрить"))
    await user.press(card.message_id, text=yes)
    await user.wait_for_edit(card.message_id, lambda m: "Одобрить все оставшиеся" not in [
        b.text for b in m.buttons])  # fmt: skip
    await user.press(card.message_id, text="Отправить дальше")
    return await user.wait_for_edit(card.message_id, contains="Реестр")


async def test_the_ekb_register_walks_its_whole_route_by_taps(tg: SandboxTelegramClient, stack):
    await start_chats(tg, IVANOVA, SIDOROV, GLAVBUH, FINDIR, GENDIR)
    register_id = await submit_ekb(tg)
    card = await card_of(tg, SIDOROV, register_id)
    assert "Тойота Центр Екатеринбург" in card.text and "Директор ДЦ" in card.text
    sidorov = tg.user(SIDOROV)
    await sidorov.press(card.message_id, text="❌ 1")
    await sidorov.wait_for_edit(card.message_id, has_button("Нет бюджета"))
    await sidorov.press(card.message_id, text="Нет бюджета")
    await sidorov.wait_for_edit(card.message_id, has_button("❌ 2"))
    await sidorov.press(card.message_id, text="❌ 2")
    await sidorov.wait_for_edit(card.message_id, has_button("Дубль"))
    await sidorov.press(card.message_id, text="Дубль")
    await sidorov.wait_for_edit(card.message_id, has_button("❌ 3"))
    await sidorov.press(card.message_id, text="❌ 3")
    await sidorov.wait_for_edit(card.message_id, has_button("Другая причина (написать)"))
    await sidorov.press(card.message_id, text="Другая причина (написать)")
    await sidorov.wait_for_edit(card.message_id, contains="Напишите причину")
    await sidorov.send_text("Счёт выставлен повторно <b>ошибочно</b>")
    await sidorov.wait_for_message(contains="отклонён")
    await approve_rest_and_send(tg, SIDOROV, card)

    rejection = await tg.user(IVANOVA).wait_for_message(contains="Отклонено платежей: 3")
    for reason in ("Нет бюджета", "Дубль", "Счёт выставлен повторно <b>ошибочно</b>"):
        assert reason in rejection.text

    await approve_rest_and_send(tg, GLAVBUH, await card_of(tg, GLAVBUH, register_id))
    await approve_rest_and_send(tg, FINDIR, await card_of(tg, FINDIR, register_id))
    gendir_card = await card_of(tg, GENDIR, register_id)
    big = query(
        stack,
        "select position from register_item where register_id = ? and status = 'pending'",
        register_id,
    )
    over = query(
        stack,
        "select position from register_item where register_id = ? and over_threshold",
        register_id,
    )
    assert {p for (p,) in big} <= {p for (p,) in over} and big
    shown = {b.text.split()[1] for b in gendir_card.buttons if b.text.startswith("✅ ")}
    assert shown == {str(p) for (p,) in big}
    await approve_rest_and_send(tg, GENDIR, gendir_card)

    await tg.user(IVANOVA).wait_for_message(contains="согласован")
    assert query(stack, "select status from register where id = ?", register_id) == [("approved",)]
    statuses = dict(
        query(stack, "select position, status from register_item where register_id = ?",
              register_id)
    )  # fmt: skip
    assert [statuses[p] for p in (1, 2, 3)] == ["rejected"] * 3
    assert {statuses[p] for p in range(4, 25)} == {"approved"}
    verified = stack.viza("audit", "verify")
    assert verified.returncode == 0, verified.stdout


async def test_refusals_answer_and_change_nothing(tg: SandboxTelegramClient, stack: Stack):
    await start_chats(tg, IVANOVA, SIDOROV, SOKOLOV)
    register_id = await submit_ekb(tg)
    card = await card_of(tg, SIDOROV, register_id)
    approve_one = button(card, "✅ 4")
    before = query(stack, "select count(*) from register_decision")

    sokolov = tg.user(SOKOLOV)  # another DC's director, with crafted callback data
    menu = (await sokolov.chat())[-1]
    answer = await sokolov.press(menu.message_id, approve_one, crafted=True)
    assert answer is not None and "Тойота Центр Екатеринбург" in (answer.text or "")

    admin = tg.user(ADMIN)  # reads English: the refusal made in the core comes in English
    await admin.send_command("/start")
    menu = await admin.wait_for_message(lambda m: bool(m.text))
    answer = await admin.press(menu.message_id, approve_one, crafted=True)
    assert answer is not None and answer.text == (
        f"Register #{register_id} belongs to the dealer center «Тойота Центр Екатеринбург»; "
        "it is not awaiting your approval."
    )

    stranger = await tg.create_user("Чужой", user_id=stack.users.telegram_id())
    await stranger.send_command("/start")
    hello = await stranger.wait_for_message(contains="только для сотрудников")
    answer = await stranger.press(hello.message_id, approve_one, crafted=True)
    assert answer is not None and "только для сотрудников" in (answer.text or "")

    sidorov = tg.user(SIDOROV)
    answer = await sidorov.press(card.message_id, text="Отправить дальше")
    assert answer is not None and "Не решено платежей: 24" in (answer.text or "")
    assert query(stack, "select count(*) from register_decision") == before

    await asyncio.gather(*(sidorov.press(card.message_id, approve_one) for _ in range(4)))
    item = query(stack, "select id from register_item where register_id = ? and position = 4",
                 register_id)[0][0]  # fmt: skip
    assert query(stack, "select count(*) from register_decision where item_id = ?", item) == [(1,)]
    decided = query(
        stack,
        "select count(*) from audit_log where action = 'register.item.decided' and entity_id = ?",
        str(register_id),
    )
    assert decided == [(1,)]

    await approve_rest_and_send(tg, SIDOROV, card)
    answer = await sidorov.press(card.message_id, approve_one, crafted=True)
    assert answer is not None and "ушёл дальше" in (answer.text or "")


async def test_a_burst_of_taps_under_flood_control_ends_in_one_card_showing_them_all(
    tg: SandboxTelegramClient, stack: Stack
):
    """Telegram allows about one message per second in a chat: a director tapping down a
    page gets 429 on the card's edits. Every tap is still decided and answered, and the
    card ends showing all of them, without an error to anyone."""
    await start_chats(tg, IVANOVA, SIDOROV)
    register_id = await submit_ekb(tg)
    card = await card_of(tg, SIDOROV, register_id)
    sidorov = tg.user(SIDOROV)
    since = (await tg.calls(since=0))[-1].seq
    errors_before = stack.bot_log().count("unhandled error")
    await tg.set_flood_control(True, per_chat_rate=1.0, per_chat_burst=1)
    try:
        taps = [button(card, f"✅ {n}") for n in range(1, 7)]
        # two waves: taps fired at once are decided in one batch with one edit
        answers = await asyncio.gather(*(sidorov.press(card.message_id, t) for t in taps[:3]))
        answers += await asyncio.gather(*(sidorov.press(card.message_id, t) for t in taps[3:]))
        assert all(a is not None and a.answered and not a.text for a in answers), answers
        shown = await sidorov.wait_for_edit(card.message_id, contains="Не решено: 18", timeout=10)
    finally:
        await tg.set_flood_control(False)
    assert shown.text.count("✅") >= 6
    edits = [c for c in await tg.calls("editMessageText", since=since)
             if str(c.params.get("chat_id")) == str(SIDOROV)]  # fmt: skip
    assert any(c.status == 429 for c in edits), "the burst met flood control"
    assert len([c for c in edits if c.ok]) < len(taps)  # the waiting screens were merged
    decided = query(stack, "select count(*) from register_decision d join register_item i "
                           "on i.id = d.item_id where i.register_id = ?", register_id)  # fmt: skip
    assert decided == [(6,)]
    assert stack.bot_log().count("unhandled error") == errors_before

"""The real bot process against the Telegram emulator: linking, the menu, unknown users,
and a dialog that survives a restart."""

from __future__ import annotations

import asyncio

from sandbox.telegram import SandboxTelegramClient
from tests.e2e.harness import BOT_USERNAME, Stack, pool_phone

SAMPLE_NAMES = ("Кузнецов", "Зайцева", "Фёдорова", "Иванова", "Васильев")


async def test_a_prelinked_director_gets_a_menu_for_their_role(tg: SandboxTelegramClient):
    director = tg.user(500020)
    await director.send_command("/start")
    menu = await director.wait_for_message(contains="Кузнецов Павел Андреевич")
    assert "Директор дилерского центра" in menu.text
    assert "Согласование" in menu.text
    assert "Реестр платежей" not in menu.text


async def test_the_menu_differs_by_role(tg: SandboxTelegramClient):
    chief = tg.user(500003)
    await chief.send_command("/start")
    text = (await chief.wait_for_message(contains="Зайцева")).text
    assert "Главный бухгалтер" in text and "Реестр платежей" in text and "сводка" in text
    admin = tg.user(500005)
    await admin.send_command("/start")
    menu = await admin.wait_for_message(contains="Белов")
    assert "Your roles: Administrator" in menu.text  # the admin reads English
    buttons = [b.text for row in menu.inline_keyboard for b in row]
    assert "✉️ Invite an employee" in buttons


async def test_an_unknown_user_learns_how_to_link_and_sees_no_business_data(
    tg: SandboxTelegramClient, stack: Stack
):
    stranger = await tg.create_user("Чужой", user_id=stack.users.telegram_id())
    await stranger.send_command("/start")
    reply = await stranger.wait_for_message(contains="Поделиться номером")
    assert reply.reply_keyboard is not None and reply.reply_keyboard.rows[0][0].request_contact
    await stranger.send_text("покажи реестры и записки")
    again = await stranger.wait_for_message(contains="только для сотрудников")
    await stranger.send_document("reestr.csv", "Контрагент;ИНН;Сумма\n".encode())
    third = await stranger.wait_for_message(contains="только для сотрудников")
    for message in (reply, again, third):
        assert not any(name in message.text for name in SAMPLE_NAMES)


async def test_sharing_ones_own_contact_links_the_account(tg: SandboxTelegramClient, stack: Stack):
    number = stack.users.person()
    user = await tg.create_user(
        "Тест", user_id=stack.users.telegram_id(), phone_number=pool_phone(number)
    )
    await user.send_command("/start")
    await user.wait_for_message(contains="Поделиться номером")
    await user.press_reply_button("📱 Поделиться номером")
    linked = await user.wait_for_message(contains="Аккаунт привязан")
    assert f"Тестов{number:02d}" in linked.text


async def test_a_forwarded_contact_of_someone_else_is_refused(
    tg: SandboxTelegramClient, stack: Stack
):
    impostor = await tg.create_user("Самозванец", user_id=stack.users.telegram_id())
    await impostor.send_contact("+79160000020", contact_user_id=500020, first_name="Павел")
    refusal = await impostor.wait_for_message(contains="не ваш контакт")
    assert "Кузнецов" not in refusal.text
    await impostor.send_command("/start")
    await impostor.wait_for_message(contains="только для сотрудников")


async def test_an_invite_links_once_and_is_refused_when_reused(
    tg: SandboxTelegramClient, stack: Stack
):
    number = stack.users.person()
    printed = stack.viza("invite", f"e2e{number:02d}")
    assert printed.returncode == 0, printed.stderr
    link = printed.stdout.strip().splitlines()[-1]
    assert link.startswith(f"https://t.me/{BOT_USERNAME}?start=")
    token = link.rpartition("=")[2]
    first = await tg.create_user("Новый", user_id=stack.users.telegram_id())
    await first.send_command("/start", token)
    await first.wait_for_message(contains=f"Тестов{number:02d}")
    second = await tg.create_user("Другой", user_id=stack.users.telegram_id())
    await second.send_command("/start", token)
    await second.wait_for_message(contains="уже использовано")


async def test_an_expired_invite_is_refused(tg: SandboxTelegramClient, stack: Stack):
    number = stack.users.person()
    old = stack.viza_with_env({"VIZA_CLOCK__SHIFT_MINUTES": str(-73 * 60)})
    printed = old("invite", f"e2e{number:02d}")
    assert printed.returncode == 0, printed.stderr
    token = printed.stdout.strip().rpartition("=")[2]
    user = await tg.create_user("Опоздавший", user_id=stack.users.telegram_id())
    await user.send_command("/start", token)
    await user.wait_for_message(contains="Срок действия приглашения истёк")


async def test_the_admins_invite_dialog_survives_a_bot_restart(
    tg: SandboxTelegramClient, stack: Stack
):
    number = stack.users.person()
    admin = tg.user(500005)
    await admin.send_command("/start")
    menu = await admin.wait_for_message(contains="Белов")
    await admin.press(menu.message_id, text="✉️ Invite an employee")
    await admin.wait_for_message(contains="part of the name")
    stack.stop_bot()
    # SIGTERM stops polling cleanly: no poller left to fail on the closed session.
    stopped = stack.bot_log()
    assert "Polling stopped for bot" in stopped
    assert "Failed to fetch updates" not in stopped
    stack.start_bot()
    await admin.send_text(f"тестов{number:02d}")
    choice = await admin.wait_for_message(contains="single-use invite link")
    await admin.press(choice.message_id, text=f"Тестов{number:02d} Тест Тестович")
    invite = await admin.wait_for_message(contains=f"https://t.me/{BOT_USERNAME}?start=")
    assert f"Тестов{number:02d}" in invite.text


async def test_a_non_admin_cannot_use_a_crafted_invite_button(
    tg: SandboxTelegramClient, stack: Stack
):
    director = tg.user(500021)
    await director.send_command("/start")
    menu = await director.wait_for_message(contains="Лебедев")
    answer = await director.press(menu.message_id, "inv:1", crafted=True)
    assert answer is not None and "администратор" in (answer.text or "")
    chat = await director.chat()
    assert not any("t.me/" in (m.text or "") for m in chat)


async def test_a_deactivated_person_gets_nothing_but_a_notice(
    tg: SandboxTelegramClient, stack: Stack
):
    number = stack.users.person()
    user = await tg.create_user(
        "Уволен", user_id=stack.users.telegram_id(), phone_number=pool_phone(number)
    )
    await user.send_contact(pool_phone(number))
    await user.wait_for_message(contains="Аккаунт привязан")
    text = stack.org_file.read_text(encoding="utf-8")
    block = f'\n[[people]]\ncode = "e2e{number:02d}"\n'
    start = text.index(block)
    end = text.index("\n[[people]]", start + 1) if "\n[[people]]" in text[start + 1 :] else None
    without = text[:start] + (text[end:] if end else "\n")
    smaller = stack.workdir / f"org-without-{number}.toml"
    smaller.write_text(without, encoding="utf-8")
    imported = stack.viza("org", "import", str(smaller))
    assert f"отключены: e2e{number:02d}" in imported.stdout, imported.stderr
    await user.send_command("/start")
    notice = await user.wait_for_message(contains="отключена")
    assert "Тестов" not in notice.text
    answer = await user.press(notice.message_id, "m:help", crafted=True)
    assert answer is not None and "отключена" in (answer.text or "")
    restored = stack.viza("org", "import", str(stack.org_file))
    assert restored.returncode == 0


async def test_the_command_menu_speaks_each_persons_language(
    tg: SandboxTelegramClient, stack: Stack
):
    director, admin = tg.user(500020), tg.user(500005)
    await director.send_command("/start")
    await director.wait_for_message(contains="Кузнецов")
    await admin.send_command("/start")
    await admin.wait_for_message(contains="Белов")
    russian = dict((await director.chat_view()).commands)
    assert russian["start"] == "Главное меню" and russian["memo"] == "Новая служебная записка"
    for _ in range(50):  # the admin's own menu is set just after their /start is answered
        english = dict((await admin.chat_view()).commands)
        if english.get("start") == "Main menu":
            break
        await asyncio.sleep(0.05)
    assert english == {"start": "Main menu", "help": "Help", "memo": "New memo",
                       "memos": "My memos", "cancel": "Cancel the dialog"}  # fmt: skip
    english_client = await tg.create_user(
        "Smith", user_id=stack.users.telegram_id(), language_code="en"
    )
    assert dict((await english_client.chat_view()).commands)["help"] == "Help"

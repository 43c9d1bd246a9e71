"""The memo dialog as a user goes through it in the Telegram emulator: write a memo from
/memo to its preview, send it, decide on its card; and the check that its PDF verifies."""

from __future__ import annotations

import re

from sandbox.telegram import TelegramUser
from sandbox.telegram.client_types import ChatMessage
from tests.e2e.harness import Stack

NUMBER = re.compile(r"СЗ-\d{4}-\d{6}")


async def tap(user: TelegramUser, message: ChatMessage, text: str) -> None:
    answer = await user.press(message.message_id, text=text)
    assert answer is not None, f"no answer to «{text}»"


async def write_memo(
    user: TelegramUser,
    title: str,
    *,
    executor: tuple[str, str],
    add: tuple[tuple[str, str], ...] = (),
    files: tuple[tuple[str, bytes], ...] = (),
    photo: bool = False,
    gd: bool = False,
) -> ChatMessage:
    """The dialog from /memo to «Отправить»; returns the preview as sent."""
    await user.send_command("/memo")
    await user.wait_for_message(contains="Напишите тему")
    await user.send_text(title)
    await user.wait_for_message(contains="Напишите текст")
    await user.send_text(f"Текст записки «{title}»: прошу согласовать.")
    prompt = await user.wait_for_message(contains="Приложите файлы")
    for name, body in files:
        await user.send_document(name, body)
        prompt = await user.wait_for_message(contains=f"Добавлено: {name}")
    if photo:
        await user.send_photo()
        prompt = await user.wait_for_message(contains="Добавлено: photo_")
    await tap(user, prompt, "Готово ➡️" if files or photo else "Без вложений ➡️")
    await user.wait_for_message(contains="Кто исполнитель")
    await user.send_text(executor[0])
    found = await user.wait_for_message(contains="выберите")
    await tap(user, found, executor[1])
    route = await user.wait_for_message(contains="Маршрут согласования")
    for query, name in add:
        await tap(user, route, "➕ Добавить согласующего")
        await user.wait_for_message(contains="Кого добавить")
        await user.send_text(query)
        await tap(user, await user.wait_for_message(contains="выберите"), name)
        route = await user.wait_for_message(contains="Маршрут согласования")
    if gd:
        await tap(user, route, "⬜ С генеральным директором")
        route = await user.wait_for_edit(route.message_id, contains="директором: да")
    await tap(user, route, "Далее ➡️")
    return await user.wait_for_message(contains="Проверьте")


async def send(user: TelegramUser, preview: ChatMessage) -> str:
    await tap(user, preview, "✅ Отправить")
    sent = await user.wait_for_message(contains="отправлена на согласование")
    found = NUMBER.search(sent.body)
    assert found is not None
    return found.group()


async def decide(user: TelegramUser, number: str, button: str = "✅ Согласовать") -> ChatMessage:
    card = await user.wait_for_message(contains=number)
    assert "Ваше решение" in card.body, card.body
    await tap(user, card, button)
    return card


def assert_pdf_verifies(stack: Stack, pdf: bytes, number: str) -> None:
    """`viza audit verify-pdf` accepts the PDF as sent and refuses a changed copy."""
    path = stack.workdir / f"{number}.pdf"
    path.write_bytes(pdf)
    genuine = stack.viza("audit", "verify-pdf", str(path))
    assert genuine.returncode == 0 and f"служебная записка {number}" in genuine.stdout
    path.write_bytes(pdf + b"\n%% one byte more\n")
    changed = stack.viza("audit", "verify-pdf", str(path))
    assert changed.returncode == 1 and "не найден" in changed.stdout

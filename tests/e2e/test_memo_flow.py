"""Memos through the real bot, the Telegram emulator and the Bitrix24 emulator (PRODUCT §4):
a sales manager's memo with an accountant executor goes through three approvers, one adds a
fourth, a fifth is refused, the finance director approves last; the author and executor get
the PDF, whose text holds every step in order; Bitrix24 then holds one task for the
executor with the PDF and each attachment. Also the general-director path, a rejection,
and a return -> edit -> resubmit round, and a dialog that survives a restart."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator, Iterator

import pytest

from sandbox.bitrix24 import Bitrix24Control
from sandbox.telegram import SandboxTelegramClient
from tests.e2e.harness import Stack
from tests.e2e.memo_dialog import assert_pdf_verifies, decide, send, tap, write_memo
from tests.unit.memo.pdf_helpers import pdf_text

pytestmark = pytest.mark.e2e

EGOROV, IVANOVA, SIDOROV, PETROV = 500040, 500033, 500022, 500011
FINDIR, GENDIR, GLAVBUH, SOKOLOV = 500002, 500001, 500003, 500023


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("e2e-memo"), bitrix24=True)
    try:
        running.start()
        yield running
    finally:
        running.stop()


_STARTED: set[int] = set()


@pytest.fixture(autouse=True)
async def people(tg: SandboxTelegramClient) -> None:
    """Everyone has opened the bot once (Telegram lets a bot write only to such users)."""
    for user_id in (EGOROV, IVANOVA, SIDOROV, PETROV, FINDIR, GENDIR, GLAVBUH, SOKOLOV):
        if user_id not in _STARTED:
            user = tg.user(user_id)
            await user.send_command("/start")
            await user.wait_for_message(contains="Здравствуйте")
            _STARTED.add(user_id)


@pytest.fixture
async def b24(stack: Stack) -> AsyncIterator[Bitrix24Control]:
    async with Bitrix24Control(stack.bitrix24_url) as control:
        yield control


async def test_a_memo_walks_its_chain_and_ends_as_a_pdf_and_a_bitrix24_task(
    tg: SandboxTelegramClient, b24: Bitrix24Control, stack: Stack
):
    egorov = tg.user(EGOROV)
    smeta, plan = b"%PDF-1.4 smeta", b"plan of works"
    preview = await write_memo(
        egorov, "Ремонт шоурума", executor=("Иванова", "Иванова Анна Сергеевна"),
        add=(("Зайцева", "Зайцева Ольга Петровна"),),
        files=(("смета.pdf", smeta), ("план.txt", plan)), photo=True,
    )  # fmt: skip
    assert "Сидоров" in preview.body and "Петров" in preview.body
    assert "Фёдорова Елена Викторовна" in preview.body and "итоговый" in preview.body
    number = await send(egorov, preview)

    await decide(tg.user(SIDOROV), number)
    petrov = tg.user(PETROV)
    card = await petrov.wait_for_message(contains=number)
    await tap(petrov, card, "➕ Добавить согласующего")
    await petrov.wait_for_message(contains="Кого добавить")
    await petrov.send_text("Соколов")
    await tap(
        petrov, await petrov.wait_for_message(contains="выберите"), "Соколов Игорь Дмитриевич"
    )
    await petrov.wait_for_message(contains="Соколов")
    await tap(petrov, card, "✅ Согласовать")

    sokolov = tg.user(SOKOLOV)
    card = await sokolov.wait_for_message(contains=number)
    await tap(sokolov, card, "➕ Добавить согласующего")
    await sokolov.wait_for_message(contains="Кого добавить")
    await sokolov.send_text("Кузнецов")
    found = await sokolov.wait_for_message(contains="выберите")
    refused = await sokolov.press(found.message_id, text="Кузнецов Павел Андреевич")
    assert refused is not None and "4 из 4" in (refused.text or "")
    await tap(sokolov, card, "✅ Согласовать")
    await decide(tg.user(GLAVBUH), number)
    await decide(tg.user(FINDIR), number)

    for person in (egorov, tg.user(IVANOVA)):
        got = await person.wait_for_message(lambda m: m.document is not None, contains=number)
        assert got.document is not None and got.document.file_name == f"{number}.pdf"
        pdf = await tg.download(got.document)
        text = pdf_text(pdf)
    assert_pdf_verifies(stack, pdf, number)
    order = ["Сидоров", "Петров", "Соколов", "Зайцева", "Фёдорова"]
    assert [text.index(name) for name in order] == sorted(text.index(name) for name in order)
    assert "смета.pdf" in text and "план.txt" in text

    task = await egorov.wait_for_message(contains="задача №", timeout=30)
    task_id = re.search(r"задача №(\d+)", task.body)
    assert task_id is not None
    tasks = [t for t in await b24.get("tasks") if number in t["TITLE"]]
    assert len(tasks) == 1 and str(tasks[0]["ID"]) == task_id.group(1)
    assert tasks[0]["RESPONSIBLE_ID"] == 33 and tasks[0]["CREATED_BY"] == 40
    files = {f["ID"]: f for f in await b24.get("files")}
    bodies = [base64.b64decode(files[i]["content_base64"]) for i in tasks[0]["FILE_IDS"]]
    assert bodies[0].startswith(b"%PDF") and bodies[1:3] == [smeta, plan] and len(bodies) == 4
    await tg.user(IVANOVA).wait_for_message(contains=f"задача №{task_id.group(1)}")


async def test_the_general_director_approves_after_the_department_director(
    tg: SandboxTelegramClient,
):
    egorov = tg.user(EGOROV)
    title = "Аренда <b>площадки</b> & <img src=x>"  # shown as typed, never as markup
    preview = await write_memo(egorov, title, executor=("Егоров", "Егоров Константин Львович"),
                               gd=True)  # fmt: skip
    assert "Васильев Андрей Николаевич" in preview.body and title in preview.body
    number = await send(egorov, preview)
    for approver in (SIDOROV, PETROV, GENDIR):
        card = await decide(tg.user(approver), number)
        assert title in card.body
    got = await egorov.wait_for_message(lambda m: m.document is not None, contains=number)
    assert got.document is not None


async def test_a_rejection_ends_the_memo_and_tells_the_author_why(tg: SandboxTelegramClient):
    egorov = tg.user(EGOROV)
    number = await send(egorov, await write_memo(
        egorov, "Новая вывеска", executor=("Иванова", "Иванова Анна Сергеевна")))  # fmt: skip
    sidorov = tg.user(SIDOROV)
    card = await decide(sidorov, number, "❌ Отклонить")
    await sidorov.wait_for_message(contains="причину отклонения")
    await sidorov.send_text("Нет бюджета до конца года")
    await sidorov.wait_for_message(contains="Отклонена")
    told = await egorov.wait_for_message(contains="отклонена")
    assert "Нет бюджета до конца года" in told.body and number in told.body
    stale = await sidorov.press(card.message_id, text="✅ Согласовать")
    assert stale is not None and stale.text == "Вы уже отклонили эту записку."
    await egorov.send_command("/memos")
    mine = await egorov.wait_for_message(contains="Мои записки")
    assert f"{number} «Новая вывеска» — Отклонена" in mine.body


async def test_a_returned_memo_is_edited_and_resubmitted_in_a_new_round(
    tg: SandboxTelegramClient,
):
    egorov = tg.user(EGOROV)
    number = await send(egorov, await write_memo(
        egorov, "Корпоратив", executor=("Иванова", "Иванова Анна Сергеевна")))  # fmt: skip
    await decide(tg.user(SIDOROV), number)
    petrov = tg.user(PETROV)
    await decide(petrov, number, "↩️ Вернуть на доработку")
    await petrov.wait_for_message(contains="что нужно доработать")
    await petrov.send_text("Уточните смету")
    returned = await egorov.wait_for_message(contains="возвращена на доработку")
    assert "Уточните смету" in returned.body
    await tap(egorov, returned, "✏️ Изменить и отправить снова")
    preview = await egorov.wait_for_message(contains="Проверьте изменения")
    await tap(egorov, preview, "✏️ Тема")
    await egorov.wait_for_message(contains="Напишите тему")
    await egorov.send_text("Корпоратив (смета уточнена)")
    preview = await egorov.wait_for_message(contains="Проверьте изменения")
    assert "смета уточнена" in preview.body
    await tap(egorov, preview, "✅ Отправить повторно")
    await egorov.wait_for_message(contains=f"{number} отправлена")
    card = await tg.user(SIDOROV).wait_for_message(contains="круг 2")
    assert number in card.body and "Уточните смету" in card.body


async def test_a_half_written_memo_survives_a_restart(tg: SandboxTelegramClient, stack: Stack):
    egorov = tg.user(EGOROV)
    await egorov.send_command("/memo")
    await egorov.wait_for_message(contains="Напишите тему")
    await egorov.send_text("После перезапуска")
    await egorov.wait_for_message(contains="Напишите текст")
    stack.stop_bot()
    stack.start_bot()
    await egorov.send_text("Текст после перезапуска.")
    prompt = await egorov.wait_for_message(contains="Приложите файлы")
    await tap(egorov, prompt, "⬅️ Назад")
    back = await egorov.wait_for_message(contains="Текст после перезапуска")
    await tap(egorov, back, "✖️ Отмена")
    await egorov.wait_for_edit(back.message_id, contains="диалог отменён")


async def test_the_route_can_be_reordered_and_trimmed_before_sending(tg: SandboxTelegramClient):
    egorov = tg.user(EGOROV)
    await egorov.send_command("/memo")
    await egorov.wait_for_message(contains="Напишите тему")
    await egorov.send_text("Порядок согласования")
    await egorov.wait_for_message(contains="Напишите текст")
    await egorov.send_text("Текст.")
    await tap(egorov, await egorov.wait_for_message(contains="Приложите файлы"), "Без вложений ➡️")
    await egorov.wait_for_message(contains="Кто исполнитель")
    await egorov.send_text("иванова")
    await tap(egorov, await egorov.wait_for_message(contains="выберите"), "Иванова Анна Сергеевна")
    route = await egorov.wait_for_message(contains="Маршрут согласования")
    await tap(egorov, route, "⬆️ Петров С. И.")
    route = await egorov.wait_for_edit(route.message_id, contains="1. Петров")
    await tap(egorov, route, "✖️ Сидоров Н. В.")
    route = await egorov.wait_for_edit(route.message_id, contains="Согласующих: 1 из 4")
    assert "Сидоров" not in route.body
    await tap(egorov, route, "➕ Добавить согласующего")
    await egorov.wait_for_message(contains="Кого добавить")
    await egorov.send_text("Фёдорова")
    await tap(
        egorov, await egorov.wait_for_message(contains="выберите"), "Фёдорова Елена Викторовна"
    )
    route = await egorov.wait_for_message(contains="Маршрут согласования")
    assert "согласует записку последним" in route.body
    refused = await egorov.press(route.message_id, text="Далее ➡️")
    assert refused is not None and "согласует записку последним" in (refused.text or "")
    await tap(egorov, route, "✖️ Фёдорова Е. В.")
    route = await egorov.wait_for_edit(route.message_id, contains="Согласующих: 1 из 4")
    await tap(egorov, route, "Далее ➡️")
    preview = await egorov.wait_for_message(contains="Проверьте")
    assert "1. Петров Сергей Иванович" in preview.body
    await tap(egorov, preview, "✖️ Отмена")
    await egorov.wait_for_edit(preview.message_id, contains="диалог отменён")

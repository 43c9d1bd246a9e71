"""Register upload through the real bot and the Telegram emulator (PRODUCT §3 «Upload»):
each public sample, the error report, refusals, the DC choice, a cross-DC duplicate, and
the draft card's buttons. The database is inspected directly to prove what was stored."""

from __future__ import annotations

import sqlite3
from time import perf_counter

from sandbox.telegram import SandboxTelegramClient
from tests.e2e.harness import FIXTURES, Stack
from tests.unit.registers.builders import HEADER_RU, payment, xlsx

SAMPLES = FIXTURES / "registers"
NBSP = "\u00a0"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def money(text: str) -> str:
    return text.replace(" ", NBSP)


def count_rows(stack: Stack, table: str) -> int:
    with sqlite3.connect(stack.database) as db:
        return int(db.execute(f"select count(*) from {table}").fetchone()[0])


async def upload(tg: SandboxTelegramClient, user_id: int, name: str):
    """Send a file; return the «Проверяю файл…» message as it reads once edited."""
    user = tg.user(user_id)
    await user.send_document(name, sample(name))
    status = await user.wait_for_message(contains="Проверяю файл")
    return await user.wait_for_edit(status.message_id)


async def test_a_1c_file_becomes_a_draft_with_its_sum(tg: SandboxTelegramClient):
    card = await upload(tg, 500034, "nsk-lexus_2026-11-30.txt")  # Новикова, one DC
    assert "Реестр №" in card.text and "черновик" in card.text
    assert "Лексус Новосибирск" in card.text
    assert "Платежей: 6" in card.text
    assert money("1 745 881,26") in card.text
    assert [b.text for b in card.buttons][:1] == ["✅ Отправить на согласование"]


async def test_an_accountant_of_two_dcs_chooses_the_dc_first(tg: SandboxTelegramClient):
    choice = await upload(tg, 500033, "ekb-toyota_2026-11-30.xlsx")  # Иванова: two DCs
    assert "Для какого дилерского центра" in choice.text
    user = tg.user(500033)
    await user.press(choice.message_id, text="Тойота Центр Екатеринбург (Екатеринбург)")
    card = await user.wait_for_edit(choice.message_id, contains="Платежей")
    assert "Платежей: 24" in card.text
    assert money("15 495 315,76") in card.text
    assert "Итого" not in card.text


async def test_a_csv_register_reads_with_its_duplicate_warning(tg: SandboxTelegramClient):
    card = await upload(tg, 500031, "msk-kia_2026-11-30.csv")  # Волкова: msk-kia only
    assert "Платежей: 15" in card.text
    assert money("6 993 003,00") in card.text
    duplicates = [line for line in card.text.splitlines() if "дубл" in line.lower()]
    assert len(duplicates) == 1, card.text
    assert "Строки 5 и 11" in duplicates[0]


async def test_a_file_with_errors_lists_them_by_line_and_stores_nothing(
    tg: SandboxTelegramClient, stack: Stack
):
    before = [count_rows(stack, t) for t in ("register", "register_item", "register_file")]
    report = await upload(tg, 500032, "krd-hyundai_errors.xlsx")  # Морозова
    assert "не принят" in report.text and "ошибок: 3" in report.text
    lines = [line.lstrip("• ") for line in report.text.splitlines() if "Строка " in line]
    assert [line.split(":")[0] for line in lines] == ["Строка 7", "Строка 10", "Строка 12"]
    assert "контрольная сумма" in lines[0]
    after = [count_rows(stack, t) for t in ("register", "register_item", "register_file")]
    assert after == before


async def test_a_director_who_sends_a_file_is_told_who_can_upload(
    tg: SandboxTelegramClient, stack: Stack
):
    before = count_rows(stack, "register")
    director = tg.user(500021)  # Лебедев, director of krd-hyundai
    await director.send_document("reestr.csv", sample("msk-kia_2026-11-30.csv"))
    refusal = await director.wait_for_message()
    assert "Морозова" in refusal.text  # the accountant of his DC
    assert count_rows(stack, "register") == before


async def test_a_duplicate_of_another_dcs_register_is_flagged_with_its_dc(
    tg: SandboxTelegramClient,
):
    await upload(tg, 500031, "msk-kia_2026-11-30.csv")  # Волкова, Киа Центр Москва Юг
    choice = await upload(tg, 500030, "msk-kia_2026-11-30.csv")  # Смирнова: two DCs
    user = tg.user(500030)
    await user.press(choice.message_id, text="Тойота Центр Москва Север (Москва)")
    card = await user.wait_for_edit(choice.message_id, contains="Платежей")
    assert "Киа Центр Москва Юг" in card.text
    assert "реестр №" in card.text


async def test_cancel_drops_the_draft_and_submit_sends_it(tg: SandboxTelegramClient, stack):
    card = await upload(tg, 500034, "nsk-lexus_2026-11-30.txt")
    user = tg.user(500034)
    await user.press(card.message_id, text="✖️ Отменить")
    cancelled = await user.wait_for_edit(card.message_id, contains="отменён")
    assert not cancelled.buttons
    card = await upload(tg, 500034, "nsk-lexus_2026-11-30.txt")
    register_id = int(card.text.split("№")[1].split()[0])
    await user.press(card.message_id, text="✅ Отправить на согласование")
    await user.wait_for_edit(card.message_id, contains="на согласование")
    with sqlite3.connect(stack.database) as db:
        status = db.execute("select status from register where id = ?", (register_id,))
        assert status.fetchone()[0] != "draft"
        actions = {row[0] for row in db.execute("select action from audit_log")}
    assert {"register.uploaded", "register.cancelled"} <= actions


async def test_a_300_row_upload_reaches_its_summary_quickly(tg: SandboxTelegramClient):
    """Not a timed assertion: the figure is printed for the closing note and bench."""
    data = xlsx([HEADER_RU, *(payment(n) for n in range(1, 301))])
    user = tg.user(500032)
    started = perf_counter()
    await user.send_document("big.xlsx", data)
    status = await user.wait_for_message(contains="Проверяю файл")
    card = await user.wait_for_edit(status.message_id, contains="Платежей: 300")
    print(f"upload-to-summary of 300 rows: {perf_counter() - started:.3f} s")
    assert "Платежей: 300" in card.text

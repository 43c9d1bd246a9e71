"""Uploading payment registers through the use cases, on SQLite and PostgreSQL, with the
public sample files: clean files become drafts with exact sums, a file with errors stores
nothing, only a DC's accountant may upload, duplicates are found across DCs."""

from __future__ import annotations

import hashlib
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.inn import complete_inn
from domain.registers_rows import PaymentRow
from formats.registers import read_register
from models.register_tables import RegisterFile, RegisterItem
from services.errors import NotAllowed
from services.registers import (
    DraftReady,
    FileRefused,
    NeedDealerCenter,
    RegisterRules,
    Rejected,
)
from services.usecases import UseCases
from tests.integration.registers.desk import (
    EKB,
    GLAVBUH,
    IVANOVA,
    KRD,
    KUZNETSOV,
    MOROZOVA,
    MSK,
    NOVIKOVA,
    NSK,
    SAMPLES,
    SMIRNOVA,
    counts,
)


async def test_the_ekb_workbook_asks_for_the_dc_then_stores_24_items_with_the_exact_total(
    desk, database
):
    asked = await desk.upload(IVANOVA, EKB)
    assert isinstance(asked, NeedDealerCenter)
    assert {dc.code for dc in asked.choices} == {"ekb-toyota", "ekb-kia"}
    assert await counts(database) == (0, 0, 0)

    summary = await desk.draft(IVANOVA, EKB, "ekb-toyota")
    assert (summary.dc.code, summary.status, summary.version) == ("ekb-toyota", "draft", 1)
    assert summary.item_count == 24 and summary.total == Decimal("15495315.76")
    assert sum(c.amount for c in summary.by_category) == summary.total
    assert summary.payment_date == date(2026, 11, 30) and summary.filename == EKB
    assert await counts(database) == (1, 24, 1)
    data = (SAMPLES / EKB).read_bytes()
    async with database.sessions() as session:
        stored = await session.scalar(select(RegisterFile))
        amounts = (await session.scalars(select(RegisterItem.amount))).all()
    assert stored.content == data and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.size == len(data)
    assert sum(amounts) == Decimal("15495315.76")


async def test_the_msk_csv_stores_15_items_with_one_duplicate_warning(desk, database):
    summary = await desk.draft(SMIRNOVA, MSK, "msk-kia")
    assert summary.item_count == 15 and summary.total == Decimal("6993003.00")
    duplicates = [w for w in summary.warnings if "возможный дубль" in w]
    assert duplicates == [
        "Строки 5 и 11: возможный дубль — ИНН 1852544965, счёт 1439, 69\u00a0391,47 ₽"
    ]
    async with database.sessions() as session:
        noted = (
            await session.scalars(
                select(RegisterItem.line).where(RegisterItem.duplicate_note.is_not(None))
            )
        ).all()
    assert sorted(noted) == [5, 11]


async def test_the_nsk_1c_file_stores_6_items(desk, database):
    summary = await desk.draft(NOVIKOVA, NSK)
    assert summary.dc.code == "nsk-lexus"
    assert summary.item_count == 6 and summary.total == Decimal("1745881.26")
    assert await counts(database) == (1, 6, 1)


@pytest.mark.parametrize(
    ("telegram_id", "name", "dc"),
    [(IVANOVA, EKB, "ekb-toyota"), (SMIRNOVA, MSK, "msk-kia"), (NOVIKOVA, NSK, None)],
)
async def test_every_stored_item_is_its_parsed_row_with_null_for_an_empty_cell(
    desk, database, telegram_id, name, dc
):
    summary = await desk.draft(telegram_id, name, dc)
    parsed = read_register(name, (SAMPLES / name).read_bytes())
    fields = [getattr(RegisterItem, f) for f in PaymentRow._fields]
    async with database.sessions() as session:
        stored = (
            await session.execute(
                select(RegisterItem.position, RegisterItem.status, *fields)
                .where(RegisterItem.register_id == summary.id)
                .order_by(RegisterItem.id)
            )
        ).all()
    assert [tuple(item[2:]) for item in stored] == [tuple(row) for row in parsed.rows]
    assert [item[:2] for item in stored] == [(n, "pending") for n in range(1, len(stored) + 1)]
    assert any(row.comment is None for row in parsed.rows)
    assert all(row.document_number is not None for row in parsed.rows) == (dc is None)


async def test_a_file_with_errors_is_refused_line_by_line_and_stores_nothing(
    desk, usecases, database
):
    before = (await usecases.verify_audit()).checked
    outcome = await desk.upload(MOROZOVA, KRD)
    assert isinstance(outcome, Rejected)
    assert outcome.errors == (
        "Строка 7: ИНН 7707083894 — неверная контрольная сумма",
        "Строка 10: сумма −1\u00a0500,00 — должна быть больше нуля",
        "Строка 12: не указан контрагент",
    )
    assert outcome.report.startswith(f"Реестр «{KRD}» не принят. Ошибок: 3.")
    assert await counts(database) == (0, 0, 0)
    assert (await usecases.verify_audit()).checked == before


async def test_a_corrupt_or_oversized_file_is_refused_and_stores_nothing(
    usecases, database, uow_factory, clock
):
    person = await usecases.identify(NOVIKOVA)
    outcome = await usecases.upload_register(person, "broken.xlsx", b"PK\x03\x04garbage")
    assert isinstance(outcome, Rejected) and len(outcome.errors) == 1
    tiny = UseCases.build(
        uow_factory,
        clock,
        invite_ttl_hours=24,
        register_rules=RegisterRules.from_config(
            max_file_mb=0.001,
            max_rows=10,
            ceo_threshold=Decimal(1000000),
            timezone="Europe/Moscow",
            cutoff=time(14, 0),
        ),
    )
    with pytest.raises(FileRefused, match="слишком большой"):
        await tiny.upload_register.precheck(person, 50_000)
    too_big = await tiny.upload_register(person, NSK, (SAMPLES / NSK).read_bytes())
    assert isinstance(too_big, Rejected) and "слишком большой" in too_big.errors[0]
    assert await counts(database) == (0, 0, 0)


async def test_a_director_and_an_accountant_without_a_dc_are_refused(desk, usecases, database):
    director = await usecases.identify(KUZNETSOV)
    with pytest.raises(NotAllowed, match="бухгалтеры дилерских центров") as refused:
        await desk.upload(KUZNETSOV, MSK)
    assert "Смирнова Мария Алексеевна" in refused.value.message
    with pytest.raises(NotAllowed):
        await usecases.upload_register.precheck(director, 100)
    with pytest.raises(NotAllowed, match="не указаны бухгалтером"):
        await desk.upload(GLAVBUH, MSK)
    with pytest.raises(NotAllowed, match="не ведёте учёт"):
        await desk.upload(SMIRNOVA, MSK, "ekb-toyota")
    assert await counts(database) == (0, 0, 0)


async def test_the_same_file_from_another_dc_warns_of_duplicates_naming_the_first_dc(desk):
    first = await desk.draft(IVANOVA, EKB, "ekb-toyota")
    second = await desk.draft(NOVIKOVA, EKB)
    prior = [w for w in second.warnings if "уже есть" in w]
    assert len(prior) == 24
    assert all(f"реестр №{first.id} от 30.11.2026, Тойота Центр Екатеринбург" in w for w in prior)
    assert all("уже есть" not in w for w in first.warnings)


async def test_a_cancelled_register_no_longer_counts_as_a_duplicate(desk, usecases):
    first = await desk.draft(NOVIKOVA, NSK)
    await usecases.cancel_draft(await usecases.identify(NOVIKOVA), first.id, first.version)
    again = await desk.draft(NOVIKOVA, NSK)
    assert all("уже есть" not in w for w in again.warnings)


async def test_registers_older_than_30_days_are_not_duplicates(desk, clock):
    await desk.draft(NOVIKOVA, NSK)
    clock.advance(timedelta(days=31))
    later = await desk.draft(NOVIKOVA, NSK)
    assert all("уже есть" not in w for w in later.warnings)


async def test_a_large_register_is_checked_against_prior_registers_in_one_window_read(usecases):
    """Past 2,000 distinct keys the lookup reads the 30-day window instead of seeking keys."""
    novikova = await usecases.identify(NOVIKOVA)
    lines = ["Контрагент;ИНН;Сумма;Назначение платежа;№ счета"]
    for n in range(2_500):
        inn = complete_inn(f"77{n:07d}")
        lines.append(f"ООО «Поставщик {n}»;{inn};{n + 1},50;Оплата по счету {n};{n}")
    data = "\n".join(lines).encode("utf-8")
    first = await usecases.upload_register(novikova, "big.csv", data)
    assert isinstance(first, DraftReady) and first.summary.item_count == 2_500
    assert first.summary.total == sum(Decimal(n + 1) + Decimal("0.50") for n in range(2_500))
    resaved = data + b"\n"  # the same payments in another file (the same file is one upload)
    second = await usecases.upload_register(novikova, "big.csv", resaved)
    assert isinstance(second, DraftReady)
    assert sum("уже есть" in w for w in second.summary.warnings) == 2_500

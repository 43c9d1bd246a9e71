"""Uploads read by the bot's parser, a worker process, on SQLite and PostgreSQL: the payments
are stored while the file is read, exactly as the file holds them; a bad row found after
some were stored leaves nothing; and a parser that crashes, fails or runs away costs the
accountant a clear message, never the bot, and the next upload is read as usual."""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import select

from formats.registers import read_register
from models.register_items import encoder_for
from models.register_tables import RegisterItem
from services.register_ports import ItemChunk, PreparedItems
from services.registers import DraftReady, ProcessParser, Rejected
from services.registers.parsers import TOO_SLOW, UNREADABLE
from tests.integration.registers.desk import (
    EKB,
    IVANOVA,
    MSK,
    NOVIKOVA,
    NSK,
    SAMPLES,
    SMIRNOVA,
    counts,
)
from tests.unit.registers.builders import INN_A, INN_B


def hostile(dialect: str, chunk: ItemChunk) -> PreparedItems:
    """The real encoder, unless the first payment asks to crash, fail or stall the worker."""
    first = chunk.rows[0].counterparty
    if first == "CRASH":
        os._exit(3)
    if first == "BUG":
        raise ValueError("a bug in the parser")
    if first == "SLOW":
        time.sleep(30)
    return encoder_for(dialect)(chunk)


@pytest.fixture
def parser(database) -> Iterator[ProcessParser]:
    running = ProcessParser(functools.partial(hostile, database.dialect), timeout=3)
    running.start()
    yield running
    running.close()


def register(count: int, first: str = "ООО «Поставщик 0»", bad_line: int | None = None) -> bytes:
    lines = ["Контрагент;ИНН;Сумма;Назначение платежа;№ счета"]
    for n in range(count):
        name = first if n == 0 else f"ООО «Поставщик {n}»"
        inn = "7707083894" if n + 2 == bad_line else (INN_A, INN_B)[n % 2]
        lines.append(f"{name};{inn};{n + 1},25;Оплата по счету {n};{n}")
    return "\n".join(lines).encode("utf-8")


async def stored_items(database) -> list[tuple[object, ...]]:
    async with database.sessions() as session:
        rows = await session.execute(
            select(
                RegisterItem.position, RegisterItem.line, RegisterItem.counterparty,
                RegisterItem.inn, RegisterItem.amount, RegisterItem.purpose,
                RegisterItem.invoice_number, RegisterItem.invoice_date, RegisterItem.due_date,
                RegisterItem.category, RegisterItem.urgent, RegisterItem.comment,
            ).order_by(RegisterItem.register_id, RegisterItem.position)
        )  # fmt: skip
        return [tuple(row) for row in rows]


@pytest.mark.parametrize(("who", "name", "dc"), [
    (IVANOVA, EKB, "ekb-toyota"), (SMIRNOVA, MSK, "msk-kia"), (NOVIKOVA, NSK, None),
])  # fmt: skip
async def test_each_sample_is_stored_exactly_as_the_file_holds_it(desk, database, who, name, dc):
    summary = await desk.draft(who, name, dc)
    parsed = read_register(name, (SAMPLES / name).read_bytes())
    assert summary.item_count == len(parsed.rows)
    assert summary.totals == parsed.totals_by_currency()
    assert await stored_items(database) == [
        (
            position, row.line, row.counterparty, row.inn, row.amount, row.purpose,
            row.invoice_number, row.invoice_date, row.due_date, row.category, row.urgent,
            row.comment,
        )
        for position, row in enumerate(parsed.rows, 1)
    ]  # fmt: skip


async def test_a_long_file_is_stored_whole_with_its_duplicates_noted(desk, usecases, database):
    novikova = await usecases.identify(NOVIKOVA)
    first = await usecases.upload_register(novikova, "big.csv", register(2_500))
    assert isinstance(first, DraftReady) and first.summary.item_count == 2_500
    assert first.summary.total == sum(Decimal(n + 1) + Decimal("0.25") for n in range(2_500))
    again = await usecases.upload_register(novikova, "big2.csv", register(2_500) + b"\n")
    assert isinstance(again, DraftReady)
    async with database.sessions() as session:
        notes = (
            await session.scalars(
                select(RegisterItem.duplicate_note).where(
                    RegisterItem.register_id == again.summary.id
                )
            )
        ).all()
    assert len(notes) == 2_500 and all(f"№{first.summary.id}" in note for note in notes)
    assert await counts(database) == (2, 5_000, 2)


async def test_a_bad_row_after_a_thousand_stored_ones_leaves_nothing(usecases, database):
    novikova = await usecases.identify(NOVIKOVA)
    outcome = await usecases.upload_register(novikova, "late.csv", register(2_500, bad_line=2_400))
    assert isinstance(outcome, Rejected)
    assert outcome.errors == ("Строка 2400: ИНН 7707083894 — неверная контрольная сумма",)
    assert await counts(database) == (0, 0, 0)


@pytest.mark.parametrize("case", [
    ("CRASH", UNREADABLE, "register parser died (exit code 3)"),
    ("BUG", UNREADABLE, "ValueError: a bug in the parser"),
    ("SLOW", TOO_SLOW, "register parser overran 3 s"),
])  # fmt: skip
async def test_a_failing_parser_refuses_the_file_and_the_next_one_is_read(
    usecases, database, caplog, case
):
    first, message, logged = case
    novikova = await usecases.identify(NOVIKOVA)
    with caplog.at_level(logging.ERROR, logger="viza.registers"):
        failed = await usecases.upload_register(novikova, "odd.csv", register(10, first))
    assert isinstance(failed, Rejected) and failed.errors == (message,)
    assert any(logged in record.getMessage() for record in caplog.records)
    assert await counts(database) == (0, 0, 0)
    fine = await usecases.upload_register(novikova, "fine.csv", register(10))
    assert isinstance(fine, DraftReady) and fine.summary.item_count == 10

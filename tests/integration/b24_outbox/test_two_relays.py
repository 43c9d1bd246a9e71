"""Several relays on one database (several bot instances) never deliver a message twice
and keep the order per entity: SKIP LOCKED on PostgreSQL, the write lock on SQLite."""

from __future__ import annotations

import asyncio

from models.db import create_database
from services.b24_ports import notice_message

from .conftest import enqueue, settle, texts_by_user

PEOPLE, EACH = 30, 5


async def test_two_relays_at_once_deliver_each_message_once_in_order(
    database, emulator, make_relay
):
    await enqueue(
        database,
        [
            notice_message(300 + p, f"{p}-{n}", person_id=p)
            for n in range(EACH)
            for p in range(PEOPLE)
        ],
    )
    emulator.add_fault({"kind": "delay", "seconds": 0.01})  # let the relays overlap
    second_db = create_database(database.engine.url.render_as_string(hide_password=False))
    try:
        first = await make_relay(claim_limit=12)
        second = await make_relay(db=second_db, claim_limit=12)
        reports = await asyncio.gather(settle(first, database), settle(second, second_db))
    finally:
        await second_db.dispose()
    assert all(report.delivered > 0 for report in reports)
    assert sum(report.delivered for report in reports) == PEOPLE * EACH
    expected = {300 + p: [f"{p}-{n}" for n in range(EACH)] for p in range(PEOPLE)}
    assert texts_by_user(emulator.portal.state.notifications) == expected
    keys = [c["key"] for call in emulator.portal.state.calls for c in call["commands"]]
    assert len(keys) == len(set(keys)) == PEOPLE * EACH

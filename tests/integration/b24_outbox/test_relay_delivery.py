"""The relay against the emulator: batching, order per entity, exactly once across an
outage (503 pages, then refused connections), lost answers, and dead letters."""

from __future__ import annotations

import asyncio
import logging
import time

from models.outbox_repo import SqlOutboxStore
from services.b24_ports import crm_upsert_message, notice_message
from services.outbox_ports import NewOutboxMessage, OutboxStatus

from .conftest import SPA, VIZA_ID, enqueue, settle, texts_by_user


def upsert(entity: int, title: str) -> NewOutboxMessage:
    fields = {"title": title, "stageId": f"DT{SPA}_1:NEW"}
    return crm_upsert_message(
        "decision", str(entity), entity_type_id=SPA, local_id_field=VIZA_ID, fields=fields
    )


async def wait_delivered(database, total: int, seconds: float = 15.0) -> None:
    store = SqlOutboxStore(database)
    deadline = time.monotonic() + seconds
    while (await store.counts())[OutboxStatus.DONE] < total:
        assert time.monotonic() < deadline, await store.counts()
        await asyncio.sleep(0.05)


async def test_a_hundred_notifications_take_two_batch_requests(database, emulator, make_relay):
    await enqueue(database, [notice_message(100 + n, f"n{n}", person_id=n) for n in range(100)])
    report = await (await make_relay()).drain()
    assert (report.delivered, report.http_calls) == (100, 2)
    calls = emulator.portal.state.calls
    assert [(c["method"], len(c["commands"])) for c in calls] == [("batch", 50), ("batch", 50)]
    assert len(emulator.portal.state.notifications) == 100


async def test_everything_arrives_once_and_in_order_after_bitrix24_was_down(
    database, emulator, make_relay, caplog
):
    caplog.set_level(logging.INFO, logger="b24sync.client")
    state = emulator.portal.state
    await enqueue(database, [upsert(e, "v0") for e in range(5)])
    await enqueue(database, [notice_message(200 + p, "m0", person_id=p) for p in range(4)])
    emulator.add_fault({"kind": "down", "mode": "503"})
    stop = asyncio.Event()
    relay = await make_relay()
    task = asyncio.create_task(relay.run_forever(stop))
    await asyncio.sleep(0.3)
    await enqueue(database, [upsert(e, "v1") for e in range(5)])
    emulator.faults.clear()
    await emulator.pause()  # now connections are refused
    await enqueue(database, [notice_message(200 + p, "m1", person_id=p) for p in range(4)])
    await asyncio.sleep(0.3)
    await enqueue(database, [upsert(e, "v2") for e in range(5)])
    await emulator.resume()
    await enqueue(database, [notice_message(200 + p, "m2", person_id=p) for p in range(4)])
    await wait_delivered(database, 5 * 3 + 4 * 3)
    stop.set()
    await task
    assert any(call["status"] == 503 for call in state.calls)
    assert any("-> refused" in record.getMessage() for record in caplog.records)
    assert texts_by_user(state.notifications) == {200 + p: ["m0", "m1", "m2"] for p in range(4)}
    assert sorted(item[VIZA_ID] for item in state.items.values()) == [
        f"decision:{e}" for e in range(5)
    ]
    for item in state.items.values():
        history = [h["fields"]["title"] for h in state.item_history if h["id"] == item["id"]]
        assert history == ["v0", "v1", "v2"] and item["title"] == "v2"


async def test_a_create_whose_answer_was_lost_is_not_made_twice(database, emulator, make_relay):
    relay = await make_relay(client={"timeout": 0.3})
    lost_answers = (
        {"kind": "error", "error": "INTERNAL_SERVER_ERROR", "status": 500},  # ran, then failed
        {"kind": "delay", "seconds": 0.6},  # ran, answered after the client gave up
    )
    for phase, fault in enumerate(lost_answers):
        entities = range(phase * 10, phase * 10 + 3)
        await enqueue(database, [upsert(e, "v0") for e in entities])
        for spec in ({"kind": "delay", "seconds": 0}, fault):  # the lookups pass, the adds not
            emulator.add_fault({**spec, "stage": "after", "method": "batch", "count": 1})
        report = await settle(relay, database)
        assert report.delivered == 3 and report.retried == 3
    adds = [h for h in emulator.portal.state.item_history if h["op"] == "add"]
    assert len(adds) == 6 and len(emulator.portal.state.items) == 6
    delivered = await SqlOutboxStore(database).latest_delivered(upsert(0, "").kind)
    assert sorted(int(m.remote_id) for m in delivered) == sorted(emulator.portal.state.items)


async def test_dead_letters_alert_the_admins_and_do_not_hold_the_entity_back(
    database, emulator, make_relay, alerts
):
    relay = await make_relay(max_attempts=3)
    [tired_id] = await enqueue(database, [notice_message(10, "never", person_id=10)])
    emulator.add_fault({"kind": "error", "error": "INTERNAL_SERVER_ERROR", "status": 500})
    assert (await settle(relay, database)).dead == 1
    emulator.faults.clear()
    bad = NewOutboxMessage("person", "9", "b24.notify", {"user_id": 9, "message": "  "})
    bad_id, _ = await enqueue(database, [bad, notice_message(9, "after", person_id=9)])
    report = await settle(relay, database)
    assert (report.dead, report.delivered) == (1, 1)
    assert [(a.message_id, a.attempts) for a in alerts.letters] == [(tired_id, 3), (bad_id, 1)]
    assert "INTERNAL_SERVER_ERROR" in alerts.letters[0].error
    assert texts_by_user(emulator.portal.state.notifications) == {9: ["after"]}
    counts = await SqlOutboxStore(database).counts()
    assert counts[OutboxStatus.DEAD] == 2 and counts[OutboxStatus.DONE] == 1

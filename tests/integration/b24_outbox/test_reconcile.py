"""``reconcile``: drift between the outbox's delivered state and Bitrix24 is queued again,
dead letters are revived, and a second run finds nothing."""

from __future__ import annotations

from b24sync.reconcile import DeadLetterCheck, ReconcileContext, discovered_checks, reconcile
from bot.clock import SystemClock
from models.outbox_repo import SqlOutboxStore
from services.b24_ports import notice_message

from .conftest import enqueue, settle, texts_by_user
from .test_relay_delivery import upsert


async def test_reconcile_requeues_what_differs_and_then_finds_nothing(
    database, emulator, make_relay
):
    relay = await make_relay(max_attempts=1)
    await enqueue(database, [upsert(e, f"t{e}") for e in range(3)])
    await settle(relay, database)
    emulator.add_fault({"kind": "down", "mode": "close"})
    await enqueue(database, [notice_message(500, "late", person_id=5)])
    assert (await settle(relay, database)).dead == 1
    emulator.faults.clear()
    state = emulator.portal.state
    items = sorted(state.items)
    del state.items[items[1]]  # someone deleted it in Bitrix24
    state.items[items[2]]["title"] = "edited by hand"
    ctx = ReconcileContext(relay.client, SqlOutboxStore(database), SystemClock())
    checks = [DeadLetterCheck(), *discovered_checks()]
    first = await reconcile(ctx, checks)
    assert [(r.name, r.checked, r.drift, len(r.requeued)) for r in first] == [
        ("dead letters", 1, 1, 1),
        ("crm items (b24.crm.upsert)", 3, 2, 2),
        ("registers", 0, 0, 0),  # no register was mirrored here
    ]
    await settle(relay, database)
    titles = sorted(item["title"] for item in state.items.values())
    assert titles == ["t0", "t1", "t2"] and len(state.items) == 3
    assert texts_by_user(state.notifications) == {500: ["late"]}
    again = await reconcile(ctx, checks)
    assert [(r.drift, r.requeued) for r in again] == [(0, ()), (0, ()), (0, ())]

"""Carry-over of missed payments into tomorrow's draft, and a cutoff run that died half-way
being taken over after its lease (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from domain.register_approval import ItemStatus, RegisterStatus
from models.register_tables import RegisterItem
from services.cutoff import AlreadyCarried
from services.errors import NotAllowed
from tests.integration import cutoff_support
from tests.integration.cutoff_support import (
    DAY,
    IVANOVA,
    NOVIKOVA,
    SIDOROV,
    Sender,
    msk,
)  # fmt: skip

office, day = cutoff_support.office, cutoff_support.day  # the shared fixtures


async def test_carry_over_makes_tomorrows_draft_linked_to_the_originals(office, day, clock):
    clock.moment = msk(14, 1)
    await office.cases.cutoff.cutoff(DAY, Sender())
    with pytest.raises(NotAllowed):
        await office.cases.cutoff.carry_over(await office.who(SIDOROV), day.ekb)
    with pytest.raises(NotAllowed, match="не закрыт"):
        await office.cases.cutoff.carry_over(await office.who(NOVIKOVA), day.nsk)
    ivanova = await office.who(IVANOVA)
    carried = await office.cases.cutoff.carry_over(ivanova, day.ekb)
    summary = carried.summary
    assert (carried.carried, summary.status, summary.payment_date) == (
        24, RegisterStatus.DRAFT, date(2026, 12, 1)
    )  # fmt: skip
    async with office.database.sessions() as session:
        copies = (
            await session.execute(
                select(RegisterItem).where(RegisterItem.register_id == summary.id)
                .order_by(RegisterItem.position)
            )
        ).scalars().all()  # fmt: skip
        originals = {
            i.id: i
            for i in (
                await session.scalars(
                    select(RegisterItem).where(RegisterItem.register_id == day.ekb)
                )
            )
        }
    assert [c.position for c in copies] == list(range(1, 25))
    for copy in copies:
        original = originals[copy.carried_from_item_id]
        assert (copy.amount, copy.inn, copy.purpose) == (
            original.amount,
            original.inn,
            original.purpose,
        )
        assert (copy.carried_count, copy.status) == (1, ItemStatus.PENDING)
    with pytest.raises(AlreadyCarried, match=f"в реестр №{summary.id}"):
        await office.cases.cutoff.carry_over(ivanova, day.ekb)
    await office.cases.approvals.submit(ivanova, summary.id, summary.version)
    assert (await office.statuses(summary.id))[0] == "in_approval"

    clock.moment = msk(14, 0, date(2026, 12, 1))  # the next cutoff misses them again
    await office.cases.cutoff.cutoff(date(2026, 12, 1), Sender())
    again = await office.cases.cutoff.carry_over(ivanova, summary.id)
    async with office.database.sessions() as session:
        counts = set(
            await session.scalars(
                select(RegisterItem.carried_count).where(
                    RegisterItem.register_id == again.summary.id
                )
            )
        )
    assert counts == {2} and again.summary.payment_date == date(2026, 12, 2)
    assert (await office.cases.verify_audit()).ok


async def test_a_run_that_died_half_way_is_taken_over_after_its_lease(office, day, clock):
    clock.moment = msk(14, 0)

    class Crash(Exception):
        pass

    class Dying(Sender):
        async def missed(self, notices):  # type: ignore[override]
            raise Crash()

    with pytest.raises(Crash):
        await office.cases.cutoff.cutoff(DAY, Dying())
    sender = Sender()
    held = await office.cases.cutoff.cutoff(DAY, sender)
    assert not held.done and "уже выполняется" in held.message
    clock.advance(timedelta(minutes=16))
    taken = await office.cases.cutoff.cutoff(DAY, sender)
    assert taken.done
    assert {n.person.code for n in sender.told} >= {"ivanova", "sidorov"}
    assert {e["register_id"] for e in taken.result["late"]} == {day.ekb, day.msk}

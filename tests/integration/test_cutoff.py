"""The daily jobs through the use cases on SQLite and PostgreSQL: reminders reach exactly the
approvers with waiting items, the cutoff flags exactly the unfinished items and closes their
registers, the digest counts and attaches both files, and every job run twice or twice at
once does its work once."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from domain.register_approval import Decision
from formats.registers import read_register
from models.tables import AuditLog
from services.registers import DraftReady
from tests.integration import cutoff_support
from tests.integration.cutoff_support import (
    DAY,
    EKB,
    IVANOVA,
    NSK_PAYER,
    SIDOROV,
    Sender,
    msk,
)  # fmt: skip

office, day = cutoff_support.office, cutoff_support.day  # the shared fixtures


async def test_reminders_reach_exactly_the_approvers_with_waiting_items(office, day, clock):
    clock.moment = msk(13, 0)
    sender = Sender()
    report = await office.cases.cutoff.remind(DAY, 60, sender)
    assert report.done, report.message
    got = {r.person.code: r for r in sender.reminded}
    assert set(got) == {"sidorov", "glavbuh"}
    sidorov = got["sidorov"]
    assert [r.register_id for r in sidorov.registers] == [day.ekb]
    assert (sidorov.waiting, sidorov.undecided) == (24, 21)
    assert sidorov.timezone == "Asia/Yekaterinburg"
    assert sidorov.cutoff_at - sidorov.now == timedelta(hours=1)
    glavbuh = got["glavbuh"]
    assert [r.register_id for r in glavbuh.registers] == [day.msk]
    assert glavbuh.undecided == glavbuh.waiting > 0

    again = await office.cases.cutoff.remind(DAY, 60, sender)
    assert not again.done and "уже выполнена" in again.message
    assert len(sender.reminded) == 2
    later = await office.cases.cutoff.remind(DAY, 15, sender)
    assert later.done and len(sender.reminded) == 4


async def test_a_substitute_is_reminded_instead_of_the_absent_director(office, clock):
    clock.moment = msk(10, 0, date(2026, 12, 15))  # sokolov is away 14–25 Dec
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-kia")
    clock.moment = msk(13, 50, date(2026, 12, 15))
    sender = Sender()
    await office.cases.cutoff.remind(date(2026, 12, 15), 15, sender)
    assert [(r.person.code, r.registers[0].register_id) for r in sender.reminded] == [
        ("petrov", register_id)
    ]


async def test_the_cutoff_flags_exactly_the_unfinished_items(office, day, clock, database):
    draft = await office.cases.upload_register(
        await office.who(IVANOVA), "ekb.xlsx", EKB, office.dc_ids["ekb-kia"]
    )
    assert isinstance(draft, DraftReady)
    before = {rid: await office.statuses(rid) for rid in (day.ekb, day.msk, day.nsk)}
    early = await office.cases.cutoff.cutoff(DAY, Sender())
    assert not early.done and "ещё не наступила" in early.message

    clock.moment = msk(14, 0)
    sender = Sender()
    report = await office.cases.cutoff.cutoff(DAY, sender)
    assert report.done, report.message
    ekb, msk_kia, nsk = [await office.statuses(r) for r in (day.ekb, day.msk, day.nsk)]
    assert ekb == ("closed", {"missed": 24})
    msk_before = before[day.msk][1]
    assert msk_kia == ("closed", {"rejected": 1, "missed": msk_before["pending"]})
    assert nsk == before[day.nsk]
    assert (await office.statuses(draft.summary.id))[0] == "draft"
    assert report.result["missed"] == 24 + msk_before["pending"]

    async with database.sessions() as session:
        closed = await session.scalars(
            select(AuditLog.entity_id).where(AuditLog.action == "register.closed_at_cutoff")
        )
        assert sorted(closed) == sorted([str(day.ekb), str(day.msk)])
    assert (await office.cases.verify_audit()).ok

    late = {entry["register_id"]: entry for entry in report.result["late"]}
    assert list(late[day.ekb]["people"]) == ["Сидоров Николай Викторович"]
    assert late[day.ekb]["undecided"] == 21
    assert late[day.msk]["stage"] == "chief_accountant"

    told = {n.person.code: n for n in sender.told}
    assert set(told) == {"ivanova", "sidorov", "smirnova", "volkova", "kuznetsov"}
    assert told["ivanova"].can_carry and not told["sidorov"].can_carry
    assert told["ivanova"].carry_to == date(2026, 12, 1)
    assert [r.count for r in told["ivanova"].registers] == [24]
    assert len(told["ivanova"].registers[0].items) == 10

    sidorov = await office.who(SIDOROV)
    item = (await office.cases.approvals.open_card(sidorov, day.ekb)).items[5]
    with pytest.raises(Exception, match="Срок согласования прошёл"):
        await office.cases.approvals.decide(sidorov, day.ekb, item.id, Decision.APPROVE)


async def test_the_digest_counts_per_dc_and_attaches_both_files(office, day, clock):
    clock.moment = msk(14, 0)
    sender = Sender()
    too_early = await office.cases.cutoff.digest(DAY, sender, {})
    assert not too_early.done and "ещё не выполнена" in too_early.message
    await office.cases.cutoff.cutoff(DAY, sender)
    report = await office.cases.cutoff.digest(DAY, sender, {"nsk-lexus": NSK_PAYER})
    assert report.done, report.message
    [(digest, recipients)] = sender.digests
    assert sorted(p.code for p in recipients) == ["findir", "glavbuh", "kazna"]
    by_dc = {dc.dc_code: dc for dc in digest.dcs}
    _, nsk_items = await office.statuses(day.nsk)
    assert by_dc["nsk-lexus"].approved.count == nsk_items["approved"]
    assert by_dc["ekb-toyota"].missed.count == 24
    assert by_dc["msk-kia"].rejected.count == 1
    assert digest.total.approved.count == nsk_items["approved"]
    assert digest.largest == tuple(sorted(digest.largest, key=lambda p: -p.amount))
    assert {entry.register_id for entry in digest.late} == {day.ekb, day.msk}
    names = [f.filename for f in digest.files]
    assert names == ["viza-payments-2026-11-30.xlsx", "viza-1c-2026-11-30.txt"]
    parsed = read_register(names[1], digest.files[1].data)
    assert not parsed.errors
    assert len(parsed.rows) == digest.bank_file_count == nsk_items["approved"]
    total = sum((r.amount for r in parsed.rows), Decimal("0.00"))
    assert total == digest.total.approved.rub == digest.bank_file_total
    assert not (await office.cases.cutoff.digest(DAY, sender, {})).done
    assert len(sender.digests) == 1


async def test_each_job_run_twice_at_once_does_its_work_once(office, day, clock):
    clock.moment = msk(13, 45)
    sender = Sender(delay=0.05)
    reports = await asyncio.gather(*(office.cases.cutoff.remind(DAY, 15, sender)
                                     for _ in range(2)))  # fmt: skip
    assert sorted(r.done for r in reports) == [False, True]
    assert len(sender.reminded) == 2
    clock.moment = msk(14, 0)
    reports = await asyncio.gather(*(office.cases.cutoff.cutoff(DAY, sender) for _ in range(2)))
    assert sorted(r.done for r in reports) == [False, True]
    assert len({n.person.code for n in sender.told}) == len(sender.told) == 5
    reports = await asyncio.gather(*(office.cases.cutoff.digest(DAY, sender, {})
                                     for _ in range(2)))  # fmt: skip
    assert sorted(r.done for r in reports) == [False, True]
    assert len(sender.digests) == 1


async def test_nothing_runs_on_a_day_off(office, clock):
    clock.moment = msk(14, 0, date(2026, 12, 5))  # a Saturday
    sender = Sender()
    for report in (
        await office.cases.cutoff.remind(date(2026, 12, 5), 15, sender),
        await office.cases.cutoff.cutoff(date(2026, 12, 5), sender),
        await office.cases.cutoff.digest(date(2026, 12, 5), sender, {}),
    ):
        assert not report.done and "не рабочий день" in report.message

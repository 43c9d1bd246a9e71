"""A stored draft register through the use cases, on SQLite and PostgreSQL: cancelled or
sent for approval once each with audit entries, its payment date moved only to a later
business day, and one draft however often the same file arrives."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from services.errors import NotAllowed
from services.register_ports import RegisterStatus
from services.registers import (
    PaymentDateRefused,
    RegisterChanged,
    RegisterNotDraft,
)
from tests.integration.registers.desk import EKB, IVANOVA, NOVIKOVA, NSK, audit_entries, counts


async def test_cancel_and_submit_change_the_status_once_with_audit_entries(
    desk, usecases, uow_factory
):
    novikova = await usecases.identify(NOVIKOVA)
    cancelled = await desk.draft(NOVIKOVA, NSK)
    done = await usecases.cancel_draft(novikova, cancelled.id, cancelled.version)
    assert (done.status, done.version) == (RegisterStatus.CANCELLED, 2)
    with pytest.raises(RegisterNotDraft, match="уже отменён"):
        await usecases.cancel_draft(novikova, cancelled.id, cancelled.version)

    sent = await desk.draft(NOVIKOVA, NSK)
    with pytest.raises(RegisterChanged):
        await usecases.approvals.submit(novikova, sent.id, sent.version + 1)
    with pytest.raises(NotAllowed):
        await usecases.approvals.submit(await usecases.identify(IVANOVA), sent.id, sent.version)
    submitted = await usecases.approvals.submit(novikova, sent.id, sent.version)
    assert submitted.card.status == RegisterStatus.IN_APPROVAL
    with pytest.raises(RegisterNotDraft, match="уже отправлен"):
        await usecases.approvals.submit(novikova, sent.id, submitted.card.version)
    with pytest.raises(RegisterNotDraft):
        await usecases.cancel_draft(novikova, sent.id)

    actions = [e.entry.action async for e in audit_entries(uow_factory)]
    assert actions.count("register.uploaded") == 2
    assert actions.count("register.cancelled") == 1
    assert actions.count("register.submitted") == 1
    result = await usecases.verify_audit()
    assert result.ok, result.reason


async def test_the_payment_date_moves_only_to_a_later_business_day(desk, usecases, clock):
    novikova = await usecases.identify(NOVIKOVA)
    summary = await desk.draft(NOVIKOVA, NSK)
    choices = usecases.change_payment_date.choices(summary)
    assert choices[:3] == (date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2))
    with pytest.raises(PaymentDateRefused, match="нерабочий"):
        await usecases.change_payment_date(novikova, summary.id, date(2026, 12, 5))
    with pytest.raises(PaymentDateRefused, match=r"раньше 30\.11\.2026"):
        await usecases.change_payment_date(novikova, summary.id, date(2026, 11, 27))
    moved = await usecases.change_payment_date(
        novikova, summary.id, date(2026, 12, 1), summary.version
    )
    assert (moved.payment_date, moved.version) == (date(2026, 12, 1), 2)
    with pytest.raises(RegisterChanged):
        await usecases.approvals.submit(novikova, summary.id, summary.version)

    await usecases.cancel_draft(novikova, summary.id)
    late = await desk.draft(NOVIKOVA, NSK)
    clock.advance(timedelta(hours=8))  # past the 14:00 cutoff in Moscow
    with pytest.raises(PaymentDateRefused, match=r"Отсечка на 30\.11\.2026 прошла"):
        await usecases.approvals.submit(novikova, late.id, late.version)
    assert usecases.change_payment_date.choices(late)[0] == date(2026, 12, 1)
    assert (await usecases.verify_audit()).ok


async def test_the_same_file_sent_twice_or_two_taps_at_once_make_one_draft(
    desk, usecases, database, uow_factory
):
    first = await desk.draft(NOVIKOVA, NSK)
    again = await desk.draft(NOVIKOVA, NSK)
    assert again.id == first.id
    twins = await asyncio.gather(
        desk.draft(IVANOVA, EKB, "ekb-kia"), desk.draft(IVANOVA, EKB, "ekb-kia")
    )
    assert twins[0].id == twins[1].id
    assert (await counts(database))[0] == 2
    actions = [e.entry.action async for e in audit_entries(uow_factory)]
    assert actions.count("register.uploaded") == 2

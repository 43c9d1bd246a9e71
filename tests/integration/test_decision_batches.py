"""✅ / ❌ taps decided in batches (services.approvals.batching), on SQLite and PostgreSQL:
taps of one person that arrive together share a transaction, yet each is answered for
itself, a refused tap leaves the others decided, and the audit has one entry per decision."""

from __future__ import annotations

import asyncio

import pytest

from domain.register_approval import ApprovalError, Decision
from services.approval_ports import Outcome
from services.approvals import DecideItems
from services.errors import NotAllowed
from tests.integration.test_register_approval import (
    EKB,
    IVANOVA,
    NOT_YOURS_AT_DC,
    SIDOROV,
    Office,
    _audit_count,
    _decisions,
    all_items,
    make_office,
)


@pytest.fixture
async def office(uow_factory, clock, database) -> Office:
    return await make_office(uow_factory, clock, database)


@pytest.fixture
def batch_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every batch DecideItems serves."""
    sizes: list[int] = []
    serve = DecideItems.__call__

    async def counted(self, actor, register_id, taps):  # type: ignore[no-untyped-def]
        sizes.append(len(taps))
        return await serve(self, actor, register_id, taps)

    monkeypatch.setattr(DecideItems, "__call__", counted)
    return sizes


async def test_taps_arriving_together_share_a_transaction_each_answered(
    office: Office, database, batch_sizes: list[int]
):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    items = (await all_items(office, register_id, SIDOROV))[:6]
    decide = office.cases.approvals.decide
    outcomes = await asyncio.gather(*(
        decide(sidorov, register_id, item.id, Decision.APPROVE, page=0, screen="card")
        for item in items
    ))  # fmt: skip
    assert sum(batch_sizes) == 6 and len(batch_sizes) < 6
    assert all(isinstance(o, Outcome) and o.card is not None for o in outcomes)
    last = outcomes[-1].card
    assert last is not None and last.undecided == last.at_stage_count - 6
    assert await _decisions(database) == 6
    assert await _audit_count(database, "register.item.decided") == 6


async def test_a_refused_tap_in_a_batch_leaves_the_others_decided(
    office: Office, database, batch_sizes: list[int]
):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    first, second, third = (await all_items(office, register_id, SIDOROV))[:3]
    decide = office.cases.approvals.decide
    results = await asyncio.gather(
        decide(sidorov, register_id, first.id, Decision.APPROVE),
        decide(sidorov, register_id, second.id, Decision.REJECT, reason="  "),  # no reason
        decide(sidorov, register_id, third.id, Decision.REJECT, reason="Дубль"),
        decide(sidorov, register_id, 10**9, Decision.APPROVE),  # not in this register
        return_exceptions=True,
    )
    assert isinstance(results[0], Outcome) and isinstance(results[2], Outcome)
    assert isinstance(results[1], ApprovalError) and "причину" in results[1].message
    assert isinstance(results[3], ApprovalError)
    assert sum(batch_sizes) == 4 and len(batch_sizes) < 4
    assert await _decisions(database) == 2
    assert await _audit_count(database, "register.item.decided") == 2


async def test_a_batch_refused_for_the_person_refuses_every_tap_and_changes_nothing(
    office: Office, database
):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    ivanova = await office.who(IVANOVA)  # the accountant: not an approver of her register
    items = (await all_items(office, register_id, SIDOROV))[:3]
    decide = office.cases.approvals.decide
    results = await asyncio.gather(
        *(decide(ivanova, register_id, item.id, Decision.APPROVE) for item in items),
        return_exceptions=True,
    )
    assert all(isinstance(r, NotAllowed) and r.message == NOT_YOURS_AT_DC for r in results)
    assert await _decisions(database) == 0

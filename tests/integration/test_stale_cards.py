"""A decision means what its card showed: ✅ / ❌ / «Отправить дальше» carry the round and
stage of the card they were made on, and a tap from an older card (an earlier stage, or
the round before a return) is refused and changes nothing, even when the person may
decide the register's present stage (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest

from domain.register_approval import Decision
from domain.register_route import Stage
from services.approvals import StaleCard
from tests.integration import test_register_approval as route_tests
from tests.integration.test_register_approval import (
    EKB,
    IVANOVA,
    SIDOROV,
    Office,
    all_items,
)

office = route_tests.office  # the fixture: the org and a way to submit a register
FIRST_ROUND = (1, Stage.DC_DIRECTOR)


async def test_a_tap_from_the_card_of_an_earlier_round_is_refused(office: Office, database):
    cases = office.cases
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    sidorov, ivanova = await office.who(SIDOROV), await office.who(IVANOVA)
    first, second = (await all_items(office, register_id, SIDOROV))[:2]
    decide = cases.approvals.decide
    await decide(sidorov, register_id, first.id, Decision.APPROVE, seen=FIRST_ROUND)
    await cases.approvals.return_register(sidorov, register_id, "Приложите счета")
    await cases.approvals.resubmit(ivanova, register_id)
    before = await cases.approvals.open_card(sidorov, register_id)
    assert (before.round, before.stage, before.can_decide) == (2, Stage.DC_DIRECTOR, True)

    with pytest.raises(StaleCard, match="со старой карточки"):  # a button of round 1
        await decide(sidorov, register_id, second.id, Decision.APPROVE, seen=FIRST_ROUND)
    with pytest.raises(StaleCard):
        await cases.approvals.send_on(sidorov, register_id, seen=FIRST_ROUND)
    after = await cases.approvals.open_card(sidorov, register_id)
    assert (after.version, after.undecided) == (before.version, before.at_stage_count)

    present = (2, Stage.DC_DIRECTOR)  # the card as it is now
    decided = await decide(sidorov, register_id, second.id, Decision.APPROVE, seen=present)
    assert decided.card.undecided == before.undecided - 1


async def test_a_stale_tap_among_taps_decided_together_is_refused_alone(office: Office):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    items = await all_items(office, register_id, SIDOROV)
    decide = office.cases.approvals.decide
    seen = [FIRST_ROUND, (1, Stage.CHIEF_ACCOUNTANT), None, FIRST_ROUND]  # None: not said
    results = await asyncio.gather(
        *(decide(sidorov, register_id, item.id, Decision.APPROVE, seen=stamp)
          for item, stamp in zip(items, seen, strict=False)),
        return_exceptions=True,
    )  # fmt: skip
    assert [type(r).__name__ for r in results] == ["Outcome", "StaleCard", "Outcome", "Outcome"]
    card = await office.cases.approvals.open_card(sidorov, register_id)
    assert card.undecided == card.at_stage_count - 3

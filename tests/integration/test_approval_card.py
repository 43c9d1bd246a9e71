"""The card's figures are counted by the database and its pages are read page by page;
here they are checked against the approval aggregate itself (the domain's rule for which
items a stage decides), at every stage of the ekb route, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import make_i18n
from domain.register_approval import Decision, RegisterStatus
from domain.register_route import RoutePolicy
from handlers import approval_views as views
from services.approvals.records import build_approval
from tests.integration import test_register_approval as route_tests
from tests.integration.test_register_approval import (
    EKB,
    FINDIR,
    GLAVBUH,
    IVANOVA,
    PETROV,
    SIDOROV,
    THRESHOLD,
    Office,
    all_items,
    pass_stage,
)
from tests.unit.registers.builders import HEADER_RU, payment, xlsx

office = route_tests.office  # the fixture: the org and a way to submit a register


async def expected_figures(office: Office, register_id: int) -> dict[str, object]:
    """What the card must say, worked out from the whole aggregate in Python."""
    async with office.uow() as uow:  # type: ignore[operator]
        record = await uow.approvals.load(register_id, lock=False)
    approval = build_approval(record, RoutePolicy(ceo_threshold=THRESHOLD))  # route is stored
    at_stage = approval.at_stage()
    return {
        "item_count": len(approval.items),
        "total": sum((i.amount for i in record.items if i.currency == "RUB"), Decimal("0.00")),
        "at_stage_count": len(at_stage),
        "at_stage_total": sum(
            (i.amount for i in at_stage if i.currency == "RUB"), Decimal("0.00")
        ),
        "undecided": len(approval.undecided()),
        "shown": [i.id for i in at_stage]
        if approval.status is RegisterStatus.IN_APPROVAL
        else [i.id for i in approval.items],
        "decisions": {i.id: i.decision for i in at_stage},
    }


async def check_card(office: Office, register_id: int, viewer: int) -> None:
    expected = await expected_figures(office, register_id)
    card = await office.cases.approvals.open_card(await office.who(viewer), register_id)
    items = await all_items(office, register_id, viewer)
    assert {
        "item_count": card.item_count,
        "total": card.total,
        "at_stage_count": card.at_stage_count,
        "at_stage_total": card.at_stage_total,
        "undecided": card.undecided,
        "shown": [i.id for i in items],
        "decisions": {i.id: i.decision for i in items if i.id in expected["decisions"]},
    } == expected
    assert card.pages == max(1, -(-len(expected["shown"]) // 6))  # type: ignore[arg-type]


async def test_the_card_counts_what_the_aggregate_counts_at_every_stage(office: Office):
    cases = office.cases
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    await check_card(office, register_id, SIDOROV)
    sidorov = await office.who(SIDOROV)
    items = await all_items(office, register_id, SIDOROV)
    await cases.approvals.decide(
        sidorov, register_id, items[0].id, Decision.REJECT, reason="Дубль"
    )
    for item in items[1:4]:
        await cases.approvals.decide(sidorov, register_id, item.id, Decision.APPROVE)
    await cases.approvals.withdraw(await office.who(IVANOVA), register_id, [items[5].id])
    await check_card(office, register_id, SIDOROV)
    expected = await expected_figures(office, register_id)
    waiting = await cases.approvals.waiting(sidorov)
    assert [(w.register_id, w.undecided, w.total) for w in waiting] == [
        (register_id, expected["undecided"], expected["at_stage_total"])
    ]
    await pass_stage(office, register_id, SIDOROV)
    await check_card(office, register_id, GLAVBUH)
    await pass_stage(office, register_id, GLAVBUH)
    await pass_stage(office, register_id, FINDIR)
    card = await cases.approvals.open_card(await office.who(FINDIR), register_id)
    await check_card(office, register_id, FINDIR)  # the general director's stage now
    assert 0 < card.at_stage_count < card.item_count
    assert all(i.amount >= THRESHOLD for i in await all_items(office, register_id, FINDIR))


async def test_one_items_details_are_its_own(office: Office):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    items = await all_items(office, register_id, SIDOROV)
    for item in (items[0], items[13], items[-1]):
        assert await office.cases.approvals.details(sidorov, register_id, item.id) == item


async def test_items_in_another_currency_are_counted_but_never_summed_with_roubles(
    office: Office,
):
    rows = [
        [*HEADER_RU, "Валюта"],
        [*payment(1, amount=1000), "RUB"],
        [*payment(2, amount=250.5, invoice="FX-2"), "USD"],
        [*payment(3, amount=2000, invoice="FX-3"), ""],  # roubles by default
    ]
    register_id = await office.submitted(IVANOVA, xlsx(rows), "fx.xlsx", "ekb-toyota")
    sidorov = await office.who(SIDOROV)
    card = await office.cases.approvals.open_card(sidorov, register_id)
    assert (card.item_count, card.at_stage_count, card.foreign_count) == (3, 3, 1)
    assert card.total == card.at_stage_total == Decimal("3000.00")
    preview = await office.cases.approvals.preview_rest(sidorov, register_id)
    assert preview.count == 3
    assert preview.totals == (("RUB", Decimal("3000.00")), ("USD", Decimal("250.50")))
    await check_card(office, register_id, SIDOROV)


async def test_each_approver_is_told_the_cutoff_in_their_own_time_zone(office: Office):
    """The viewer's zone comes from the directory: the DCs they direct or keep the books of;
    people of no one zone (the head office, a department spanning zones) get Moscow's."""
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    zones = {}
    for telegram_id in (SIDOROV, IVANOVA, GLAVBUH, PETROV):
        card = await office.cases.approvals.open_card(await office.who(telegram_id), register_id)
        zones[telegram_id] = card.viewer_timezone
    assert zones == {
        SIDOROV: "Asia/Yekaterinburg", IVANOVA: "Asia/Yekaterinburg",
        GLAVBUH: "Europe/Moscow", PETROV: "Europe/Moscow",
    }  # fmt: skip
    card = await office.cases.approvals.open_card(await office.who(SIDOROV), register_id)
    with make_i18n().context():
        assert "МСК = 16:00 по вашему времени" in views.cutoff_line(card)

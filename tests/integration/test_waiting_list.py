"""«На согласовании»: the registers waiting for a person are found by one query over the
stage holders (a DC's director, a department's director, a company role), not by loading
every register in approval; the use case then checks each found one (SQLite and
PostgreSQL)."""

from __future__ import annotations

from tests.integration import test_register_approval as route_tests
from tests.integration.test_register_approval import (
    EKB,
    GLAVBUH,
    IVANOVA,
    SIDOROV,
    Office,
    pass_stage,
)
from tests.unit.registers.builders import HEADER_RU, payment, xlsx

VOLKOVA, KUZNETSOV = 500031, 500020  # msk-kia's accountant and director
office = route_tests.office  # the fixture: the org and a way to submit a register


async def test_each_person_finds_only_the_registers_at_their_stage(office: Office):
    at_dc = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    at_chief = await office.submitted(IVANOVA, EKB, "ekb2.xlsx", "ekb-toyota")
    await pass_stage(office, at_chief, SIDOROV)
    rows = [HEADER_RU, payment(1, amount=100)]
    msk = await office.submitted(VOLKOVA, xlsx(rows), "m.xlsx", "msk-kia")
    async with office.uow() as uow:  # type: ignore[operator]
        found = {
            code: list(await uow.approvals.candidate_registers([code]))
            for code in ("sidorov", "glavbuh", "kuznetsov", "ivanova", "findir")
        }
    assert found == {
        "sidorov": [at_dc], "glavbuh": [at_chief], "kuznetsov": [msk], "ivanova": [],
        "findir": [],
    }  # fmt: skip
    for telegram_id, expected in ((SIDOROV, [at_dc]), (GLAVBUH, [at_chief]),
                                  (KUZNETSOV, [msk]), (IVANOVA, [])):  # fmt: skip
        waiting = await office.cases.approvals.waiting(await office.who(telegram_id))
        assert [w.register_id for w in waiting] == expected

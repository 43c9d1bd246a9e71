"""Who holds a register's stage is answered in three places, and they must agree: the rule on
the register's context (``RegisterContext.held_by``, for refusal wording), the repository's
holders of a stage (who may decide, who gets the card) and the one query behind
«На согласовании» (``candidate_registers``). Checked for every active person of the sample
org at every stage of two routes: ekb-toyota's own (to the department director first) and
msk-kia's default one, whose director runs two DCs (SQLite and PostgreSQL).

Absences are not part of holding: substitutes are resolved on top of the holders
(``resolve_actor``), and the waiting list passes the people one stands in for to the query."""

from __future__ import annotations

from decimal import Decimal

from domain.org import load_org_toml
from domain.register_route import Stage
from tests.conftest import FIXTURES
from tests.integration import test_route_overrides as route_overrides
from tests.integration.test_register_approval import (
    EKB,
    FINDIR,
    GENDIR,
    GLAVBUH,
    IVANOVA,
    PETROV,
    Office,
    pass_stage,
)
from tests.integration.test_route_overrides import EKB_ROUTE, KUZNETSOV, VOLKOVA
from tests.unit.registers.builders import HEADER_RU, payment, xlsx

SMIRNOVA = 500030  # an accountant of msk-toyota, which Кузнецов directs as well
office = route_overrides.office  # the fixture: ekb-toyota on its own route, others default
CODES = [p.code for p in load_org_toml((FIXTURES / "org.toml").read_text("utf-8")).people]


async def holders_three_ways(office: Office, register_id: int) -> tuple[Stage, list[set[str]]]:
    """The holders of the register's current stage by the rule, the repository, the query."""
    async with office.uow() as uow:  # type: ignore[operator]
        record = await uow.approvals.load(register_id, lock=False, item_ids=[])
        assert record is not None and record.stage is not None
        stage, context = record.stage, await uow.approvals.context(register_id)
        people = [p for p in await uow.approvals.people(CODES) if p.active]
        by_rule = {p.code for p in people if context.held_by(stage, p)}
        by_repository = set(await uow.approvals.holders(stage, context))
        by_query = {
            p.code for p in people
            if register_id in await uow.approvals.candidate_registers([p.code])
        }  # fmt: skip
    return stage, [by_rule, by_repository, by_query]


async def walk(office: Office, register_id: int, deciders: list[int]) -> list[Stage]:
    """Checks the three answers at each stage while ``deciders`` pass it on in turn."""
    seen = []
    for telegram_id in deciders:
        stage, answers = await holders_three_ways(office, register_id)
        by_rule, by_repository, by_query = answers
        assert by_rule == by_repository == by_query, (stage, answers)
        assert (await office.who(telegram_id)).code in by_rule, stage
        seen.append(stage)
        await pass_stage(office, register_id, telegram_id)
    return seen


async def test_the_three_answers_agree_along_a_dcs_own_route(office: Office):
    register_id = await office.submitted(IVANOVA, EKB, "ekb.xlsx", "ekb-toyota")
    assert await walk(office, register_id, [PETROV, GLAVBUH, FINDIR, GENDIR]) == list(EKB_ROUTE)


async def test_the_three_answers_agree_along_the_default_route(office: Office):
    rows = [HEADER_RU, payment(1, amount=Decimal("100.00")),
            payment(2, amount=Decimal("2500000.00"))]  # fmt: skip
    kia = await office.submitted(VOLKOVA, xlsx(rows), "kia.xlsx", "msk-kia")
    # Кузнецов directs msk-toyota too: its register stays his while kia's moves on
    toyota = await office.submitted(SMIRNOVA, xlsx(rows[:2]), "toyota.xlsx", "msk-toyota")
    route = [Stage.DC_DIRECTOR, Stage.CHIEF_ACCOUNTANT, Stage.FINANCE_DIRECTOR,
             Stage.GENERAL_DIRECTOR]  # fmt: skip
    assert await walk(office, kia, [KUZNETSOV, GLAVBUH, FINDIR, GENDIR]) == route
    _, answers = await holders_three_ways(office, toyota)
    assert answers == [{"kuznetsov"}] * 3

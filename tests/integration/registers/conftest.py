"""Fixtures of the register upload tests: use cases over the sample org (on SQLite and
PostgreSQL, as the root conftest's database), and a desk for uploading samples."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.org import load_org_toml
from models.tables import DealerCenter
from services.registers import RegisterParser, RegisterRules
from services.usecases import UseCases
from tests.conftest import FIXTURES
from tests.integration.registers.desk import Desk


@pytest.fixture
def parser() -> RegisterParser | None:
    """Who reads the files: the default (a thread); test_parsers gives the bot's process."""
    return None


@pytest.fixture
async def usecases(uow_factory, clock, parser) -> UseCases:
    cases = UseCases.build(
        uow_factory, clock, invite_ttl_hours=24, register_rules=RegisterRules(),
        register_parser=parser,
    )  # fmt: skip
    await cases.import_org(load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8")))
    return cases


@pytest.fixture
async def desk(usecases, database) -> Desk:
    async with database.sessions() as session:
        rows = (await session.execute(select(DealerCenter.code, DealerCenter.id))).all()
    return Desk(usecases, dict(rows))

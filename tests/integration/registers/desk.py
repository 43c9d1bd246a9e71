"""What the register upload tests share: the sample files, the people of the sample org, a
desk that uploads a sample as a person for a DC, and counts of what is stored."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from models.register_tables import Register, RegisterFile, RegisterItem
from services.registers import DraftReady
from services.usecases import UseCases
from tests.conftest import FIXTURES

SAMPLES = FIXTURES / "registers"
EKB = "ekb-toyota_2026-11-30.xlsx"
MSK = "msk-kia_2026-11-30.csv"
NSK = "nsk-lexus_2026-11-30.txt"
KRD = "krd-hyundai_errors.xlsx"
IVANOVA, SMIRNOVA, MOROZOVA, NOVIKOVA = 500033, 500030, 500032, 500034
KUZNETSOV, GLAVBUH = 500020, 500003


@dataclass
class Desk:
    """Uploads sample files as a person (by Telegram id) for a DC (by code)."""

    cases: UseCases
    dc_ids: dict[str, int]

    async def upload(self, telegram_id: int, name: str, dc: str | None = None):
        person = await self.cases.identify(telegram_id)
        data = (SAMPLES / name).read_bytes()
        return await self.cases.upload_register(person, name, data, self.dc_ids.get(dc or ""))

    async def draft(self, telegram_id: int, name: str, dc: str | None = None):
        outcome = await self.upload(telegram_id, name, dc)
        assert isinstance(outcome, DraftReady), outcome
        return outcome.summary


async def counts(database) -> tuple[int, int, int]:
    async with database.sessions() as session:
        found = [
            await session.scalar(select(func.count()).select_from(table))
            for table in (Register, RegisterItem, RegisterFile)
        ]
    return tuple(found)


async def audit_entries(uow_factory):
    async with uow_factory() as uow:
        async for entry in uow.audit.iterate():
            yield entry

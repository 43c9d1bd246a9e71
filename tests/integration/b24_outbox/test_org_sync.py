"""``sync-org`` against the emulator: people and unit heads follow Bitrix24, idempotently,
and no Telegram link is ever dropped."""

from __future__ import annotations

from b24sync.client import Bitrix24Client
from b24sync.org_sync import OrgMapping, OrgSync
from domain.org import load_org_toml
from models.b24_org_repo import SqlBitrixOrgUnitOfWork
from models.tables import TelegramLink
from services.b24_org import ApplyBitrixOrg
from services.linking import LinkByContact
from services.org_admin import ImportOrg, VerifyAuditChain
from tests.conftest import FIXTURES

from .conftest import FAST

SAMPLE = load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8"))
URAL, EKB_TOYOTA, EKB_SALES, ELSEWHERE = 100, 101, 102, 103
MAPPING = OrgMapping(departments={URAL: "ural-sib"}, dealer_centers={EKB_TOYOTA: "ekb-toyota"})


def portal_users() -> list[dict[str, object]]:
    """The sample org as Bitrix24 has it, with what changed there since the file."""
    users = []
    for person in SAMPLE.people:
        last, first, middle = person.name.split()
        users.append({"ID": person.bitrix_id, "LAST_NAME": last, "NAME": first,
                      "SECOND_NAME": middle, "PERSONAL_MOBILE": person.phone or "",
                      "UF_DEPARTMENT": [ELSEWHERE]})  # fmt: skip
    by_id = {user["ID"]: user for user in users}
    by_id[33].update(LAST_NAME="Петрова", PERSONAL_MOBILE="8 (912) 555-00-33")  # married
    by_id[24].update(LAST_NAME="Попов-Белый")  # linked in the bot just before the sync
    by_id[23]["ACTIVE"] = False  # left the company
    del by_id[34]  # removed from the portal
    by_id[77] = {"ID": 77, "LAST_NAME": "Зайцев", "NAME": "Олег", "SECOND_NAME": "Ильич",
                 "WORK_PHONE": "+7 912 000-00-77", "UF_DEPARTMENT": [EKB_SALES]}  # fmt: skip
    by_id[78] = {"ID": 78, "LAST_NAME": "Чужой", "NAME": "Пётр", "UF_DEPARTMENT": [ELSEWHERE]}
    return list(by_id.values())


DEPARTMENTS = [
    {"ID": URAL, "NAME": "Урал и Сибирь", "UF_HEAD": 11},
    {"ID": EKB_TOYOTA, "NAME": "Тойота Екатеринбург", "PARENT": URAL, "UF_HEAD": 40},
    {"ID": EKB_SALES, "NAME": "Отдел продаж", "PARENT": EKB_TOYOTA},
    {"ID": ELSEWHERE, "NAME": "Прочие", "UF_HEAD": 1},
]


async def links(database) -> dict[int, int]:
    async with database.sessions() as session:
        rows = (await session.execute(TelegramLink.__table__.select())).all()
    return {row.person_id: row.telegram_user_id for row in rows}


async def test_sync_org_updates_people_idempotently_and_keeps_every_link(
    database, uow_factory, clock, emulator
):
    await ImportOrg(uow_factory, clock)(SAMPLE)
    await LinkByContact(uow_factory, clock)(600024, 600024, "+79130000024")
    before = await links(database)
    emulator.seed(portal_users(), DEPARTMENTS, replace=True)
    apply = ApplyBitrixOrg(lambda: SqlBitrixOrgUnitOfWork(database), clock)
    async with Bitrix24Client(emulator.webhook_url, FAST) as client:
        sync = OrgSync(client, apply, MAPPING)
        preview = await sync(dry_run=True)
        first = await sync()
        second = await sync()
    assert preview == first
    assert first.created == ("b24-77",)
    assert set(first.updated) == {"ivanova", "popov"}
    assert set(first.deactivated) == {"sokolov", "novikova"}
    assert first.heads == ("dealer_center ekb-toyota: egorov",)
    assert not second.changed and second.created == second.updated == ()
    assert await links(database) == before and before  # nothing unlinked
    async with uow_factory() as uow:
        ivanova = await uow.org.person_by_telegram(500033)
        popov = await uow.org.person_by_telegram(600024)
        newcomer = await uow.org.person_by_code("b24-77")
        sokolov = await uow.org.person_by_code("sokolov")
    assert ivanova.full_name == "Петрова Анна Сергеевна" and ivanova.active
    assert popov.full_name == "Попов-Белый Алексей Сергеевич"
    assert newcomer.full_name == "Зайцев Олег Ильич" and newcomer.bitrix_id == 77
    assert not sokolov.active and sokolov.telegram_user_id == 500023
    assert (await VerifyAuditChain(uow_factory)()).ok


async def test_a_later_org_import_leaves_the_people_the_sync_created_alone(
    database, uow_factory, clock, emulator
):
    await ImportOrg(uow_factory, clock)(SAMPLE)
    emulator.seed(portal_users(), DEPARTMENTS, replace=True)
    apply = ApplyBitrixOrg(lambda: SqlBitrixOrgUnitOfWork(database), clock)
    async with Bitrix24Client(emulator.webhook_url, FAST) as client:
        assert (await OrgSync(client, apply, MAPPING)()).created == ("b24-77",)
    text = (FIXTURES / "org.toml").read_text(encoding="utf-8")
    start = text.index('[[people]]\ncode = "egorov"')
    end = text.index("# --- substitutes")
    without_egorov = load_org_toml(text[:start] + text[end:])
    summary = await ImportOrg(uow_factory, clock)(without_egorov)
    assert "egorov" in summary.counts.deactivated  # the file still rules its own people
    assert "b24-77" not in summary.counts.deactivated
    async with uow_factory() as uow:
        newcomer = await uow.org.person_by_code("b24-77")
    assert newcomer.active

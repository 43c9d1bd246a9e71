"""The org import against real databases: idempotent, deactivates, keeps links."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest

from domain.errors import OrgValidationError
from domain.org import load_org_toml
from domain.roles import Role
from services.linking import LinkByContact
from services.org_admin import ImportOrg, VerifyAuditChain
from tests.conftest import FIXTURES, SetClock

SAMPLE = (FIXTURES / "org.toml").read_text(encoding="utf-8")


async def test_the_sample_org_imports_and_a_reimport_changes_nothing(uow_factory, clock):
    directory = load_org_toml(SAMPLE)
    first = await ImportOrg(uow_factory, clock)(directory)
    assert first.counts.created["people"] == len(directory.people)
    assert first.counts.created["dealer_centers"] == len(directory.dealer_centers)
    second = await ImportOrg(uow_factory, clock)(directory)
    assert not second.changed
    async with uow_factory() as uow:
        kuznetsov = await uow.org.person_by_code("kuznetsov")
        glavbuh = await uow.org.person_by_code("glavbuh")
        ivanova = await uow.org.person_by_telegram(500033)
    assert kuznetsov.roles == {Role.DC_DIRECTOR}
    assert {Role.CHIEF_ACCOUNTANT, Role.ACCOUNTANT} <= glavbuh.roles
    assert ivanova.code == "ivanova" and Role.ACCOUNTANT in ivanova.roles


async def test_people_missing_from_the_file_are_deactivated_not_deleted(uow_factory, clock):
    directory = load_org_toml(SAMPLE)
    await ImportOrg(uow_factory, clock)(directory)
    without_egorov = replace(
        directory, people=tuple(p for p in directory.people if p.code != "egorov")
    )
    summary = await ImportOrg(uow_factory, clock)(without_egorov)
    assert list(summary.counts.deactivated) == ["egorov"]
    async with uow_factory() as uow:
        egorov = await uow.org.person_by_code("egorov")
    assert egorov is not None and not egorov.active
    back = await ImportOrg(uow_factory, clock)(directory)
    assert back.counts.updated["people"] == 1


async def test_a_renamed_person_is_updated_and_keeps_their_telegram_link(uow_factory, clock):
    data = tomllib.loads(SAMPLE)
    await ImportOrg(uow_factory, clock)(load_org_toml(SAMPLE))
    await LinkByContact(uow_factory, clock)(777001, 777001, "+7 (913) 000-00-24")
    for person in data["people"]:
        if person["code"] == "popov":
            person["name"] = "Попов Алексей Семёнович"
    from domain.org import parse_org

    summary = await ImportOrg(uow_factory, clock)(parse_org(data))
    assert summary.counts.updated == {"people": 1}
    async with uow_factory() as uow:
        popov = await uow.org.person_by_telegram(777001)
    assert popov.full_name == "Попов Алексей Семёнович"


async def test_imports_and_links_leave_a_verifiable_audit_chain(uow_factory, clock: SetClock):
    await ImportOrg(uow_factory, clock)(load_org_toml(SAMPLE))
    await LinkByContact(uow_factory, clock)(777002, 777002, "89130000024")
    result = await VerifyAuditChain(uow_factory)()
    assert result.ok and result.checked == 2


async def test_a_bitrix_id_the_database_gives_to_someone_else_is_refused_and_nothing_changes(
    uow_factory, clock
):
    text = (FIXTURES / "org.toml").read_text(encoding="utf-8")
    await ImportOrg(uow_factory, clock)(load_org_toml(text))
    renamed = load_org_toml(text.replace('code = "egorov"', 'code = "egorov2"'))
    with pytest.raises(OrgValidationError) as refused:
        await ImportOrg(uow_factory, clock)(renamed)
    assert refused.value.errors == [
        'people (code "egorov2"): bitrix_id — 40 уже у человека "egorov" в базе; '
        "верните ему прежний код или уберите bitrix_id"
    ]
    async with uow_factory() as uow:
        assert await uow.org.person_by_code("egorov2") is None
        assert (await uow.org.person_by_code("egorov")).active

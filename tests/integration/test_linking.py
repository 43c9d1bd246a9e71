"""Linking use cases against real databases: invites are single use and expire; a contact
links only its owner and only to exactly one active person."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import InvalidPhoneError, UnknownPersonError
from domain.org import load_org_toml
from services.errors import ContactRefused, InviteRefused, NotAllowed
from services.usecases import UseCases
from tests.conftest import FIXTURES


@pytest.fixture
async def usecases(uow_factory, clock) -> UseCases:
    cases = UseCases.build(uow_factory, clock, invite_ttl_hours=24)
    await cases.import_org(load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8")))
    return cases


async def test_an_invite_links_once_and_a_reused_invite_is_refused(usecases):
    issued = await usecases.create_invite("popov", None, "viza_bot")
    assert issued.link == f"https://t.me/viza_bot?start={issued.token}"
    person = await usecases.link_by_invite(900001, issued.token)
    assert person.code == "popov" and person.telegram_user_id == 900001
    with pytest.raises(InviteRefused, match="уже использовано"):
        await usecases.link_by_invite(900002, issued.token)
    assert (await usecases.identify(900002)) is None
    identified = await usecases.identify(900001)
    assert identified == person  # the same view, link included, as every update sees it


async def test_an_expired_invite_is_refused(usecases, clock):
    issued = await usecases.create_invite("popov", None, None)
    clock.advance(timedelta(hours=24, seconds=1))
    with pytest.raises(InviteRefused, match="истёк"):
        await usecases.link_by_invite(900003, issued.token)


async def test_an_unknown_token_is_refused(usecases):
    with pytest.raises(InviteRefused, match="не найдено"):
        await usecases.link_by_invite(900004, "made-up-token")


async def test_only_an_admin_may_create_invites_in_the_bot(usecases):
    kuznetsov = await usecases.identify(500020)
    admin = await usecases.identify(500005)
    with pytest.raises(NotAllowed):
        await usecases.create_invite("popov", kuznetsov, None)
    assert (await usecases.create_invite("popov", admin, None)).person.code == "popov"
    with pytest.raises(UnknownPersonError):
        await usecases.create_invite("nobody", admin, None)


async def test_a_shared_contact_links_its_owner_by_any_phone_spelling(usecases):
    person = await usecases.link_by_contact(900005, 900005, "8 (913) 000-00-24")
    assert person.code == "popov"
    assert (await usecases.identify(900005)).code == "popov"


async def test_a_forwarded_contact_of_someone_else_is_refused(usecases):
    with pytest.raises(ContactRefused, match="не ваш контакт"):
        await usecases.link_by_contact(900006, 500020, "+79160000020")
    with pytest.raises(ContactRefused):
        await usecases.link_by_contact(900006, None, "+79160000020")
    assert (await usecases.identify(900006)) is None


async def test_an_unknown_or_invalid_phone_is_refused(usecases):
    with pytest.raises(ContactRefused, match="не найден"):
        await usecases.link_by_contact(900007, 900007, "+79990000000")
    with pytest.raises(InvalidPhoneError):
        await usecases.link_by_contact(900007, 900007, "12")


async def test_relinking_moves_a_person_to_the_new_account(usecases):
    await usecases.link_by_contact(900008, 900008, "+79130000024")
    await usecases.link_by_contact(900009, 900009, "+79130000024")
    assert (await usecases.identify(900008)) is None
    assert (await usecases.identify(900009)).code == "popov"
    result = await usecases.verify_audit()
    assert result.ok and result.checked == 3

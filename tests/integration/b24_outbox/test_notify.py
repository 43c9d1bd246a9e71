"""Notifications in Bitrix24 for people Telegram cannot reach, queued by a use case and
delivered by the relay."""

from __future__ import annotations

from bot.clock import SystemClock
from services.b24_ports import NotifyInBitrix24, wants_bitrix_notice
from services.linking import MarkBlocked
from services.org_admin import ImportOrg

from .conftest import settle, texts_by_user
from .test_org_sync import SAMPLE


async def test_unlinked_and_blocked_people_are_notified_in_bitrix24(
    database, uow_factory, clock, emulator, make_relay
):
    await ImportOrg(uow_factory, clock)(SAMPLE)
    await MarkBlocked(uow_factory, clock)(500033, blocked=True)  # ivanova blocked the bot
    async with uow_factory() as uow:
        popov = await uow.org.person_by_code("popov")  # never linked Telegram
        ivanova = await uow.org.person_by_code("ivanova")
        petrov = await uow.org.person_by_code("petrov")
    assert wants_bitrix_notice(popov) and not wants_bitrix_notice(petrov)
    assert wants_bitrix_notice(ivanova, telegram_blocked=True)
    notify = NotifyInBitrix24(uow_factory, SystemClock())  # the relay's clock
    assert await notify(popov.id, "Реестр ждёт вашего решения") is not None
    assert await notify(ivanova.id, "Реестр отклонён: [B]Дубль[/B]", tag="viza.reg.7") is not None
    assert await notify(10_000, "никому") is None
    await settle(await make_relay(), database)
    sent = emulator.portal.state.notifications
    assert texts_by_user(sent) == {
        24: ["Реестр ждёт вашего решения"],
        33: ["Реестр отклонён: [B]Дубль[/B]"],
    }
    assert {n["TAG"] for n in sent} >= {"viza.reg.7"}

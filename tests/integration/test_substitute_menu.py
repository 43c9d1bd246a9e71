"""The «На согласовании» menu button for a substitute (PRODUCT §2), in-process against the
Telegram emulator: a person with no approver role who stands in today for an absent DC
director gets the button, and the list behind it shows the register waiting for the
director; before the absence starts and after it ends they get no button."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from aiogram import Bot, Dispatcher

from domain.org import load_org_toml
from domain.roles import Role
from handlers import errors, start
from handlers.approval_callbacks import CardTap, CardVerb
from sandbox.telegram import SandboxTelegramClient, TelegramEmulator
from sandbox.telegram.client_types import ChatMessage
from services.usecases import UseCases
from tests.conftest import FIXTURES
from tests.integration.telegram_support import dispatcher, ekb_submitted, feed, html_bot

TOKEN = "626262:substitute-menu-test"
EGOROV = 500040  # a sales manager of ekb-toyota: no approver role
WAITING_BUTTON = "📋 Реестры на согласовании"
# Sidorov, the ekb-toyota director, is away 1–4 Dec; Egorov decides «за Сидорова».
ABSENCE = """
[[substitutes]]
person = "sidorov"
substitute = "egorov"
from = 2026-12-01
to = 2026-12-04
"""


@dataclass
class Scene:
    tg: SandboxTelegramClient
    bot: Bot
    dp: Dispatcher
    cases: UseCases
    register_id: int

    async def feed(self, update_id: int) -> None:
        await feed(self.bot, self.dp, update_id)

    async def menu(self, user_id: int) -> ChatMessage:
        """The main menu the person gets for /start."""
        await self.feed((await self.tg.send_command(user_id, "/start")).update_id)
        menu = await self.tg.last_message(user_id)
        assert menu is not None and "Что можно сделать" in (menu.text or "")
        return menu

    async def press(self, user_id: int, message_id: int, text: str) -> ChatMessage:
        """Tap a button; the bot's message that follows."""
        pressed = await self.tg.press_nowait(user_id, message_id, text=text)
        await self.feed(pressed.update_id)
        answer = await self.tg.last_message(user_id)
        assert answer is not None
        return answer


async def make_scene(uow_factory, clock, database, moment: datetime) -> AsyncIterator[Scene]:
    clock.moment = moment
    cases = UseCases.build(uow_factory, clock, invite_ttl_hours=1)
    org = (FIXTURES / "org.toml").read_text(encoding="utf-8") + ABSENCE
    await cases.import_org(load_org_toml(org))
    register_id = await ekb_submitted(cases, database)
    async with TelegramEmulator([TOKEN], flood_control=False) as emulator:
        bot = html_bot(TOKEN, emulator.url)
        dp = dispatcher(cases, errors.router(), start.router(), start.menu_router())
        async with SandboxTelegramClient(emulator.url, timeout=10) as tg:
            await tg.create_user("Егоров", user_id=EGOROV)
            yield Scene(tg, bot, dp, cases, register_id)
        await bot.session.close()


@pytest.fixture
async def during(uow_factory, clock, database) -> AsyncIterator[Scene]:
    """Wednesday 2 Dec, 10:00 in Moscow: Sidorov is away."""
    moment = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    async for scene in make_scene(uow_factory, clock, database, moment):
        yield scene


@pytest.fixture(
    params=[
        pytest.param(datetime(2026, 11, 30, 7, 0, tzinfo=UTC), id="before-the-absence"),
        pytest.param(datetime(2026, 12, 7, 7, 0, tzinfo=UTC), id="after-the-absence"),
    ]
)
async def outside(request, uow_factory, clock, database) -> AsyncIterator[Scene]:
    """A Monday when Sidorov is at work: before his absence, or after it."""
    async for scene in make_scene(uow_factory, clock, database, request.param):
        yield scene


def texts(message: ChatMessage) -> list[str]:
    return [button.text for button in message.buttons]


async def test_a_substitute_of_an_absent_director_finds_the_register_waiting_for_him(
    during: Scene,
):
    egorov = await during.cases.identify(EGOROV)
    assert egorov is not None and not egorov.roles  # no approver role of his own
    menu = await during.menu(EGOROV)
    assert WAITING_BUTTON in texts(menu)
    listed = await during.press(EGOROV, menu.message_id, WAITING_BUTTON)
    assert "реестров: 1" in (listed.text or "")
    [register] = listed.buttons
    assert "Тойота Центр Екатеринбург" in register.text
    opens = CardTap(verb=CardVerb.OPEN, register_id=during.register_id)
    assert CardTap.unpack(register.callback_data or "") == opens
    waiting = await during.cases.approvals.waiting(egorov)
    assert [w.register_id for w in waiting] == [during.register_id]
    stood_in = await during.cases.approvals.waiting.stands_in_for(egorov)
    assert Role.DC_DIRECTOR in stood_in


async def test_no_waiting_button_for_him_when_the_director_is_not_away(outside: Scene):
    egorov = await outside.cases.identify(EGOROV)
    assert egorov is not None
    menu = await outside.menu(EGOROV)
    assert WAITING_BUTTON not in texts(menu)
    assert texts(menu)  # the rest of the menu is there (memos, help)
    assert await outside.cases.approvals.waiting(egorov) == []
    assert await outside.cases.approvals.waiting.stands_in_for(egorov) == frozenset()

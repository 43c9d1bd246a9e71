"""Shared set-up of the integration tests that run our handlers in-process against the
Telegram emulator: the ekb-toyota register sent for approval, a bot speaking HTML to the
emulator, and a dispatcher with the identity and language middlewares."""

from __future__ import annotations

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import Update
from sqlalchemy import select

from bot.i18n import make_i18n
from bot.middlewares import PersonLanguage, WhoIsThis
from models.db import Database
from models.tables import DealerCenter
from services.registers import DraftReady
from services.usecases import UseCases
from tests.conftest import FIXTURES

IVANOVA = 500033  # the ekb-toyota accountant
EKB = (FIXTURES / "registers" / "ekb-toyota_2026-11-30.xlsx").read_bytes()


async def ekb_submitted(cases: UseCases, database: Database) -> int:
    """Иванова uploads the ekb-toyota sample and sends it for approval: its id."""
    async with database.sessions() as session:
        query = select(DealerCenter.id).where(DealerCenter.code == "ekb-toyota")
        dc = await session.scalar(query)
    ivanova = await cases.identify(IVANOVA)
    assert ivanova is not None
    draft = await cases.upload_register(ivanova, "ekb.xlsx", EKB, dc)
    assert isinstance(draft, DraftReady)
    await cases.approvals.submit(ivanova, draft.summary.id, draft.summary.version)
    return draft.summary.id


def html_bot(token: str, emulator_url: str) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator_url))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


async def feed(bot: Bot, dp: Dispatcher, update_id: int) -> None:
    """Hand the emulator's update ``update_id`` to the dispatcher, as polling would."""
    updates = await bot.get_updates(offset=update_id, timeout=0)
    update = next(u for u in updates if u.update_id == update_id)
    await dp.feed_update(bot, Update.model_validate(update.model_dump()))


def dispatcher(cases: UseCases, *routers: Router) -> Dispatcher:
    """Our routers behind the middlewares that say who the user is and in which language."""
    i18n = make_i18n()
    dp = Dispatcher(usecases=cases, i18n_core=i18n)
    dp.update.outer_middleware(WhoIsThis(cases))
    dp.update.outer_middleware(PersonLanguage(i18n))
    dp.include_routers(*routers)
    return dp

"""The bot's command menu («/» in the chat), in each language of the catalogs."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _


def command_menu(i18n: I18n, locale: str) -> list[BotCommand]:
    with i18n.context(), i18n.use_locale(locale):
        return [
            BotCommand(command="start", description=_("Главное меню")),
            BotCommand(command="help", description=_("Справка")),
            BotCommand(command="memo", description=_("Новая служебная записка")),
            BotCommand(command="memos", description=_("Мои записки")),
            BotCommand(command="cancel", description=_("Прервать диалог")),
        ]


async def publish_command_menus(bot: Bot, i18n: I18n) -> None:
    """The default menu, and one per other language for Telegram clients set to it."""
    await bot.set_my_commands(command_menu(i18n, i18n.default_locale))
    for locale in sorted(set(i18n.available_locales) - {i18n.default_locale}):
        await bot.set_my_commands(command_menu(i18n, locale), language_code=locale)


async def menu_for_chat(bot: Bot, i18n: I18n, chat_id: int, language: str) -> None:
    """A person whose directory language is not the default gets the menu in it, in their
    chat, whatever language their Telegram client is set to."""
    if language != i18n.default_locale and language in i18n.available_locales:
        scope = BotCommandScopeChat(chat_id=chat_id)
        await bot.set_my_commands(command_menu(i18n, language), scope=scope)

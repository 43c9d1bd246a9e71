"""/start, /help, linking (invite deep link, shared contact) and the main menu."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, ReplyKeyboardRemove
from aiogram.utils.i18n import I18n

from domain.roles import Role
from handlers import approval_keyboards, approval_texts, keyboards, memo_keyboards, views
from handlers.callbacks import InvitePerson, MenuAction
from handlers.command_menu import menu_for_chat
from handlers.filters import members_only
from handlers.states import InviteDialog
from services.ports import PersonView
from services.usecases import UseCases


def router() -> Router:
    """Open to everyone: how to start, link and get help."""
    r = Router(name="start")
    r.message.register(start_with_invite, CommandStart(deep_link=True))
    r.message.register(start, CommandStart())
    r.message.register(show_help, Command("help"))
    r.message.register(cancel, Command("cancel"))
    r.message.register(contact_shared, F.contact)
    return r


def menu_router() -> Router:
    """The main menu's actions, for linked active people only."""
    r = members_only(Router(name="menu"))
    r.callback_query.register(menu_help, MenuAction.filter(F.action == "help"))
    r.callback_query.register(menu_invite, MenuAction.filter(F.action == "invite"))
    waiting_action = approval_keyboards.WAITING_ACTION
    r.callback_query.register(menu_waiting, MenuAction.filter(F.action == waiting_action))
    r.message.register(invite_search, InviteDialog.name, F.text, ~F.text.startswith("/"))
    r.callback_query.register(invite_person, InvitePerson.filter())
    return r


APPROVER_ROLES = (
    Role.DC_DIRECTOR,
    Role.DEPARTMENT_DIRECTOR,
    Role.CHIEF_ACCOUNTANT,
    Role.FINANCE_DIRECTOR,
    Role.GENERAL_DIRECTOR,
)


async def show_menu(message: Message, person: PersonView, usecases: UseCases) -> None:
    waiting = await decides_registers(person, usecases)
    await message.answer(views.menu_text(person), reply_markup=main_menu(person, waiting))


async def decides_registers(person: PersonView, usecases: UseCases) -> bool:
    """Whether registers may wait for this person: they hold an approver role, or stand in
    today for an absent person who does (PRODUCT §2, substitutes)."""
    if person.has(*APPROVER_ROLES):
        return True
    stands_in_for = await usecases.approvals.waiting.stands_in_for(person)
    return any(role in stands_in_for for role in APPROVER_ROLES)


def main_menu(person: PersonView, waiting: bool) -> InlineKeyboardMarkup:
    """The main menu: registers waiting for an approver first (``waiting``: the person
    decides registers, see `decides_registers`), then memos (anyone may write one), then
    admin and help."""
    rows = [[approval_keyboards.menu_waiting_button()]] if waiting else []
    rows += memo_keyboards.memo_menu_buttons()
    rows += keyboards.main_menu(person).inline_keyboard
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def start_with_invite(
    message: Message, command: CommandObject, person: PersonView | None, usecases: UseCases
) -> None:
    assert message.from_user is not None
    if person is not None and person.active:
        await show_menu(message, person, usecases)
        return
    linked = await usecases.link_by_invite(message.from_user.id, command.args or "")
    await message.answer(views.linked(linked), reply_markup=ReplyKeyboardRemove())
    await show_menu(message, linked, usecases)


async def start(
    message: Message,
    person: PersonView | None,
    usecases: UseCases,
    i18n_core: I18n | None = None,
) -> None:
    if person is None:
        await message.answer(views.how_to_link(), reply_markup=keyboards.share_phone())
    elif not person.active:
        await message.answer(views.deactivated())
    else:
        await show_menu(message, person, usecases)
        if i18n_core is not None and message.bot is not None:
            await menu_for_chat(message.bot, i18n_core, message.chat.id, person.language)


async def show_help(message: Message) -> None:
    await message.answer(views.help_text())


async def cancel(
    message: Message, state: FSMContext, person: PersonView | None, usecases: UseCases
) -> None:
    await state.clear()
    await start(message, person, usecases)


async def contact_shared(message: Message, person: PersonView | None, usecases: UseCases) -> None:
    assert message.from_user is not None and message.contact is not None
    if person is not None and person.active:
        await show_menu(message, person, usecases)
        return
    contact = message.contact
    linked = await usecases.link_by_contact(
        message.from_user.id, contact.user_id, contact.phone_number
    )
    await message.answer(views.linked(linked), reply_markup=ReplyKeyboardRemove())
    await show_menu(message, linked, usecases)


async def menu_help(query: CallbackQuery) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(views.help_text())


async def menu_waiting(query: CallbackQuery, person: PersonView, usecases: UseCases) -> None:
    """«На согласовании»: the registers waiting for this person, each a button to its card."""
    registers = await usecases.approvals.waiting(person)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(
            approval_texts.waiting_list(registers),
            reply_markup=approval_keyboards.waiting(registers),
        )


async def menu_invite(query: CallbackQuery, person: PersonView, state: FSMContext) -> None:
    if not person.has(Role.ADMIN):
        await query.answer(views.admin_only(), show_alert=True)
        return
    await query.answer()
    await state.set_state(InviteDialog.name)
    if isinstance(query.message, Message):
        await query.message.answer(views.ask_name_to_invite())


async def invite_search(
    message: Message, person: PersonView, state: FSMContext, usecases: UseCases
) -> None:
    if not person.has(Role.ADMIN):
        await state.clear()
        await message.answer(views.admin_only())
        return
    people = await usecases.search_people(message.text or "")
    if not people:
        await message.answer(views.nobody_found(message.text or ""))
        return
    await state.clear()
    await message.answer(
        views.choose_person_to_invite(), reply_markup=keyboards.people_to_invite(people)
    )


async def invite_person(
    query: CallbackQuery,
    callback_data: InvitePerson,
    person: PersonView,
    usecases: UseCases,
    bot_username: str | None,
) -> None:
    issued = await usecases.create_invite(callback_data.person_id, person, bot_username)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(
            views.invite_created(issued.person.full_name, issued.link, issued.token)
        )

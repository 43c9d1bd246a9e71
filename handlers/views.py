"""Every user-facing text, through the gettext catalogs (Russian first), HTML-escaped."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from aiogram.utils.i18n import get_i18n
from aiogram.utils.i18n import gettext as _

from domain.calendar import time_left_parts
from domain.errors import DomainError, Text
from domain.roles import Role
from services.ports import PersonView


def role_names(person: PersonView) -> str:
    ordered = [role for role in Role if role in person.roles]
    translate = get_i18n().gettext  # in the person's own language, whatever the update's
    names = (translate(role.title_ru, locale=person.language) for role in ordered)
    return ", ".join(escape(name) for name in names)


def role_name(role: Role | None) -> str:
    """A company role in the reader's language; «Сотрудник» for someone without one."""
    if role is None:
        return _("Сотрудник")
    return _(role.title_ru)


def greeting(person: PersonView) -> str:
    roles = role_names(person) or _("сотрудник")
    return _("Здравствуйте, <b>{name}</b>!\nВаши роли: {roles}.").format(
        name=escape(person.full_name), roles=roles
    )


def menu_text(person: PersonView) -> str:
    lines = [greeting(person), "", _("<b>Что можно сделать:</b>")]
    if person.has(Role.ACCOUNTANT, Role.CHIEF_ACCOUNTANT):
        lines.append(
            _("• Реестр платежей: отправьте файл реестра (.xlsx, .csv или 1С) в этот чат.")
        )
    if person.has(
        Role.DC_DIRECTOR,
        Role.DEPARTMENT_DIRECTOR,
        Role.CHIEF_ACCOUNTANT,
        Role.FINANCE_DIRECTOR,
        Role.GENERAL_DIRECTOR,
    ):
        lines.append(_("• Согласование: реестры и служебные записки, ожидающие вашего решения."))
    if person.has(Role.FINANCE_DIRECTOR, Role.CHIEF_ACCOUNTANT, Role.TREASURER):
        lines.append(_("• Ежедневная сводка после отсечки и файл платежей для банка."))
    if person.has(Role.ADMIN):
        lines.append(_("• Администрирование: приглашения сотрудников."))
    lines.append(_("• Служебные записки: может написать любой сотрудник."))
    return "\n".join(lines)


def help_text() -> str:
    return _(
        "<b>Виза</b> — согласование платежей и служебных записок.\n\n"
        "/start — главное меню\n/help — эта справка\n/cancel — прервать текущий диалог"
    )


def how_to_link() -> str:
    return _(
        "Бот работает только для сотрудников компании.\n\n"
        "Чтобы подключиться, нажмите «Поделиться номером» ниже — бот найдёт вас в "
        "справочнике по номеру телефона. Или откройте ссылку-приглашение от администратора."
    )


def how_to_link_short() -> str:
    """For a callback answer (Telegram allows 200 characters there)."""
    return _(
        "Бот работает только для сотрудников компании. Отправьте /start и нажмите "
        "«Поделиться номером», чтобы подключиться."
    )


def share_phone_button() -> str:
    return _("📱 Поделиться номером")


def linked(person: PersonView) -> str:
    return _("Готово! Аккаунт привязан: <b>{name}</b>.").format(name=escape(person.full_name))


def localized(said: DomainError | Text) -> str:
    """A refusal or a note made by a use case, in the reader's language (not escaped)."""
    return said.translated(_) if isinstance(said, DomainError) else said.render(_)


def refused(said: DomainError | Text) -> str:
    return escape(localized(said))


def deactivated() -> str:
    return _("Ваша учётная запись отключена. Обратитесь к администратору.")


def not_understood() -> str:
    return _("Не понял сообщение. Откройте меню: /start")


def unexpected_error() -> str:
    return _("Извините, что-то пошло не так. Мы уже разбираемся; попробуйте ещё раз позже.")


def admin_only() -> str:
    return _("Это доступно только администратору.")


def ask_name_to_invite() -> str:
    return _("Кого пригласить? Напишите фамилию или часть имени сотрудника (/cancel — отмена).")


def nobody_found(query: str) -> str:
    return _("Никого не нашлось по запросу «{query}». Попробуйте иначе или /cancel.").format(
        query=escape(query)
    )


def choose_person_to_invite() -> str:
    return _("Выберите сотрудника — бот пришлёт одноразовую ссылку-приглашение:")


def invite_created(name: str, link: str | None, token: str) -> str:
    if link:
        return _(
            "Приглашение для <b>{name}</b> (одноразовое):\n{link}\n\nПерешлите ссылку сотруднику."
        ).format(name=escape(name), link=escape(link))
    return _(
        "Приглашение для <b>{name}</b>: код <code>{token}</code> (команда /start {token})."
    ).format(name=escape(name), token=escape(token))


def menu_button_help() -> str:
    return _("❓ Помощь")


def menu_button_invite() -> str:
    return _("✉️ Пригласить сотрудника")


def time_left_text(left: timedelta) -> str:
    """«2 дн 3 ч», «1 ч 25 мин», «2 ч», «15 мин», «срок прошёл» — in the reader's language."""
    parts = time_left_parts(left)
    if parts is None:
        return _("срок прошёл")
    days, hours, minutes = parts
    if days:
        return (
            _("{days} дн {hours} ч").format(days=days, hours=hours)
            if hours
            else _("{days} дн").format(days=days)
        )
    if hours:
        return (
            _("{hours} ч {minutes} мин").format(hours=hours, minutes=minutes)
            if minutes
            else _("{hours} ч").format(hours=hours)
        )
    return _("{minutes} мин").format(minutes=minutes)

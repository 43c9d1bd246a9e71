"""Roles of people in the org and their display names."""

from __future__ import annotations

from enum import StrEnum

from domain.texts import N_, Text


class Role(StrEnum):
    """A role a person holds. Values are stable identifiers used in files and storage."""

    ACCOUNTANT = "accountant"
    DC_DIRECTOR = "dc_director"
    DEPARTMENT_DIRECTOR = "department_director"
    CHIEF_ACCOUNTANT = "chief_accountant"
    FINANCE_DIRECTOR = "finance_director"
    GENERAL_DIRECTOR = "general_director"
    TREASURER = "treasurer"
    ADMIN = "admin"

    @property
    def title_ru(self) -> str:
        """The Russian UI name, e.g. «Директор дилерского центра»: marked for the catalogs,
        which hold its other languages (the handlers translate it)."""
        return _TITLES_RU[self]

    @property
    def title_text(self) -> Text:
        """The name inside a message made in the core, translated where it is shown."""
        return Text(self.title_ru)


_TITLES_RU: dict[Role, str] = {
    Role.ACCOUNTANT: N_("Бухгалтер"),
    Role.DC_DIRECTOR: N_("Директор дилерского центра"),
    Role.DEPARTMENT_DIRECTOR: N_("Директор департамента"),
    Role.CHIEF_ACCOUNTANT: N_("Главный бухгалтер"),
    Role.FINANCE_DIRECTOR: N_("Финансовый директор"),
    Role.GENERAL_DIRECTOR: N_("Генеральный директор"),
    Role.TREASURER: N_("Казначей"),
    Role.ADMIN: N_("Администратор"),
}

# Roles that may be listed in a person's `roles` in the org file. The unit roles
# (dc_director, department_director) come from the units a person directs.
COMPANY_ROLES: frozenset[Role] = frozenset(
    {
        Role.ACCOUNTANT,
        Role.CHIEF_ACCOUNTANT,
        Role.FINANCE_DIRECTOR,
        Role.GENERAL_DIRECTOR,
        Role.TREASURER,
        Role.ADMIN,
    }
)
UNIT_ROLES: frozenset[Role] = frozenset({Role.DC_DIRECTOR, Role.DEPARTMENT_DIRECTOR})

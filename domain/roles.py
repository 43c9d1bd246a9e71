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
        """The Russian UI name, e.g. «Директор дилерского центра»."""
        return _TITLES_RU[self]

    @property
    def title_en(self) -> str:
        """The English UI name."""
        return _TITLES_EN[self]

    @property
    def title_text(self) -> Text:
        """The name inside a message made in the core; the catalogs' English for it is
        ``title_en`` (a test keeps them equal)."""
        return Text(self.title_ru)

    def display_name(self, language: str = "ru") -> str:
        """The UI name in ``language`` ('ru' or 'en'); Russian for anything else."""
        return self.title_en if language == "en" else self.title_ru


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

_TITLES_EN: dict[Role, str] = {
    Role.ACCOUNTANT: "Accountant",
    Role.DC_DIRECTOR: "Dealer center director",
    Role.DEPARTMENT_DIRECTOR: "Department director",
    Role.CHIEF_ACCOUNTANT: "Chief accountant",
    Role.FINANCE_DIRECTOR: "Finance director",
    Role.GENERAL_DIRECTOR: "General director",
    Role.TREASURER: "Treasurer",
    Role.ADMIN: "Administrator",
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

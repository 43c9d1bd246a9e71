"""Domain errors: each carries a Russian message that is safe to show to a user, and can
say it in the user's language (`DomainError.translated`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from domain.texts import N_, Text

__all__ = ["N_", "DomainError", "Text"]


class DomainError(Exception):
    """Base of every expected domain failure.

    Invariant: ``message`` is a complete Russian sentence for the user; it never contains
    a traceback or internal identifiers beyond what the user typed or can see. Raised with
    a template marked ``N_`` and its values (``NotAllowed(N_("Реестр №{number}…"),
    number=7)``), it can also be shown in the reader's language; a message built any
    other way is shown as it is, in Russian.
    """

    def __init__(self, message: str, **params: object) -> None:
        self.text = Text(message, params)
        self.message = str(self.text)
        super().__init__(self.message)

    def translated(self, gettext: Callable[[str], str]) -> str:
        """The message in the language ``gettext`` translates to."""
        return self.text.render(gettext)


class InvalidPhoneError(DomainError):
    """A phone number that cannot be normalized to E.164."""

    def __init__(self, raw: str, why: Text) -> None:
        super().__init__(N_("Номер телефона «{raw}» не распознан: {why}."), raw=raw, why=why)
        self.raw = raw
        self.why = str(why)


class OrgValidationError(DomainError):
    """The org directory is invalid; ``errors`` lists every problem found, not just the first."""

    def __init__(self, errors: Iterable[object]) -> None:
        self.errors: list[str] = [str(error) for error in errors]
        lines = "\n".join(f"• {error}" for error in self.errors)
        super().__init__(f"Справочник организации содержит ошибки ({len(self.errors)}):\n{lines}")


class UnknownPersonError(DomainError):
    """A person code that is not in the org directory."""

    def __init__(self, code: str) -> None:
        super().__init__(N_("Сотрудник «{code}» не найден в справочнике."), code=code)
        self.code = code


class CalendarError(DomainError):
    """A business calendar or cutoff policy that cannot work (e.g. no business days at all)."""


class AuditError(DomainError):
    """Audit content that cannot be hashed deterministically (floats, naive datetimes...)."""

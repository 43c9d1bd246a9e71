"""Domain errors: each carries a Russian message that is safe to show to a user."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """Base of every expected domain failure.

    Invariant: ``message`` is a complete Russian sentence for the user; it never contains
    a traceback or internal identifiers beyond what the user typed or can see.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidPhoneError(DomainError):
    """A phone number that cannot be normalized to E.164."""

    def __init__(self, raw: str, why: str) -> None:
        super().__init__(f"Номер телефона «{raw}» не распознан: {why}.")
        self.raw = raw
        self.why = why


class OrgValidationError(DomainError):
    """The org directory is invalid; ``errors`` lists every problem found, not just the first."""

    def __init__(self, errors: Iterable[object]) -> None:
        self.errors: list[str] = [str(error) for error in errors]
        lines = "\n".join(f"• {error}" for error in self.errors)
        super().__init__(f"Справочник организации содержит ошибки ({len(self.errors)}):\n{lines}")


class UnknownPersonError(DomainError):
    """A person code that is not in the org directory."""

    def __init__(self, code: str) -> None:
        super().__init__(f"Сотрудник «{code}» не найден в справочнике.")
        self.code = code


class CalendarError(DomainError):
    """A business calendar or cutoff policy that cannot work (e.g. no business days at all)."""


class AuditError(DomainError):
    """Audit content that cannot be hashed deterministically (floats, naive datetimes...)."""

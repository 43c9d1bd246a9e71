"""The one exception the register readers raise."""

from __future__ import annotations

from domain.errors import DomainError


class RegisterFileError(DomainError):
    """The file cannot be read as a register at all (wrong type, empty, corrupt, too big...).

    `message` is complete Russian text for the accountant. Problems of single rows are not
    raised: they are reported in `ParsedRegister.errors`.
    """

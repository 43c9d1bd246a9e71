"""Failures of use cases that the user caused and can understand (Russian messages)."""

from __future__ import annotations

from domain.errors import N_, DomainError


class InviteRefused(DomainError):
    """An invite that does not exist, has expired, or was already used."""


class ContactRefused(DomainError):
    """A shared contact that cannot link: someone else's, or no single active match."""


class NotLinked(DomainError):
    """The Telegram account belongs to no active person."""


class NotAllowed(DomainError):
    """The person may not do this (their role or the item's state forbids it)."""


NOT_THE_ACCOUNTANT = N_("Реестр №{number} ведёт бухгалтер ДЦ «{dc}» — у вас нет доступа к нему.")

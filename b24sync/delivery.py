"""How an outbox message becomes REST calls: steps, handlers and their registry.

A handler turns one message of its ``kind`` into a :data:`Step`: either finished
(:class:`Done`, :class:`Fail`) or :class:`Next` - a few REST calls plus what to do with
their results. The relay runs the calls of many messages together in ``batch`` requests
(at most 50 commands each) and feeds each message its own results, so a handler never sees
HTTP, batching, retries or the database. A create made idempotent reads first (find the
record by our local id) and only then adds - two steps, both batched with other messages.

Handler modules are ``b24sync/handlers_<name>.py`` and export ``HANDLERS`` (a tuple of
handlers) and optionally ``CHECKS`` (reconcile checks, see :mod:`b24sync.reconcile`);
:meth:`HandlerRegistry.discover` finds them, so a new kind is one new module.

Rules for handlers: ``start`` is pure (no I/O) and may raise ``KeyError``, ``TypeError`` or
``ValueError`` for a malformed payload (the message goes dead at once); a step holds at most
50 calls and no file uploads (they are refused inside ``batch``); calls in one step must be
safe to repeat together, because a failed step is repeated whole on the next attempt.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from services.outbox_ports import OutboxMessage

from .batch import MAX_COMMANDS
from .errors import Bitrix24Error


@dataclass(frozen=True)
class Call:
    """One REST command."""

    method: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Done:
    """Delivered; ``remote_id`` is stored on the message (and offered to the entity's later
    messages as ``entity_remote_id``)."""

    remote_id: str | None = None


@dataclass(frozen=True)
class Fail:
    """A failure no retry can fix (bad payload, an answer that contradicts it)."""

    reason: str


@dataclass(frozen=True)
class Next:
    """Run ``calls``; ``then`` gets their results in order.

    ``on_error`` may turn the first error among the calls into another step (e.g. an update
    answered NOT_FOUND -> look the record up again); returning ``None`` leaves the error to
    the relay (retry if it may pass, dead otherwise).
    """

    calls: tuple[Call, ...]
    then: Callable[[Sequence[Any]], Step]
    on_error: Callable[[Bitrix24Error], Step | None] | None = None

    def __post_init__(self) -> None:
        if not 0 < len(self.calls) <= MAX_COMMANDS:
            raise ValueError(f"a step holds 1 to {MAX_COMMANDS} calls")


Step = Done | Fail | Next


class Handler(Protocol):
    """Delivers messages of one ``kind``."""

    @property
    def kind(self) -> str: ...

    def start(self, message: OutboxMessage) -> Step: ...


class HandlerRegistry:
    """Handlers by kind. Invariant: one handler per kind."""

    def __init__(self, handlers: Iterable[Handler] = ()) -> None:
        self._handlers: dict[str, Handler] = {}
        for handler in handlers:
            self.register(handler)

    def register(self, handler: Handler) -> None:
        if handler.kind in self._handlers:
            raise ValueError(f"a handler for {handler.kind!r} is registered already")
        self._handlers[handler.kind] = handler

    def get(self, kind: str) -> Handler | None:
        return self._handlers.get(kind)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted(self._handlers))

    @classmethod
    def discover(cls) -> HandlerRegistry:
        """A registry of every ``HANDLERS`` of the ``b24sync.handlers_*`` modules."""
        return cls(h for module in handler_modules() for h in getattr(module, "HANDLERS", ()))


def handler_modules() -> list[Any]:
    """The ``b24sync.handlers_*`` modules, imported, in name order."""
    package = importlib.import_module(__package__ or "b24sync")
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.startswith("handlers_")
    )
    return [importlib.import_module(f"{package.__name__}.{name}") for name in names]

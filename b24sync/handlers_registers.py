"""``b24.register.mirror``: a register or one of its payments as a smart-process item, with
a timeline comment for each decision (payloads of ``services.register_mirror``).

Delivery builds on the upsert steps of :mod:`b24sync.handlers_crm` (the item is found by our
id before it is ever added, so a create repeated after a lost answer finds the first one).
A message with a comment adds it to the item's timeline (``crm.timeline.comment.add``,
entity ``dynamic_<entityTypeId>``) and ends the comment with «(Viza, №<outbox id>)». A
comment has no natural key, so exactly once rests on that marker: a message that was tried
before (claimed earlier, or revived from the dead letters) first reads the item's newest
comments (``crm.timeline.comment.list``) and adds its comment only if no comment carries its
marker. A first attempt skips the read and sends the comment together with the update of
the item's fields in one request.

``CHECKS`` has the reconcile check of registers, see :class:`RegisterMirrorCheck`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from services.outbox_ports import NewOutboxMessage, OutboxMessage
from services.register_mirror import REGISTER_ENTITY, REGISTER_MIRROR_KIND

from .batch import MAX_COMMANDS
from .delivery import Call, Done, Fail, Next, Step
from .errors import Bitrix24Error, NotFound
from .handlers_crm import CrmItemSpec, lookup, upsert
from .paging import page_items
from .reconcile import CheckReport, ReconcileContext


def marker(message_id: int) -> str:
    """What a comment of outbox message ``message_id`` ends with (no id's marker is part of
    another's: the closing parenthesis ends the number)."""
    return f"(Viza, №{message_id})"


@dataclass(frozen=True)
class Comment:
    """A timeline comment of one message; ``check``: read the item's comments first."""

    owner: str
    text: str
    mark: str
    check: bool

    def add_call(self, item_id: int) -> Call:
        fields = {"ENTITY_ID": item_id, "ENTITY_TYPE": self.owner, "COMMENT": self.text}
        return Call("crm.timeline.comment.add", {"fields": fields})

    def list_call(self, item_id: int) -> Call:
        return Call(
            "crm.timeline.comment.list",
            {
                "filter": {"ENTITY_ID": item_id, "ENTITY_TYPE": self.owner},
                "select": ["ID", "COMMENT"],
                "order": {"ID": "DESC"},
            },
        )

    def present(self, result: Any) -> bool:
        return any(self.mark in str(c.get("COMMENT", "")) for c in page_items(result))


class RegisterMirrorHandler:
    """Upsert the item, then comment on it once."""

    kind = REGISTER_MIRROR_KIND

    def start(self, message: OutboxMessage) -> Step:
        spec = CrmItemSpec.parse(message.payload)
        text = str(message.payload.get("comment") or "").strip()
        if not text:
            return upsert(spec, message.entity_remote_id)
        tried = message.attempts > 1 or message.last_error is not None
        mark = marker(message.id)
        comment = Comment(f"dynamic_{spec.entity_type_id}", f"{text}\n\n{mark}", mark, tried)
        if message.entity_remote_id is None:
            return chain(lookup(spec), lambda item_id: comment_only(comment, item_id))
        return with_update(spec, comment, int(message.entity_remote_id))


def with_update(spec: CrmItemSpec, comment: Comment, item_id: int) -> Step:
    """The item is known: its comment and its fields, in one request when not tried."""
    update = Call(
        "crm.item.update",
        {"entityTypeId": spec.entity_type_id, "id": item_id, "fields": spec.all_fields},
    )

    def gone(error: Bitrix24Error) -> Step | None:
        if not isinstance(error, NotFound):
            return None
        again = Comment(comment.owner, comment.text, comment.mark, check=True)
        return chain(lookup(spec), lambda found: comment_only(again, found))

    def both(_results: Sequence[Any]) -> Step:
        return Done(str(item_id))

    if not comment.check:
        return Next((comment.add_call(item_id), update), both, on_error=gone)

    def listed(results: Sequence[Any]) -> Step:
        calls = (update,) if comment.present(results[0]) else (comment.add_call(item_id), update)
        return Next(calls, both, on_error=gone)

    return Next((comment.list_call(item_id),), listed, on_error=gone)


def comment_only(comment: Comment, remote_id: str) -> Step:
    """The item holds its fields already (just updated or added): add the comment."""
    item_id = int(remote_id)

    def added(_results: Sequence[Any]) -> Step:
        return Done(remote_id)

    if not comment.check:
        return Next((comment.add_call(item_id),), added)

    def listed(results: Sequence[Any]) -> Step:
        if comment.present(results[0]):
            return Done(remote_id)
        return Next((comment.add_call(item_id),), added)

    return Next((comment.list_call(item_id),), listed)


def chain(step: Step, then: Callable[[str], Step]) -> Step:
    """``step``, and when it is done with an item id, ``then(that id)``."""
    if isinstance(step, Done):
        return then(step.remote_id) if step.remote_id else Fail("no item id to comment on")
    if isinstance(step, Fail):
        return step
    on_error = step.on_error

    def handled(error: Bitrix24Error) -> Step | None:
        assert on_error is not None
        fallback = on_error(error)
        return None if fallback is None else chain(fallback, then)

    return Next(
        step.calls,
        lambda results: chain(step.then(results), then),
        on_error=handled if on_error is not None else None,
    )


class RegisterMirrorCheck:
    """Registers and payments against the portal.

    What they should be: with ``ctx.registers`` (the bot passes the database's snapshot),
    the stored state of every register the mirror has delivered before - so a change made
    without the outbox shows as drift too; without it, the latest delivered message of each
    entity. An item missing on the portal, or holding other values, gets a message with the
    wanted fields queued (no comment: comments are never repeated). Several portal items
    with one local id are reported, not deleted.
    """

    name = "registers"

    async def run(self, ctx: ReconcileContext) -> CheckReport:
        wanted = await self._wanted(ctx)
        drifted: list[NewOutboxMessage] = []
        notes: list[str] = []
        for start in range(0, len(wanted), MAX_COMMANDS):
            chunk = wanted[start : start + MAX_COMMANDS]
            found = await ctx.client.batch(
                {f"e{n}": _lookup(m.payload) for n, m in enumerate(chunk)}, idempotent=True
            )
            for n, message in enumerate(chunk):
                items = page_items(found.get(f"e{n}"))
                if len(items) > 1:
                    notes.append(f"дубликаты в Bitrix24: {message.payload['local_id']} "
                                 f"({len(items)} элемента)")  # fmt: skip
                if not items or not same_fields(message.payload["fields"], items[0]):
                    drifted.append(message)
        ids = await ctx.store.enqueue(drifted, ctx.clock.now())
        return CheckReport(self.name, len(wanted), len(drifted), tuple(ids), tuple(notes))

    @staticmethod
    async def _wanted(ctx: ReconcileContext) -> list[NewOutboxMessage]:
        latest = await ctx.store.latest_delivered(REGISTER_MIRROR_KIND)
        if ctx.registers is not None:
            ids = sorted({int(m.entity_id) for m in latest if m.entity_type == REGISTER_ENTITY})
            return list(await ctx.registers(ids))
        return [_fields_only(m) for m in latest]


def _fields_only(message: OutboxMessage) -> NewOutboxMessage:
    payload = {k: v for k, v in message.payload.items() if k != "comment"}
    return NewOutboxMessage(message.entity_type, message.entity_id, message.kind, payload)


def _lookup(payload: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    call = CrmItemSpec.parse(payload).lookup_call()
    return call.method, {**call.params, "select": ["*"]}


def same_fields(wanted: Mapping[str, Any], item: Mapping[str, Any]) -> bool:
    """Whether the portal's ``item`` holds ``wanted`` (names case-insensitive; numbers by
    value; a date also matches the portal's date-time of that day)."""
    by_name = {str(key).lower(): value for key, value in item.items()}
    return all(_same(value, by_name.get(key.lower())) for key, value in wanted.items())


def _same(wanted: Any, actual: Any) -> bool:
    want, have = _text(wanted), _text(actual)
    if want == have:
        return True
    return len(want) == 10 and want[4:5] == "-" and have.startswith(want + "T")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "Y" if value else "N"
    text = "" if value is None else str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    return format(number.normalize(), "f") if number.is_finite() else text


HANDLERS = (RegisterMirrorHandler(),)
CHECKS = (RegisterMirrorCheck(),)

"""``b24.crm.upsert``: make one CRM item (a smart-process item) hold the given fields.

Payload (built by ``services.b24_ports.crm_upsert_message``): ``entity_type_id``,
``local_id_field`` (a user field of the item that stores our id), ``local_id`` and
``fields``. Delivery:

- the entity's Bitrix24 id is known (an earlier message of it was delivered): one
  ``crm.item.update``; if the item is gone (NOT_FOUND), fall back to the lookup below;
- otherwise ``crm.item.list`` filtered by our local id, then ``crm.item.update`` of the
  item found or ``crm.item.add`` of a new one. So a create whose answer was lost (timeout,
  the relay killed) finds its own item on the next attempt instead of adding a second one.

The register mirror builds on this: its own module can reuse :class:`CrmItemSpec` and these
steps and add stage moves and timeline comments as further steps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.b24_ports import CRM_UPSERT_KIND
from services.outbox_ports import OutboxMessage

from .delivery import Call, Done, Fail, Next, Step
from .errors import Bitrix24Error, NotFound
from .paging import page_items
from .reconcile import CrmItemCheck


@dataclass(frozen=True)
class CrmItemSpec:
    """What one upsert wants: the item of ``entity_type_id`` with ``local_id`` in
    ``local_id_field`` holding ``fields``."""

    entity_type_id: int
    local_id_field: str
    local_id: str
    fields: Mapping[str, Any]

    @classmethod
    def parse(cls, payload: Mapping[str, Any]) -> CrmItemSpec:
        fields = payload["fields"]
        if not isinstance(fields, Mapping):
            raise TypeError("fields must be a mapping")
        return cls(
            int(payload["entity_type_id"]),
            str(payload["local_id_field"]),
            str(payload["local_id"]),
            dict(fields),
        )

    @property
    def all_fields(self) -> dict[str, Any]:
        return {**self.fields, self.local_id_field: self.local_id}

    def lookup_call(self) -> Call:
        return Call(
            "crm.item.list",
            {
                "entityTypeId": self.entity_type_id,
                "filter": {self.local_id_field: self.local_id},
                "select": ["id"],
                "order": {"id": "ASC"},
            },
        )


def upsert(spec: CrmItemSpec, known_id: str | None) -> Step:
    """The steps that make the item hold ``spec.fields``."""
    if known_id is None:
        return lookup(spec)
    return update(spec, int(known_id), fall_back=True)


def lookup(spec: CrmItemSpec) -> Step:
    def found(results: Sequence[Any]) -> Step:
        items = page_items(results[0])
        if not items:
            return add(spec)
        return update(spec, int(items[0]["id"]), fall_back=False)

    return Next((spec.lookup_call(),), found)


def add(spec: CrmItemSpec) -> Step:
    params = {"entityTypeId": spec.entity_type_id, "fields": spec.all_fields}

    def added(results: Sequence[Any]) -> Step:
        item = results[0].get("item") if isinstance(results[0], dict) else None
        if not isinstance(item, dict) or "id" not in item:
            return Fail("crm.item.add answered without an item")
        return Done(str(item["id"]))

    return Next((Call("crm.item.add", params),), added)


def update(spec: CrmItemSpec, item_id: int, *, fall_back: bool) -> Step:
    params = {"entityTypeId": spec.entity_type_id, "id": item_id, "fields": spec.all_fields}

    def gone(error: Bitrix24Error) -> Step | None:
        return lookup(spec) if fall_back and isinstance(error, NotFound) else None

    return Next(
        (Call("crm.item.update", params),), lambda _results: Done(str(item_id)), on_error=gone
    )


class CrmUpsertHandler:
    kind = CRM_UPSERT_KIND

    def start(self, message: OutboxMessage) -> Step:
        return upsert(CrmItemSpec.parse(message.payload), message.entity_remote_id)


HANDLERS = (CrmUpsertHandler(),)
CHECKS = (CrmItemCheck(CRM_UPSERT_KIND),)

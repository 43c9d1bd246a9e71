"""crm.item.add/update/get/list (smart processes and system types) and
crm.timeline.comment.add/list.

Items are kept with camelCase field names, as the REST API returns them by default
(``ufCrm12_VizaId``, ``stageId``). Fields the portal does not know are ignored, as Bitrix24
does: only standard names and ``ufCrm...``/``parentId...`` user fields are stored.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from .filters import order_by, select
from .params import Params, as_int, as_list, pick
from .protocol import MethodResult, RestError, iso, paginate
from .state import CallContext, Record, State

SYSTEM_TYPES = {"lead": 1, "deal": 2, "contact": 3, "company": 4, "quote": 7, "smart_invoice": 31}
STANDARD_FIELDS = {
    "title", "stageId", "categoryId", "assignedById", "opened", "opportunity", "currencyId",
    "comments", "sourceId", "sourceDescription", "begindate", "closedate", "observers",
    "contactId", "contactIds", "companyId", "originatorId", "originId", "xmlId",
    "isManualOpportunity",
}  # fmt: skip
_STAGE = re.compile(r"^DT(\d+)_(\d+):")


def _entity_type(params: Params) -> int:
    type_id = as_int(pick(params, "entityTypeId"), 0) or 0
    if type_id in SYSTEM_TYPES.values() or type_id >= 128:
        return type_id
    raise RestError("NOT_FOUND", "Smart process not found")


def _fields(params: Params) -> dict[str, Any]:
    fields = pick(params, "fields")
    if not isinstance(fields, dict):
        return {}
    return {
        key: value
        for key, value in fields.items()
        if key in STANDARD_FIELDS or key.startswith(("ufCrm", "parentId"))
    }


def _find(state: State, type_id: int, item_id: Any) -> Record:
    item = state.items.get(as_int(item_id, 0) or 0)
    if item is None or item["entityTypeId"] != type_id:
        raise RestError("NOT_FOUND", "Element not found")
    return item


def _record(state: State, op: str, item: Record, fields: dict[str, Any], now: float) -> None:
    state.item_history.append(
        {
            "t": now,
            "op": op,
            "entityTypeId": item["entityTypeId"],
            "id": item["id"],
            "fields": copy.deepcopy(fields),
        }
    )


def item_add(state: State, params: Params, ctx: CallContext) -> MethodResult:
    type_id = _entity_type(params)
    fields = _fields(params)
    item_id = state.next_id("crm_item")
    stamp = iso(ctx.now)
    stage = str(fields.get("stageId") or f"DT{type_id}_0:NEW")
    match = _STAGE.match(stage)
    item: Record = {
        "id": item_id,
        "title": f"Item #{item_id}",
        "createdBy": ctx.user_id,
        "updatedBy": ctx.user_id,
        "movedBy": ctx.user_id,
        "createdTime": stamp,
        "updatedTime": stamp,
        "movedTime": stamp,
        "categoryId": int(match.group(2)) if match else 0,
        "assignedById": ctx.user_id,
        "opened": "Y",
        "entityTypeId": type_id,
    }
    item.update(copy.deepcopy(fields))
    item["stageId"] = stage
    state.items[item_id] = item
    _record(state, "add", item, fields, ctx.now)
    return MethodResult({"item": copy.deepcopy(item)})


def item_update(state: State, params: Params, ctx: CallContext) -> MethodResult:
    item = _find(state, _entity_type(params), pick(params, "id"))
    fields = _fields(params)
    stamp = iso(ctx.now)
    if "stageId" in fields and fields["stageId"] != item.get("stageId"):
        item.update({"previousStageId": item.get("stageId"), "movedTime": stamp})
        item["movedBy"] = ctx.user_id
    item.update(copy.deepcopy(fields))
    item.update({"updatedTime": stamp, "updatedBy": ctx.user_id})
    _record(state, "update", item, fields, ctx.now)
    return MethodResult({"item": copy.deepcopy(item)})


def item_get(state: State, params: Params, ctx: CallContext) -> MethodResult:
    item = _find(state, _entity_type(params), pick(params, "id"))
    return MethodResult({"item": copy.deepcopy(item)})


def _project(item: Record, fields: list[Any]) -> Record:
    if not fields or "*" in fields:
        return copy.deepcopy(item)
    wanted = {str(name) for name in fields} | {"id"}
    return {key: copy.deepcopy(value) for key, value in item.items() if key in wanted}


def item_list(state: State, params: Params, ctx: CallContext) -> MethodResult:
    type_id = _entity_type(params)
    items = [item for item in state.items.values() if item["entityTypeId"] == type_id]
    found = order_by(select(items, pick(params, "filter")), pick(params, "order"), "id")
    page = paginate(found, pick(params, "start"))
    fields = as_list(pick(params, "select"))
    page.result = {"items": [_project(item, fields) for item in page.result]}
    return page


def _owner_type(entity_type: str) -> int | None:
    name = entity_type.strip().lower()
    if name.startswith("dynamic_"):
        return as_int(name.removeprefix("dynamic_"))
    return SYSTEM_TYPES.get(name)


def comment_add(state: State, params: Params, ctx: CallContext) -> MethodResult:
    fields = params.get("fields")
    if (
        not isinstance(fields, dict)
        or not fields.get("ENTITY_ID")
        or not fields.get("ENTITY_TYPE")
    ):
        raise RestError("100", "Required fields are not provided")
    if not str(fields.get("COMMENT") or "").strip():
        raise RestError("INVALID_ARG_VALUE", "Empty comment")
    type_id = _owner_type(str(fields["ENTITY_TYPE"]))
    owner = state.items.get(as_int(fields["ENTITY_ID"], 0) or 0)
    if type_id is None or owner is None or owner["entityTypeId"] != type_id:
        raise RestError("NOT_FOUND", "Not found.")
    comment_id = state.next_id("comment", 501)
    files = [entry[0] for entry in as_list(fields.get("FILES")) if isinstance(entry, list)]
    state.comments.append(
        {
            "id": comment_id,
            "ENTITY_ID": owner["id"],
            "ENTITY_TYPE": str(fields["ENTITY_TYPE"]),
            "entityTypeId": type_id,
            "COMMENT": str(fields["COMMENT"]),
            "AUTHOR_ID": ctx.user_id,
            "CREATED": iso(ctx.now),
            "FILES": files,
            "t": ctx.now,
        }
    )
    return MethodResult(comment_id)


def _public_comment(comment: Record) -> Record:
    shown = {key: copy.deepcopy(value) for key, value in comment.items() if key.isupper()}
    return {"ID": comment["id"], **shown}


def comment_list(state: State, params: Params, ctx: CallContext) -> MethodResult:
    """The comments of one CRM item (``ENTITY_ID`` and ``ENTITY_TYPE`` are required in the
    filter), in pages of 50, as ``[{"ID", "ENTITY_ID", "ENTITY_TYPE", "COMMENT", ...}]``."""
    flt = pick(params, "filter")
    if not isinstance(flt, dict) or not flt.get("ENTITY_ID") or not flt.get("ENTITY_TYPE"):
        raise RestError("INVALID_ARG_VALUE", "ENTITY_ID and ENTITY_TYPE are required")
    found = select([_public_comment(c) for c in state.comments], flt)
    page = paginate(order_by(found, pick(params, "order"), "ID"), pick(params, "start"))
    fields = [str(name) for name in as_list(pick(params, "select"))]
    page.result = [
        {k: v for k, v in c.items() if not fields or "*" in fields or k in fields or k == "ID"}
        for c in page.result
    ]
    return page


METHODS = {
    "crm.item.add": item_add,
    "crm.item.update": item_update,
    "crm.item.get": item_get,
    "crm.item.list": item_list,
    "crm.timeline.comment.add": comment_add,
    "crm.timeline.comment.list": comment_list,
}

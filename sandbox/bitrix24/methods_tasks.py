"""tasks.task.add/get/list.

Tasks are stored with UPPER_CASE keys (the names ``fields`` and ``filter`` use) and answered in
camelCase with string values, as the REST API does. ``UF_TASK_WEBDAV_FILES`` takes Disk file
ids written ``n<id>``; answers carry attachment ids (``ufTaskWebdavFiles``), which differ
from Disk ids, as in Bitrix24. ``UF_TASK_WEBDAV_FILES`` is returned only when selected.
"""

from __future__ import annotations

import copy
from typing import Any

from .filters import order_by, select
from .params import Params, as_int, as_list, pick
from .protocol import MethodResult, RestError, iso, paginate
from .state import CallContext, Record, State

_CAMEL = {
    "ID": "id",
    "TITLE": "title",
    "DESCRIPTION": "description",
    "CREATED_BY": "createdBy",
    "RESPONSIBLE_ID": "responsibleId",
    "STATUS": "status",
    "PRIORITY": "priority",
    "GROUP_ID": "groupId",
    "DEADLINE": "deadline",
    "CREATED_DATE": "createdDate",
    "CHANGED_DATE": "changedDate",
    "UF_CRM_TASK": "ufCrmTask",
}
_KEPT = ("DESCRIPTION", "DEADLINE", "PRIORITY", "GROUP_ID", "UF_CRM_TASK", "ACCOMPLICES")


def _core(message: str) -> RestError:
    return RestError("ERROR_CORE", f"{message}<br>")


def _user_card(state: State, user_id: Any) -> dict[str, str]:
    user = state.users.get(as_int(user_id, 0) or 0, {})
    name = f"{user.get('NAME', '')} {user.get('LAST_NAME', '')}".strip()
    return {"id": str(user_id), "name": name, "link": f"/company/personal/user/{user_id}/"}


def _render(state: State, task: Record, fields: list[Any]) -> Record:
    wanted = {str(name).upper() for name in fields}
    everything = not wanted or "*" in wanted
    out: Record = {}
    for key, camel in _CAMEL.items():
        if everything or key in wanted or key == "ID":
            value = task.get(key)
            out[camel] = copy.deepcopy(value) if isinstance(value, list) else _text(value)
    if "UF_TASK_WEBDAV_FILES" in wanted:
        out["ufTaskWebdavFiles"] = list(task["ATTACHED"])
    out["creator"] = _user_card(state, task["CREATED_BY"])
    out["responsible"] = _user_card(state, task["RESPONSIBLE_ID"])
    return out


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _attach(state: State, refs: list[Any]) -> tuple[list[int], list[int]]:
    file_ids, attached = [], []
    for ref in refs:
        file_id = as_int(str(ref).removeprefix("n"), 0) or 0
        obj = state.disk.get(file_id)
        if obj is None or obj["TYPE"] != "file":
            raise _core(f"File n{file_id} not found")
        attachment = state.next_id("attachment", 2001)
        state.attachments[attachment] = file_id
        file_ids.append(file_id)
        attached.append(attachment)
    return file_ids, attached


def task_add(state: State, params: Params, ctx: CallContext) -> MethodResult:
    fields = pick(params, "fields")
    if not isinstance(fields, dict) or not fields:
        raise RestError("100", "Could not find value for parameter {fields} (internal error)")
    if not str(fields.get("TITLE") or "").strip():
        raise _core("Task title is not specified")
    responsible = as_int(fields.get("RESPONSIBLE_ID"), 0) or 0
    if not responsible:
        raise _core("Responsible person not specified")
    if responsible not in state.users:
        raise _core('User specified in the "Responsible" field not found')
    file_ids, attached = _attach(state, as_list(fields.get("UF_TASK_WEBDAV_FILES")))
    task_id = state.next_id("task", 101)
    task: Record = {key: copy.deepcopy(fields[key]) for key in _KEPT if key in fields}
    task.update(
        ID=task_id,
        TITLE=str(fields["TITLE"]),
        RESPONSIBLE_ID=responsible,
        CREATED_BY=as_int(fields.get("CREATED_BY"), ctx.user_id),
        STATUS=2,
        CREATED_DATE=iso(ctx.now),
        CHANGED_DATE=iso(ctx.now),
        FILE_IDS=file_ids,
        ATTACHED=attached,
        t=ctx.now,
    )
    task.setdefault("PRIORITY", 1)
    task.setdefault("GROUP_ID", 0)
    state.tasks[task_id] = task
    return MethodResult({"task": _render(state, task, ["*", "UF_TASK_WEBDAV_FILES"])})


def task_get(state: State, params: Params, ctx: CallContext) -> MethodResult:
    task_id = as_int(pick(params, "taskId"))
    if task_id is None:
        raise RestError(
            "100", "CTaskItem All parameters in the constructor must have real class type"
        )
    task = state.tasks.get(task_id)
    if task is None:
        raise _core("Task not found or access denied")
    return MethodResult({"task": _render(state, task, as_list(pick(params, "select")))})


def task_list(state: State, params: Params, ctx: CallContext) -> MethodResult:
    found = select(list(state.tasks.values()), pick(params, "filter"))
    ordered = order_by(found, pick(params, "order") or {"ID": "desc"}, "ID")
    page = paginate(ordered, pick(params, "start"))
    fields = as_list(pick(params, "select"))
    page.result = {"tasks": [_render(state, task, fields) for task in page.result]}
    return page


METHODS = {
    "tasks.task.add": task_add,
    "tasks.task.get": task_get,
    "tasks.task.list": task_list,
}

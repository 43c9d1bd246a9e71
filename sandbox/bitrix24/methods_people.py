"""user.get, user.current, profile, department.get and im.notify.system.add."""

from __future__ import annotations

import copy
from typing import Any

from .filters import order_by, select
from .params import Params, as_int, pick
from .protocol import MethodResult, RestError, paginate
from .state import CallContext, State

_USER_CONTROL = {
    "sort",
    "order",
    "start",
    "admin_mode",
    "select",
    "image_resize",
    "filter",
    "auth",
}
_DEPT_FILTERS = {"id", "name", "sort", "parent", "uf_head"}


def _user_filter(params: Params) -> dict[str, Any]:
    nested = pick(params, "FILTER")
    flt: dict[str, Any] = dict(nested) if isinstance(nested, dict) else {}
    flt.update({key: value for key, value in params.items() if key.lower() not in _USER_CONTROL})
    return flt


def _sorted(records: list[dict[str, Any]], params: Params) -> list[dict[str, Any]]:
    field = pick(params, "sort")
    direction = pick(params, "order")
    if isinstance(direction, dict):
        return order_by(records, direction, "ID")
    spec = {str(field): str(direction or "ASC")} if field else {"ID": str(direction or "ASC")}
    return order_by(records, spec, "ID")


def user_get(state: State, params: Params, ctx: CallContext) -> MethodResult:
    users = select(list(state.users.values()), _user_filter(params))
    page = paginate(_sorted(users, params), pick(params, "start"))
    page.result = copy.deepcopy(page.result)
    return page


def user_current(state: State, params: Params, ctx: CallContext) -> MethodResult:
    user = state.users.get(ctx.user_id)
    if user is None:
        raise RestError("NO_AUTH_FOUND", "Wrong authorization data", 401)
    return MethodResult(copy.deepcopy(user))


def profile(state: State, params: Params, ctx: CallContext) -> MethodResult:
    user = state.users.get(ctx.user_id, {})
    return MethodResult(
        {
            "ID": str(ctx.user_id),
            "ADMIN": True,
            "NAME": user.get("NAME", ""),
            "LAST_NAME": user.get("LAST_NAME", ""),
            "PERSONAL_GENDER": "",
            "TIME_ZONE": "",
        }
    )


def department_get(state: State, params: Params, ctx: CallContext) -> MethodResult:
    flt = {key: value for key, value in params.items() if key.lower() in _DEPT_FILTERS}
    departments = select(list(state.departments.values()), flt)
    page = paginate(_sorted(departments, params), pick(params, "start"))
    page.result = copy.deepcopy(page.result)
    return page


def notify_system_add(state: State, params: Params, ctx: CallContext) -> MethodResult:
    user_id = as_int(pick(params, "USER_ID"), 0) or 0
    if user_id <= 0:
        raise RestError("USER_ID_EMPTY", "User ID can't be empty")
    message = str(pick(params, "MESSAGE") or "").strip()
    if not message:
        raise RestError("MESSAGE_EMPTY", "Message can't be empty")
    notification_id = state.next_id("notification", 1001)
    state.notifications.append(
        {
            "id": notification_id,
            "USER_ID": user_id,
            "MESSAGE": message,
            "MESSAGE_OUT": pick(params, "MESSAGE_OUT"),
            "TAG": pick(params, "TAG"),
            "SUB_TAG": pick(params, "SUB_TAG"),
            "FROM_USER_ID": ctx.user_id,
            "t": ctx.now,
        }
    )
    return MethodResult(notification_id)


METHODS = {
    "user.get": user_get,
    "user.current": user_current,
    "profile": profile,
    "department.get": department_get,
    "im.notify.system.add": notify_system_add,
}

"""Disk: storages, folders and files (disk.storage.*, disk.folder.*, disk.file.get).

Objects live in one id space, as in Bitrix24. Answers follow the documented quirks: freshly
created objects carry integer ``ID``/``FILE_ID``, objects read back carry strings.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from .filters import select
from .params import Params, as_bool, as_int, pick
from .protocol import MethodResult, RestError, iso, paginate
from .state import CallContext, Record, State


def _not_found(object_id: Any) -> RestError:
    return RestError("ERROR_NOT_FOUND", f"Could not find entity with id `{object_id}`")


def _object_id(params: Params) -> int:
    object_id = as_int(pick(params, "id"))
    if object_id is None:
        raise RestError("ERROR_ARGUMENT", "Invalid value of parameter {Parameter #0}")
    return object_id


def _get(state: State, object_id: int, kind: str) -> Record:
    obj = state.disk.get(object_id)
    if obj is None or obj["TYPE"] != kind:
        raise _not_found(object_id)
    return obj


def render(obj: Record, ctx: CallContext, fresh: bool = False) -> Record:
    """An object as Disk answers it (``fresh``: as returned by add/upload)."""
    text = (lambda v: v) if fresh else (lambda v: None if v is None else str(v))
    out: Record = {
        "ID": text(obj["ID"]),
        "NAME": obj["NAME"],
        "CODE": None,
        "STORAGE_ID": str(obj["STORAGE_ID"]),
        "TYPE": obj["TYPE"],
        "PARENT_ID": None if obj["PARENT_ID"] is None else str(obj["PARENT_ID"]),
        "DELETED_TYPE": text(0),
        "CREATE_TIME": iso(obj["CREATE_TIME"]),
        "UPDATE_TIME": iso(obj["UPDATE_TIME"]),
        "DELETE_TIME": None,
        "CREATED_BY": str(obj["CREATED_BY"]),
        "UPDATED_BY": str(obj["CREATED_BY"]),
        "DELETED_BY": None if fresh else "0",
    }
    if obj["TYPE"] == "folder":
        out["REAL_OBJECT_ID"] = text(obj["ID"])
        out["DETAIL_URL"] = f"{ctx.base_url}/docs/path/{obj['NAME']}"
    else:
        out.update(
            GLOBAL_CONTENT_VERSION=text(1),
            FILE_ID=text(obj["FILE_ID"]),
            SIZE=str(len(obj["CONTENT"])),
            DOWNLOAD_URL=f"{ctx.base_url}/sandbox/disk/download/{obj['ID']}",
            DETAIL_URL=f"{ctx.base_url}/docs/file/{obj['NAME']}",
        )
    return out


def _children(state: State, folder_id: int) -> list[Record]:
    return [obj for obj in state.disk.values() if obj["PARENT_ID"] == folder_id]


def _name(params: Params) -> str:
    data = pick(params, "data")
    return str(data.get("NAME") or "").strip() if isinstance(data, dict) else ""


def _unique(state: State, folder_id: int, name: str) -> str:
    taken = {obj["NAME"] for obj in _children(state, folder_id)}
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    number = 1
    while name in taken:
        name = f"{stem} ({number}){dot}{ext}"
        number += 1
    return name


def _decode(content: Any) -> bytes:
    encoded = content[1] if isinstance(content, list) and len(content) > 1 else content
    try:
        return base64.b64decode(str(encoded), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise RestError("ERROR_COULD_NOT_SAVE_FILE", "Could not save file") from exc


def _new_object(state: State, parent: Record, name: str, ctx: CallContext) -> Record:
    object_id = state.next_id("disk")
    return {
        "ID": object_id,
        "NAME": name,
        "STORAGE_ID": parent["STORAGE_ID"],
        "PARENT_ID": parent["ID"],
        "CREATED_BY": ctx.user_id,
        "CREATE_TIME": ctx.now,
        "UPDATE_TIME": ctx.now,
    }


def _upload(state: State, folder: Record, params: Params, ctx: CallContext) -> MethodResult:
    name = _name(params)
    if not name:
        raise RestError("DISK_BASE_SERVICE_22001", "Error: required parameter NAME")
    content = pick(params, "fileContent")
    if content is None:
        raise RestError("ERROR_ARGUMENT", "The emulator needs fileContent (no upload URL flow)")
    data = _decode(content)
    if as_bool(pick(params, "generateUniqueName") or False):
        name = _unique(state, folder["ID"], name)
    elif any(obj["NAME"] == name for obj in _children(state, folder["ID"])):
        raise RestError("DISK_OBJ_22000", "A file with this name already exists")
    obj = _new_object(state, folder, name, ctx)
    obj.update(TYPE="file", CONTENT=data, FILE_ID=state.next_id("b_file", 30001))
    state.disk[obj["ID"]] = obj
    return MethodResult(render(obj, ctx, fresh=True))


def folder_upload(state: State, params: Params, ctx: CallContext) -> MethodResult:
    return _upload(state, _get(state, _object_id(params), "folder"), params, ctx)


def storage_upload(state: State, params: Params, ctx: CallContext) -> MethodResult:
    storage_id = _object_id(params)
    storage = state.storages.get(storage_id)
    if storage is None:
        raise _not_found(storage_id)
    root = state.disk[int(storage["ROOT_OBJECT_ID"])]
    return _upload(state, root, params, ctx)


def add_subfolder(state: State, params: Params, ctx: CallContext) -> MethodResult:
    parent = _get(state, _object_id(params), "folder")
    name = _name(params)
    if not name:
        raise RestError("ERROR_ARGUMENT", "Invalid value of parameter {Parameter #1}")
    if any(obj["NAME"] == name for obj in _children(state, parent["ID"])):
        raise RestError("DISK_OBJ_22000", "A folder with this name already exists")
    obj = _new_object(state, parent, name, ctx)
    obj["TYPE"] = "folder"
    state.disk[obj["ID"]] = obj
    return MethodResult(render(obj, ctx, fresh=True))


def storage_getlist(state: State, params: Params, ctx: CallContext) -> MethodResult:
    storages = select(list(state.storages.values()), pick(params, "filter"))
    return paginate(storages, pick(params, "start"))


def storage_children(state: State, params: Params, ctx: CallContext) -> MethodResult:
    storage_id = _object_id(params)
    storage = state.storages.get(storage_id)
    if storage is None:
        raise _not_found(storage_id)
    children = _children(state, int(storage["ROOT_OBJECT_ID"]))
    return paginate([render(obj, ctx) for obj in children], pick(params, "start"))


def folder_children(state: State, params: Params, ctx: CallContext) -> MethodResult:
    folder = _get(state, _object_id(params), "folder")
    children = [render(obj, ctx) for obj in _children(state, folder["ID"])]
    return paginate(select(children, pick(params, "filter")), pick(params, "start"))


def folder_get(state: State, params: Params, ctx: CallContext) -> MethodResult:
    return MethodResult(render(_get(state, _object_id(params), "folder"), ctx))


def file_get(state: State, params: Params, ctx: CallContext) -> MethodResult:
    return MethodResult(render(_get(state, _object_id(params), "file"), ctx))


UPLOAD_METHODS = {"disk.folder.uploadfile", "disk.storage.uploadfile"}

METHODS = {
    "disk.storage.getlist": storage_getlist,
    "disk.storage.getchildren": storage_children,
    "disk.storage.uploadfile": storage_upload,
    "disk.folder.get": folder_get,
    "disk.folder.getchildren": folder_children,
    "disk.folder.addsubfolder": add_subfolder,
    "disk.folder.uploadfile": folder_upload,
    "disk.file.get": file_get,
}

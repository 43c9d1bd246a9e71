"""In-memory portal state of the emulator.

Invariants: ids are positive and never reused within one state; every record is a plain
JSON-able dict; ``calls`` is append-only (one entry per HTTP request to ``/rest``).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

Record = dict[str, Any]


@dataclass
class CallContext:
    """Who calls and how to build absolute URLs in answers."""

    user_id: int
    base_url: str
    now: float


@dataclass
class State:
    """Users, departments, CRM items, comments, tasks, Disk, notifications and the call log."""

    users: dict[int, Record] = field(default_factory=dict)
    departments: dict[int, Record] = field(default_factory=dict)
    items: dict[int, Record] = field(default_factory=dict)
    item_history: list[Record] = field(default_factory=list)
    comments: list[Record] = field(default_factory=list)
    tasks: dict[int, Record] = field(default_factory=dict)
    storages: dict[int, Record] = field(default_factory=dict)
    disk: dict[int, Record] = field(default_factory=dict)
    attachments: dict[int, int] = field(default_factory=dict)
    notifications: list[Record] = field(default_factory=list)
    calls: list[Record] = field(default_factory=list)
    _ids: dict[str, itertools.count[int]] = field(default_factory=dict)

    def next_id(self, kind: str, first: int = 1) -> int:
        counter = self._ids.setdefault(kind, itertools.count(first))
        return next(counter)

    @staticmethod
    def clock() -> float:
        return time.time()


def new_state(admin_id: int) -> State:
    """A portal with the webhook's own user and the Disk storages it can see."""
    state = State()
    state.users[admin_id] = {
        "ID": str(admin_id),
        "ACTIVE": True,
        "NAME": "Admin",
        "LAST_NAME": "Sandbox",
        "SECOND_NAME": "",
        "EMAIL": "admin@sandbox.local",
        "PERSONAL_MOBILE": "",
        "WORK_PHONE": "",
        "WORK_POSITION": "",
        "UF_DEPARTMENT": [1],
        "USER_TYPE": "employee",
    }
    state.departments[1] = {"ID": "1", "NAME": "Sandbox", "SORT": 500, "UF_HEAD": str(admin_id)}
    _add_storage(state, admin_id, "Shared drive", "common", "shared_files_s1")
    _add_storage(state, admin_id, "Admin Sandbox", "user", str(admin_id))
    return state


def _add_storage(state: State, owner: int, name: str, entity_type: str, entity_id: str) -> None:
    storage_id = state.next_id("storage")
    root_id = state.next_id("disk")
    now = State.clock()
    state.storages[storage_id] = {
        "ID": str(storage_id),
        "NAME": name,
        "CODE": None,
        "MODULE_ID": "disk",
        "ENTITY_TYPE": entity_type,
        "ENTITY_ID": entity_id,
        "ROOT_OBJECT_ID": str(root_id),
    }
    state.disk[root_id] = {
        "ID": root_id,
        "NAME": name,
        "TYPE": "folder",
        "STORAGE_ID": storage_id,
        "PARENT_ID": None,
        "CREATED_BY": owner,
        "CREATE_TIME": now,
        "UPDATE_TIME": now,
    }

"""The memo dialog's data as kept in the FSM storage (plain JSON, so it survives restarts
in SQL or Redis): what the author chose so far, with Telegram file ids for new files and
stored ids for files a returned memo already has."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from aiogram.fsm.context import FSMContext

from services.memos.ports import KeptAttachment, MemoDraft, NewAttachment

DATA_KEY = "memo"
STEPS = ("title", "text", "files", "executor", "route", "preview")
"""The dialog's steps in order; «Назад» goes one step left."""


@dataclass
class DraftFile:
    """A file of the draft: a Telegram ``file_id`` (new) or a stored ``stored_id``."""

    name: str
    size: int
    mime: str
    file_id: str | None = None
    stored_id: int | None = None


@dataclass
class DraftData:
    """Everything the dialog has gathered. ``revise`` is the memo being edited after a
    return (``round``: its round then); ``found`` the last name search (person id ->
    [code, name]); ``previewed`` once the preview was shown, after which every edit
    comes back to it."""

    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    revise: int | None = None
    round: int = 0
    title: str | None = None
    text: str | None = None
    files: list[DraftFile] = field(default_factory=list)
    executor: str | None = None
    executor_name: str | None = None
    approvers: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    gd: bool = False
    route_ready: bool = False
    previewed: bool = False
    found: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: dict[str, Any] | None) -> DraftData:
        if not raw:
            return cls()
        values = dict(raw)
        values["files"] = [DraftFile(**f) for f in values.get("files", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})

    def dump(self) -> dict[str, Any]:
        return asdict(self)

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def draft(self, downloaded: dict[str, bytes]) -> MemoDraft:
        """The use cases' draft; ``downloaded`` maps Telegram file ids to their bytes."""
        files: list[NewAttachment | KeptAttachment] = []
        for f in self.files:
            if f.stored_id is not None:
                files.append(KeptAttachment(f.stored_id))
            elif f.file_id is not None:
                files.append(NewAttachment(f.name, f.mime, downloaded[f.file_id], f.file_id))
        return MemoDraft(self.title or "", self.text or "", self.executor or "",
                         tuple(self.approvers), self.gd, tuple(files))  # fmt: skip


async def load(state: FSMContext) -> DraftData:
    return DraftData.parse((await state.get_data()).get(DATA_KEY))


async def store(state: FSMContext, data: DraftData) -> None:
    await state.update_data({DATA_KEY: data.dump()})


_LOCKS: dict[int, tuple[asyncio.Lock, int]] = {}


@asynccontextmanager
async def one_at_a_time(user_id: int) -> AsyncIterator[None]:
    """Serialise one user's changes to the draft: an album arrives as several updates that
    the dispatcher handles at once, and each appends to the same stored list. Process-
    local on purpose (a user's updates reach one instance in polling mode); the entry is
    dropped when nobody holds or waits for it."""
    lock, users = _LOCKS.get(user_id, (asyncio.Lock(), 0))
    _LOCKS[user_id] = (lock, users + 1)
    try:
        async with lock:
            yield
    finally:
        lock, users = _LOCKS[user_id]
        if users == 1:
            del _LOCKS[user_id]
        else:
            _LOCKS[user_id] = (lock, users - 1)

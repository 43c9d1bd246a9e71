"""Reading the memo PDF back in tests, and watching for network and file access."""

from __future__ import annotations

import io
import os
import re
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from formats.memo_pdf import DocumentAttachment, DocumentStep, MemoDocument

HASH = "0123456789abcdef" * 4
EKB = ZoneInfo("Asia/Yekaterinburg")


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, whitespace collapsed to single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages(pdf))


def font_names(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names: set[str] = set()
    for page in reader.pages:
        fonts: Any = page["/Resources"]["/Font"]  # type: ignore[index]  # pypdf is untyped here
        names.update(str(fonts[key].get_object()["/BaseFont"]) for key in fonts)
    return names


def positions_in_order(text: str, needles: list[str]) -> list[int]:
    """Where each needle is found, each searched after the previous one (-1: not found)."""
    found, start = [], 0
    for needle in needles:
        at = text.find(needle, start)
        found.append(at)
        start = at + len(needle) if at >= 0 else start
    return found


def document(
    *, title: str = "Оплата стенда", text: str = "Прошу оплатить.", steps: int = 3
) -> MemoDocument:
    return MemoDocument(
        number="СЗ-2026-000123",
        author="Егоров Константин Львович",
        author_role="Сотрудник",
        created_at=datetime(2026, 11, 30, 7, 0, tzinfo=UTC).astimezone(EKB),
        title=title,
        text=text,
        executor="Смирнова Мария Алексеевна",
        executor_role="Бухгалтер",
        audit_hash=HASH,
        status="Согласована",
        attachments=(DocumentAttachment("счёт.pdf", 123_456, "cd" * 32),),
        steps=tuple(
            DocumentStep(
                round=1 + n // 10,
                position=1 + n % 10,
                approver=f"Согласующий{n:02d}",
                role="Директор департамента",
                decision="Согласовано",
                decided_at=datetime(2026, 11, 30, 8, n % 60, tzinfo=UTC).astimezone(EKB),
                comment=f"Комментарий{n:02d}",
            )
            for n in range(steps)
        ),
    )


@dataclass
class Watch:
    """What happened while watching: TCP connects attempted and files opened."""

    connects: list[object] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)


_WATCHES: list[Watch] = []
_HOOKED = False


def _hook(event: str, args: tuple[object, ...]) -> None:
    if not _WATCHES:
        return
    if event == "socket.connect":
        _WATCHES[-1].connects.append(args[1])
    elif event == "open" and isinstance(args[0], str | os.PathLike):
        _WATCHES[-1].opened.append(os.fsdecode(args[0]))


@contextmanager
def watching() -> Iterator[Watch]:
    """Record every socket connect and file open in this process (a Python audit hook)."""
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_hook)
        _HOOKED = True
    watch = Watch()
    _WATCHES.append(watch)
    try:
        yield watch
    finally:
        _WATCHES.remove(watch)


class Listener:
    """A TCP server on 127.0.0.1 (ephemeral port) that counts connections."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()

"""Files held by the emulator: documents and photos sent by users or bots.

A file is stored once and gets a `file_id` (to re-send it or to call getFile), a
`file_unique_id` and a `file_path` (the download path under /file/bot<token>/). The
emulator keeps one store for all bots, so any bot may use any file_id.
"""

from __future__ import annotations

import itertools
import mimetypes
import secrets
import struct
from dataclasses import dataclass
from typing import Literal

FileKind = Literal["document", "photo"]
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files, like Telegram
_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8", "image/jpeg"),
    (b"GIF8", "image/gif"),
)


@dataclass(frozen=True)
class StoredFile:
    """Immutable file content with its Telegram identifiers."""

    file_id: str
    file_unique_id: str
    file_path: str
    kind: FileKind
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    @property
    def size(self) -> int:
        return len(self.data)


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._numbers = itertools.count(1)

    def put(
        self, data: bytes, kind: FileKind, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        number = next(self._numbers)
        width, height = image_size(data) or (0, 0)
        mime_type = image_mime_type(data) if kind == "photo" else mime_type
        stored = StoredFile(
            file_id=f"{'BQ' if kind == 'document' else 'AgAC'}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AQAD{secrets.token_urlsafe(8)}",
            file_path=_file_path(kind, number, file_name),
            kind=kind,
            data=data,
            file_name=file_name if kind == "document" else None,
            mime_type=_mime_type(kind, file_name, mime_type),
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def by_id(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def clear(self) -> None:
        self._by_id.clear()
        self._by_path.clear()


def _file_path(kind: FileKind, number: int, file_name: str | None) -> str:
    if kind == "photo":
        return f"photos/file_{number}.jpg"
    suffix = ""
    if file_name and "." in file_name:
        suffix = "." + file_name.rsplit(".", 1)[1][:10]
    return f"documents/file_{number}{suffix}"


def _mime_type(kind: FileKind, file_name: str | None, declared: str | None) -> str | None:
    if kind == "photo":
        return declared
    if declared and declared != "application/octet-stream":
        return declared
    guessed = mimetypes.guess_type(file_name or "")[0]
    return guessed or declared or "application/octet-stream"


def image_mime_type(data: bytes) -> str | None:
    """The image type of `data` by its signature (photos are served with it)."""
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return next((mime for head, mime in _IMAGE_SIGNATURES if data.startswith(head)), None)


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG (WEBP: 0x0); None if `data` is no image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in {b"GIF87a", b"GIF89a"} and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return 0, 0
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in {0xC4, 0xC8, 0xCC}:
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return (0, 0) if len(data) > 2 else None

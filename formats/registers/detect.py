"""Which reader a file needs, decided by its content; the name only sharpens the message.

A CSV named .xlsx is read as CSV; a PDF named .csv is refused as a PDF. Old binary Excel
(.xls, an OLE2 compound file) is refused with advice, and an OLE2 file holding an
`EncryptedPackage` stream is how Excel stores a password-protected .xlsx.
"""

from __future__ import annotations

from enum import Enum

from formats.registers.errors import RegisterFileError
from formats.registers.onec import SIGNATURE as ONEC_SIGNATURE
from formats.registers.zip_guard import PROTECTED

EMPTY = "Файл пустой — в нём нет ни одной строки."
_ACCEPTED = "Пришлите реестр в .xlsx, .csv или выгрузкой из 1С (.txt)."
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "Это PDF-документ"),
    (b"\x89PNG", "Это изображение"),
    (b"\xff\xd8\xff", "Это изображение"),
    (b"GIF8", "Это изображение"),
    (b"BM", "Это изображение"),
    (b"II*\x00", "Это изображение"),
    (b"MM\x00*", "Это изображение"),
    (b"Rar!", "Это архив RAR"),
    (b"7z\xbc\xaf", "Это архив 7z"),
    (b"\x1f\x8b", "Это сжатый архив"),
    (b"{\\rtf", "Это документ RTF"),
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_TEXT_BYTES = bytes(range(0x20, 0x100)) + b"\t\n\r\x0c"


class FileKind(Enum):
    XLSX = "xlsx"
    CSV = "csv"
    ONEC = "1c"


def detect_kind(filename: str, data: bytes) -> FileKind:
    """The reader for `data`, or RegisterFileError with a Russian explanation."""
    if not data.strip() or data in _BOMS:
        raise RegisterFileError(EMPTY)
    if data.startswith(_ZIP):
        return FileKind.XLSX
    if data.startswith(_OLE2):
        raise RegisterFileError(_ole2_message(data))
    for magic, what in _MAGIC:
        if data.startswith(magic) and not (magic == b"BM" and _looks_textual(data)):
            raise RegisterFileError(f"{what}, а не реестр. {_ACCEPTED}")
    if data[4:12] in (b"ftypheic", b"ftypmif1") or data[8:12] == b"WEBP":
        raise RegisterFileError(f"Это изображение, а не реестр. {_ACCEPTED}")
    return _text_kind(filename, data)


def _text_kind(filename: str, data: bytes) -> FileKind:
    body = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if body.startswith(ONEC_SIGNATURE):
        return FileKind.ONEC
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return FileKind.CSV
    if not _looks_textual(data):
        hint = " (файл повреждён?)" if filename.lower().endswith((".xlsx", ".xlsm")) else ""
        raise RegisterFileError(f"Файл не похож на реестр{hint}. {_ACCEPTED}")
    head = body[:512].lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<table" in head:
        raise RegisterFileError(
            f"Это веб-страница (HTML), а не таблица Excel — откройте её в Excel и сохраните "
            f"как .xlsx. {_ACCEPTED}"
        )
    if head.startswith(b"<?xml"):
        raise RegisterFileError(
            "Формат «XML-таблица Excel 2003» не поддерживается — сохраните файл как .xlsx."
        )
    return FileKind.CSV


def _looks_textual(data: bytes) -> bool:
    """No NUL bytes and few control characters in the first 8 KB."""
    sample = data[:8192]
    if b"\x00" in sample:
        return False
    controls = sample.translate(None, _TEXT_BYTES)
    return len(controls) <= len(sample) // 100


def _ole2_message(data: bytes) -> str:
    if "EncryptedPackage".encode("utf-16-le") in data:
        return PROTECTED
    if "WordDocument".encode("utf-16-le") in data:
        return f"Это документ Word, а не реестр. {_ACCEPTED}"
    return (
        "Старый формат Excel (.xls) не поддерживается — откройте файл в Excel и сохраните "
        "его как «Книга Excel (.xlsx)»."
    )

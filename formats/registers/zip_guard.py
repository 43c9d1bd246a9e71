"""The .xlsx package checked with the standard library before the spreadsheet library reads it.

Every entry is inflated here, bounded by its declared size, and must end exactly there: a
zip bomb (or a lying header) is refused before python-calamine, whose own
reader inflates a lying entry to the end. We also map sheet names to their XML parts.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from formats.registers.errors import RegisterFileError
from formats.registers.limits import ReadLimits

CORRUPT = "Файл .xlsx повреждён — откройте его в Excel, сохраните заново и пришлите ещё раз."
PROTECTED = "Файл защищён паролем — снимите пароль в Excel и пришлите файл ещё раз."
BOMB = "Файл .xlsx распаковывается в слишком большой объём — так реестры не выглядят."
_LARGE_ENTRY = 1024 * 1024
_XML_PART_CAP = 4 * 1024 * 1024
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True, slots=True)
class XlsxPackage:
    """Verified entries of an .xlsx: `sheet_parts` maps sheet names to worksheet XML bytes."""

    sheet_parts: dict[str, bytes]


def open_package(data: bytes, limits: ReadLimits) -> XlsxPackage:
    """Check sizes, ratios and CRCs of every entry; raise RegisterFileError on anything odd."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception as error:  # any failure of the stdlib parser on untrusted bytes
        raise RegisterFileError(CORRUPT) from error
    names = _check_entries(infos, limits)
    if "xl/workbook.xml" not in names:
        raise RegisterFileError(_not_a_workbook(names))
    parts = {info.filename: _inflate(data, info) for info in infos}
    workbook = parts["xl/workbook.xml"]
    rels = parts.get("xl/_rels/workbook.xml.rels", b"")
    sheets = _sheet_targets(workbook, rels)
    return XlsxPackage({name: parts.get(target, b"") for name, target in sheets.items()})


def _check_entries(infos: list[zipfile.ZipInfo], limits: ReadLimits) -> set[str]:
    if len(infos) > limits.max_zip_entries:
        raise RegisterFileError(BOMB)
    names = {info.filename for info in infos}
    if len(names) != len(infos):
        raise RegisterFileError(CORRUPT)
    if any(info.flag_bits & 0x1 for info in infos):
        raise RegisterFileError(PROTECTED)
    if sum(info.file_size for info in infos) > limits.max_uncompressed_bytes:
        raise RegisterFileError(BOMB)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _LARGE_ENTRY and ratio > limits.max_compression_ratio:
            raise RegisterFileError(BOMB)
    return names


def _inflate(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The entry's bytes; its stream must hold exactly the declared size and CRC."""
    offset = info.header_offset
    if data[offset : offset + 4] != b"PK\x03\x04" or len(data) < offset + 30:
        raise RegisterFileError(CORRUPT)
    name_len, extra_len = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_len + extra_len
    packed = memoryview(data)[start : start + info.compress_size]
    if len(packed) != info.compress_size:
        raise RegisterFileError(CORRUPT)
    if info.compress_type == zipfile.ZIP_STORED:
        out = bytes(packed)
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        out = _deflated(packed, info.file_size)
    else:
        raise RegisterFileError(CORRUPT)
    if len(out) != info.file_size:
        raise RegisterFileError(CORRUPT)  # (CRCs are left to calamine's reader)
    return out


def _deflated(packed: memoryview, size: int) -> bytes:
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(packed, size + 1)
    except zlib.error as error:
        raise RegisterFileError(CORRUPT) from error
    if not inflater.eof:
        # Either truncated, or more data than declared: a lying header.
        raise RegisterFileError(BOMB if len(out) > size else CORRUPT)
    return out


def _not_a_workbook(names: set[str]) -> str:
    if "xl/workbook.bin" in names:
        return "Формат .xlsb не поддерживается — сохраните файл как «Книга Excel (.xlsx)»."
    if any(name.startswith("word/") for name in names):
        return "Это документ Word, а нужен реестр: .xlsx, .csv или выгрузка из 1С."
    if "content.xml" in names or "mimetype" in names:
        return "Формат OpenDocument (.ods) не поддерживается — сохраните таблицу как .xlsx."
    if any(name.startswith("ppt/") for name in names):
        return "Это презентация, а нужен реестр: .xlsx, .csv или выгрузка из 1С."
    return "Это архив, а не таблица Excel. Пришлите реестр в .xlsx, .csv или выгрузкой из 1С."


def _sheet_targets(workbook: bytes, rels: bytes) -> dict[str, str]:
    """Sheet name -> zip path of its XML, from xl/workbook.xml and its relationships."""
    targets = {rel.get("Id", ""): rel.get("Target", "") for rel in _elements(rels, "Relationship")}
    sheets: dict[str, str] = {}
    for sheet in _elements(workbook, "sheet"):
        target = targets.get(sheet.get(_REL_ID, ""), "")
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join("xl", target))
        sheets[sheet.get("name", "")] = path
    if not sheets:
        raise RegisterFileError(CORRUPT)
    return sheets


def _elements(xml: bytes, local_name: str) -> list[ElementTree.Element]:
    if not xml or len(xml) > _XML_PART_CAP:
        raise RegisterFileError(CORRUPT)
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:
        raise RegisterFileError(CORRUPT) from error
    return [el for el in root.iter() if el.tag.rpartition("}")[2] == local_name]

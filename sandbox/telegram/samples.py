"""Sample file contents for tests and the sandbox page."""

from __future__ import annotations

import struct
import zlib


def sample_png(
    width: int = 2, height: int = 2, rgb: tuple[int, int, int] = (40, 120, 200)
) -> bytes:
    """A valid PNG of one colour, small enough to inline anywhere."""
    row = b"\x00" + bytes(rgb) * width
    pixels = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

"""Small HTTP helpers shared by the Bot API and control API routes."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from sandbox.telegram.files import StoredFile


def file_response(stored: StoredFile, as_attachment: bool = False) -> web.Response:
    """The file's bytes with its content type (and file name when `as_attachment`)."""
    default = "image/jpeg" if stored.kind == "photo" else "application/octet-stream"
    headers = {"Content-Type": stored.mime_type or default}
    if as_attachment:
        name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return web.Response(body=stored.data, headers=headers)

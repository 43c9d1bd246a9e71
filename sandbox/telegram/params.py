"""Parameters of a Bot API call, however they came: query string, urlencoded or multipart
form (aiogram's way: every value a string, nested objects as JSON strings, files as parts
referenced by "attach://<name>"), or a JSON body (typed values).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web

from sandbox.telegram.errors import ApiError, bad_request, entity_too_large

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_ATTACH = "attach://"


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Typed access to call parameters; conversions fail with Telegram-like 400 errors."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.uploads = uploads or {}

    def get_str(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError) as error:
            raise bad_request(f"invalid {name} specified") from error

    def get_bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1", "yes"}
        return value is True or value == 1

    def get_json(self, name: str) -> Any:
        """A nested object or array: decoded from its JSON string, or as given in JSON."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if not value:
            return None
        try:
            return json.loads(value)
        except ValueError as error:
            raise bad_request(f"can't parse {name} JSON object") from error

    def get_file(self, name: str) -> Upload | str | None:
        """An uploaded file, or the string given instead (a file_id or a URL)."""
        if name in self.uploads:
            return self.uploads[name]
        value = self.get_str(name)
        if value is not None and value.startswith(_ATTACH):
            upload = self.uploads.get(value.removeprefix(_ATTACH))
            if upload is None:
                raise bad_request(f"wrong remote file identifier specified: {value}")
            return upload
        return value

    def loggable(self) -> dict[str, Any]:
        """The parameters for the call log: JSON strings decoded, files summarized."""
        logged: dict[str, Any] = {}
        for name, value in self.values.items():
            logged[name] = _decoded(value)
        for name, upload in self.uploads.items():
            logged[name] = {"upload": upload.filename, "size": len(upload.data)}
        return logged


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in {"{", "["}:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def read_params(request: web.Request) -> Params:
    """Collect the parameters of a Bot API request; raises `ApiError` for broken bodies."""
    values: dict[str, Any] = dict(request.query)
    content_type = request.content_type
    try:
        if content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise bad_request("parameters must be a JSON object")
            values.update(body)
            return Params(values)
        if content_type == "multipart/form-data":
            return await read_multipart(await request.multipart(), values)
        if request.can_read_body:
            values.update({key: str(value) for key, value in (await request.post()).items()})
    except ApiError:
        raise
    except ValueError as error:
        raise bad_request("can't parse request body") from error
    return Params(values)


async def read_multipart(reader: MultipartReader, values: dict[str, Any]) -> Params:
    """Parameters from a multipart body: parts with a file name are uploads."""
    uploads: dict[str, Upload] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        data = await part.read(decode=False)
        if part.filename is None:
            values[part.name] = data.decode(part.get_charset("utf-8"))
            continue
        if len(data) > MAX_UPLOAD_BYTES:
            raise entity_too_large()
        content_type = part.headers.get("Content-Type")
        uploads[part.name] = Upload(part.filename, content_type, bytes(data))
    return Params(values, uploads)

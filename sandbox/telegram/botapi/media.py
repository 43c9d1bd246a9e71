"""sendDocument, sendPhoto (upload or re-send by file_id) and getFile."""

from __future__ import annotations

from sandbox.telegram.botapi.context import CallContext, MethodSpec, check_access, target_chat
from sandbox.telegram.botapi.messages import read_text
from sandbox.telegram.conversation import post_bot_message
from sandbox.telegram.errors import bad_request
from sandbox.telegram.files import MAX_DOWNLOAD_BYTES, FileKind, StoredFile, image_size
from sandbox.telegram.formatting import check_caption
from sandbox.telegram.markup import parse_markup
from sandbox.telegram.params import Upload
from sandbox.telegram.serialize import file_to_api, message_to_api


def input_file(ctx: CallContext, kind: FileKind) -> StoredFile:
    """The file of parameter `kind`: a new upload, or a known file_id of the same kind."""
    value = ctx.params.get_file(kind)
    if value is None or value == "":
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, Upload):
        return _stored_upload(ctx, value, kind)
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = ctx.emulator.files.by_id(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


def _stored_upload(ctx: CallContext, upload: Upload, kind: FileKind) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    if kind == "photo" and image_size(upload.data) is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    return ctx.emulator.files.put(upload.data, kind, upload.filename, upload.content_type)


async def _send_file(ctx: CallContext, kind: FileKind) -> object:
    user, chat = target_chat(ctx)
    caption = read_text(ctx, "caption", "caption_entities")
    check_caption(caption)
    markup = parse_markup(ctx.params.get_json("reply_markup"))
    stored = input_file(ctx, kind)
    check_access(chat)
    content = {kind: stored, "caption": caption if caption.plain else None}
    message = post_bot_message(ctx.emulator, ctx.bot, chat, markup, **content)
    return message_to_api(ctx.bot, user, message)


async def send_document(ctx: CallContext) -> object:
    return await _send_file(ctx, "document")


async def send_photo(ctx: CallContext) -> object:
    return await _send_file(ctx, "photo")


async def get_file(ctx: CallContext) -> object:
    file_id = ctx.params.get_str("file_id")
    stored = ctx.emulator.files.by_id(file_id) if file_id else None
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > MAX_DOWNLOAD_BYTES:
        raise bad_request("file is too big")
    return file_to_api(stored)


METHODS = {
    "senddocument": MethodSpec(send_document, sends=True),
    "sendphoto": MethodSpec(send_photo, sends=True),
    "getfile": MethodSpec(get_file),
}

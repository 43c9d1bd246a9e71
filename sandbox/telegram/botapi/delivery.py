"""getUpdates, setWebhook, deleteWebhook, getWebhookInfo."""

from __future__ import annotations

import re
from typing import Any

from sandbox.telegram.botapi.context import CallContext, Described, MethodSpec
from sandbox.telegram.errors import bad_request, conflict
from sandbox.telegram.model import WebhookConfig

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


async def get_updates(ctx: CallContext) -> object:
    if ctx.bot.webhook is not None:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    params = ctx.params
    timeout = float(params.get_int("timeout") or 0)
    return await ctx.bot.updates.poll(params.get_int("offset"), params.get_int("limit"), timeout)


async def set_webhook(ctx: CallContext) -> object:
    params = ctx.params
    url = (params.get_str("url") or "").strip()
    if not url:
        return await delete_webhook(ctx)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get_str("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = params.get_json("allowed_updates")
    config = WebhookConfig(
        url=url,
        secret_token=secret,
        max_connections=params.get_int("max_connections") or 40,
        allowed_updates=allowed if isinstance(allowed, list) else None,
        ip_address=params.get_str("ip_address"),
    )
    if params.get_bool("drop_pending_updates"):
        ctx.bot.updates.clear()
    previous = ctx.bot.webhook
    if previous is not None and (previous.url, previous.secret_token) == (url, secret):
        return Described(True, "Webhook is already set")
    ctx.bot.webhook = config
    ctx.emulator.on_webhook_set(ctx.bot)
    return Described(True, "Webhook was set")


async def delete_webhook(ctx: CallContext) -> object:
    if ctx.params.get_bool("drop_pending_updates"):
        ctx.bot.updates.clear()
    if ctx.bot.webhook is None:
        return Described(True, "Webhook is already deleted")
    ctx.bot.webhook = None
    ctx.bot.updates.signal.notify()  # lets the delivery task see it and stop
    return Described(True, "Webhook was deleted")


async def get_webhook_info(ctx: CallContext) -> object:
    webhook = ctx.bot.webhook
    info: dict[str, Any] = {
        "url": webhook.url if webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": ctx.bot.updates.pending_count,
    }
    if webhook is None:
        return info
    info["max_connections"] = webhook.max_connections
    optional = {
        "ip_address": webhook.ip_address,
        "allowed_updates": webhook.allowed_updates,
        "last_error_date": webhook.last_error_date,
        "last_error_message": webhook.last_error_message,
    }
    info.update({key: value for key, value in optional.items() if value is not None})
    return info


METHODS = {
    "getupdates": MethodSpec(get_updates),
    "setwebhook": MethodSpec(set_webhook),
    "deletewebhook": MethodSpec(delete_webhook),
    "getwebhookinfo": MethodSpec(get_webhook_info),
}

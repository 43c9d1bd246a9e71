"""``b24.notify``: a system notification (``im.notify.system.add``) to a Bitrix24 user.

Payload (built by ``services.b24_ports.notice_message``): ``user_id``, ``message`` and an
optional ``tag``. Without one the tag is ``viza.<outbox id>``: Bitrix24 replaces a
notification carrying the same tag, so a notification sent again after an unanswered
request replaces itself on the portal instead of showing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.b24_ports import NOTIFY_KIND
from services.outbox_ports import OutboxMessage

from .delivery import Call, Done, Fail, Next, Step


class NotifyHandler:
    """One message, one ``im.notify.system.add``; the notification id is the remote id."""

    kind = NOTIFY_KIND

    def start(self, message: OutboxMessage) -> Step:
        payload = message.payload
        user_id = int(payload["user_id"])
        text = str(payload["message"]).strip()
        if user_id <= 0 or not text:
            return Fail("a notification needs a Bitrix24 user id and a text")
        params = {
            "USER_ID": user_id,
            "MESSAGE": text,
            "TAG": str(payload.get("tag") or f"viza.{message.id}"),
        }
        return Next((Call("im.notify.system.add", params),), _delivered)


def _delivered(results: Sequence[Any]) -> Step:
    return Done(str(results[0]) if results[0] is not None else None)


HANDLERS = (NotifyHandler(),)

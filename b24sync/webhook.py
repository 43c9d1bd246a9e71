"""The incoming-webhook address ``https://PORTAL/rest/USER_ID/SECRET/`` and secret masking.

Invariants: ``base`` ends with ``/rest/<user_id>/<secret>/``; ``str()``/``repr()`` never show
the secret, and :meth:`WebhookUrl.mask` removes it (plain or URL-encoded) from any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

_TAIL = re.compile(r"/rest/(\d+)/([^/]+)/?$")
MASK = "***"


@dataclass(frozen=True)
class WebhookUrl:
    """A parsed webhook URL. Build with :meth:`parse`."""

    base: str = field(repr=False)
    user_id: int
    secret: str = field(repr=False)

    @classmethod
    def parse(cls, url: str) -> WebhookUrl:
        parts = urlsplit(url.strip())
        match = _TAIL.search(parts.path)
        if parts.scheme not in {"http", "https"} or not parts.netloc or match is None:
            raise ValueError("expected a webhook URL like https://PORTAL/rest/USER_ID/SECRET/")
        path = parts.path[: match.start()] + f"/rest/{match.group(1)}/{match.group(2)}/"
        return cls(f"{parts.scheme}://{parts.netloc}{path}", int(match.group(1)), match.group(2))

    @property
    def scheme(self) -> str:
        return urlsplit(self.base).scheme

    def method_url(self, method: str) -> str:
        return self.base + method

    def mask(self, text: str) -> str:
        """``text`` with the secret replaced by ``***``."""
        for variant in {self.secret, quote(self.secret, safe="")}:
            text = text.replace(variant, MASK)
        return text

    @property
    def masked(self) -> str:
        return self.mask(self.base)

    def __str__(self) -> str:
        return self.masked

    def rebased(self, location: str) -> WebhookUrl | None:
        """The webhook at the base of ``location`` (a redirect target), if it keeps our
        user id and secret; ``None`` otherwise."""
        bare = urlsplit(location)._replace(query="", fragment="").geturl()
        try:
            moved = WebhookUrl.parse(bare.rsplit("/", 1)[0] + "/")
        except ValueError:
            return None
        if (moved.user_id, moved.secret) != (self.user_id, self.secret):
            return None
        return moved

"""Logging set-up: plain or JSON lines, with secrets masked wherever they would appear."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable

_BOT_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b")


class SecretMask(logging.Filter):
    """Replaces known secrets (and anything shaped like a bot token) in every record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s and len(s) >= 4]

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return _BOT_TOKEN.sub("***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.mask(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        document = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            document["exception"] = record.exc_text
        return json.dumps(document, ensure_ascii=False)


def setup_logging(level: str, *, json_lines: bool, secrets: Iterable[str]) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(SecretMask(secrets))
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Library chatter stays out of the operator's way unless asked for with DEBUG.
    quiet = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for name in ("alembic", "aiohttp.access", "aiogram.event", "apscheduler"):
        logging.getLogger(name).setLevel(quiet)

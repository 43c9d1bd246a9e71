"""The memo PDF: a `MemoDocument` -> HTML (Jinja2, autoescaped) -> PDF (weasyprint).

The text is set in the DejaVu fonts shipped in ``formats/fonts`` (loaded with @font-face,
so the PDF never depends on the fonts of the machine). Nothing a user types can make the
renderer reach the network or read a file: user text is escaped into plain text, and the
`LocalOnlyFetcher` serves only our own font and CSS files and refuses every other URL.

Rendering takes about a second of CPU for a few pages: call it from a worker thread or
process, never on the bot's event loop.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

if TYPE_CHECKING:
    from formats.pdf_engine import LocalOnlyFetcher

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
FONTS = HERE / "fonts"
BASE_URL = TEMPLATES.as_uri() + "/"
"""The base URL the memo HTML is rendered against (relative font URLs resolve here)."""

_SERVED_TYPES = {".ttf": "font/ttf", ".css": "text/css"}
_ALLOWED_FILES: frozenset[Path] = frozenset(
    path.resolve()
    for path in (TEMPLATES / "memo.css", FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf")
)
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
# C0 controls other than tab and newline (and DEL) are not text; they become U+FFFD.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class DocumentAttachment:
    """An attachment as the PDF lists it: file name, size in bytes, SHA-256 (hex)."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class DocumentStep:
    """One row of the approval table. ``approver`` is who acted (or, while pending, who
    is asked); ``on_behalf_of`` the absent approver a substitute acted for; ``decided_at``
    is timezone-aware in the zone the PDF shows it in (None while pending)."""

    round: int
    position: int
    approver: str
    role: str
    decision: str
    decided_at: datetime | None = None
    on_behalf_of: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class MemoDocument:
    """Everything the memo PDF shows, as plain display strings and aware datetimes.

    Invariants: ``created_at`` and every ``decided_at`` are timezone-aware; ``audit_hash``
    is 64 lowercase hex digits (the hash of the memo's last audit entry).
    """

    number: str
    author: str
    author_role: str
    created_at: datetime
    title: str
    text: str
    executor: str
    audit_hash: str
    executor_role: str = ""
    status: str = ""
    attachments: Sequence[DocumentAttachment] = field(default_factory=tuple)
    steps: Sequence[DocumentStep] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not _SHA256_RE.fullmatch(self.audit_hash):
            raise ValueError("audit_hash must be 64 lowercase hex digits")
        for moment in (self.created_at, *(s.decided_at for s in self.steps)):
            if moment is not None and moment.utcoffset() is None:
                raise ValueError("document datetimes must be timezone-aware")


def render_memo_html(doc: MemoDocument) -> str:
    """The memo as a complete HTML document (CSS inlined; fonts by URL from ``BASE_URL``)."""
    template = _environment().get_template("memo.html")
    return template.render(doc=doc, steps=_rounds(doc.steps))


def render_memo_pdf(doc: MemoDocument, *, fetcher: LocalOnlyFetcher | None = None) -> bytes:
    """The memo PDF. Pass ``fetcher`` to inspect what the renderer asked for."""
    from formats.pdf_engine import html_to_pdf

    return html_to_pdf(render_memo_html(doc), fetcher=fetcher)


def __getattr__(name: str) -> Any:
    # weasyprint takes most of a second to import: only the renderer (a worker process)
    # pays for it, not every command that merely formats a memo's figures.
    if name in ("LocalOnlyFetcher", "html_to_pdf"):
        from formats import pdf_engine

        return getattr(pdf_engine, name)
    raise AttributeError(name)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html",),
            disabled_extensions=("css",),  # our own stylesheet, inlined: no user data in it
            default_for_string=True,
            default=True,
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["plain"] = plain_text
    environment.filters["moment"] = format_moment
    environment.filters["size"] = format_size
    return environment


def _rounds(steps: Sequence[DocumentStep]) -> list[tuple[int, list[DocumentStep]]]:
    """The steps grouped by round, rounds and positions in order."""
    ordered = sorted(steps, key=lambda s: (s.round, s.position))
    grouped: dict[int, list[DocumentStep]] = {}
    for step in ordered:
        grouped.setdefault(step.round, []).append(step)
    return list(grouped.items())


def plain_text(value: Any) -> str:
    """User text made safe to typeset: control characters become U+FFFD (escaping of
    markup is Jinja's autoescape's job)."""
    return _CONTROL_RE.sub("\ufffd", str(value))


def format_moment(moment: datetime | None) -> str:
    """«30.11.2026 12:05 (UTC+05:00)»: wall time in the datetime's own zone, with its
    offset; «—» for None."""
    if moment is None:
        return "—"
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("document datetimes must be timezone-aware")
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{moment:%d.%m.%Y %H:%M} (UTC{sign}{hours:02d}:{mins:02d})"


def format_size(size: int) -> str:
    """«512 Б», «1,5 КБ», «12,3 МБ» (binary units, one decimal, rounded down)."""
    for unit, scale in (("ГБ", 1024**3), ("МБ", 1024**2), ("КБ", 1024)):
        if size >= scale:
            tenths = size * 10 // scale
            return f"{tenths // 10},{tenths % 10} {unit}"
    return f"{size} Б"

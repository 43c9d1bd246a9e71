"""The weasyprint side of the memo PDF: a URL fetcher that serves only our own CSS and
fonts, and HTML -> PDF. Imported lazily (weasyprint is slow to import)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from formats.memo_pdf import _ALLOWED_FILES, _SERVED_TYPES, BASE_URL


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint is untyped
    """A weasyprint URL fetcher that serves only the memo CSS and the shipped fonts.

    Every other URL (http, https, ftp, data, any other file...) is refused without being
    opened and recorded in ``refused``; ``served`` records what was served.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        """Our own file's bytes; `ValueError` (weasyprint skips the resource) otherwise."""
        path = _allowed_path(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"refused by the memo PDF URL fetcher: {url[:200]}")
        self.served.append(url)
        content_type = _SERVED_TYPES[path.suffix]
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _allowed_path(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(unquote(parts.path))).resolve()
    return path if path in _ALLOWED_FILES else None


def html_to_pdf(html: str, *, fetcher: LocalOnlyFetcher | None = None) -> bytes:
    """Render ``html`` with the local-only fetcher (a new one unless given)."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or LocalOnlyFetcher())
    pdf = document.write_pdf(font_config=FontConfiguration())
    assert isinstance(pdf, bytes)
    return pdf

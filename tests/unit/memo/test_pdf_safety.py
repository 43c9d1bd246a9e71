"""Nothing a user types makes the PDF renderer reach the network or read a local file."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from formats.memo_pdf import BASE_URL, FONTS, LocalOnlyFetcher, html_to_pdf, render_memo_pdf
from tests.unit.memo.pdf_helpers import Listener, document, pdf_text, watching


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def hostile_lines(port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}"
    return [
        f'<img src="{url}/pixel.png">',
        f'<img src="https://127.0.0.1:{port}/tls.png">',
        '<img src="file:///etc/passwd">',
        f'<link rel="stylesheet" href="{url}/evil.css">',
        f'<style>@import url("{url}/import.css");'
        f" body {{ background: url({url}/bg.png) }}</style>",
        f"@import url({url}/bare-import.css);",
        '<iframe src="file:///etc/passwd"></iframe>',
        '<object data="file:///etc/passwd"></object>',
        '<img src="data:image/svg+xml;base64,PHN2Zy8+">',
        "<script>alert(1)</script><b>жирный</b> &amp; &lt;",
        f'<a href="{url}/link">ссылка</a>',
    ]


def test_markup_in_the_title_and_text_is_shown_as_plain_text_and_fetches_nothing(
    listener: Listener,
) -> None:
    lines = hostile_lines(listener.port)
    doc = document(title=lines[0] + " " + lines[3], text="\n".join(lines))
    fetcher = LocalOnlyFetcher()
    with watching() as watch:
        pdf = render_memo_pdf(doc, fetcher=fetcher)
    # Line breaks may fall anywhere in a long line, so compare without whitespace.
    text = "".join(pdf_text(pdf).split())
    for line in lines:
        assert "".join(line.split()) in text
    assert listener.connections == 0
    assert watch.connects == []
    assert "/etc/passwd" not in watch.opened
    assert any(path.endswith("DejaVuSans.ttf") for path in watch.opened)  # the watch works
    assert fetcher.refused == []  # escaped: the markup never even became a request
    assert all(url.startswith(FONTS.as_uri() + "/") for url in fetcher.served)


def test_even_raw_markup_reaching_the_renderer_fetches_nothing(listener: Listener) -> None:
    # Defence in depth: if user text ever got into the HTML unescaped, the fetcher still
    # refuses everything that is not our own font or stylesheet.
    html = "<html><body><p>Текст</p>" + "\n".join(hostile_lines(listener.port)) + "</body></html>"
    fetcher = LocalOnlyFetcher()
    with watching() as watch:
        html_to_pdf(html, fetcher=fetcher)
    assert listener.connections == 0
    assert watch.connects == []
    assert "/etc/passwd" not in watch.opened
    refused = " ".join(fetcher.refused)
    for fragment in ("pixel.png", "tls.png", "evil.css", "import.css", "bg.png", "/etc/passwd"):
        assert fragment in refused
    assert any(url.startswith("data:") for url in fetcher.refused)
    assert fetcher.served == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/DejaVuSans.ttf",
        "https://example.com/memo.css",
        "ftp://example.com/x",
        "data:font/ttf;base64,AAAA",
        "file:///etc/passwd",
        (FONTS / ".." / ".." / ".." / "etc" / "passwd").as_uri(),
        (FONTS / "LICENSE-DejaVu.txt").as_uri(),
        (FONTS / "DejaVuSans.ttf").as_uri().replace("file://", "file://evil.example"),
        "../fonts/DejaVuSans.ttf",
    ],
)
def test_the_fetcher_refuses_anything_but_our_own_files(url: str) -> None:
    fetcher = LocalOnlyFetcher()
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


@pytest.mark.parametrize(
    "url",
    [
        (FONTS / "DejaVuSans.ttf").as_uri(),
        (FONTS / "DejaVuSans-Bold.ttf").as_uri(),
        BASE_URL + "memo.css",
        BASE_URL + "../fonts/DejaVuSans.ttf",
    ],
)
def test_the_fetcher_serves_our_fonts_and_stylesheet(url: str) -> None:
    fetcher = LocalOnlyFetcher()
    response = fetcher.fetch(url)
    name = Path(url).name
    expected = (FONTS / name) if name.endswith(".ttf") else Path(BASE_URL[7:]) / name
    assert response.read() == expected.resolve().read_bytes()
    assert fetcher.served == [url]


def test_the_watch_and_the_listener_do_see_a_real_connection(listener: Listener) -> None:
    # The checks above prove something only if these two would notice a request.
    with watching() as watch, socket.create_connection(("127.0.0.1", listener.port)):
        pass
    deadline = time.monotonic() + 2
    while listener.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert listener.connections == 1
    assert watch.connects == [("127.0.0.1", listener.port)]

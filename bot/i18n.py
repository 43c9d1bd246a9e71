"""gettext catalogs: compiled from the .po files when a .mo is missing or older, so the
bot starts correctly however it was installed."""

from __future__ import annotations

from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def compile_catalogs(root: Path = LOCALES) -> None:
    for po_path in root.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


def make_i18n(root: Path = LOCALES) -> I18n:
    compile_catalogs(root)
    return I18n(path=root, default_locale="ru", domain=DOMAIN)

"""The gettext catalogs stay in step with the code: the template holds every string the code
passes through ``_``, English translates all of it with the same placeholders and HTML tags,
neither catalog keeps stale entries, and both compile. Adding a string without running
``make i18n`` and translating it fails here."""

from __future__ import annotations

import gettext
import re
import shutil
from collections import Counter
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, compile_catalogs
from domain.roles import Role

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
TEMPLATE = LOCALES / f"{DOMAIN}.pot"
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def _catalog(locale: str) -> Catalog:
    return _read(LOCALES / locale / "LC_MESSAGES" / f"{DOMAIN}.po", locale)


def _ids(catalog: Catalog) -> set[str]:
    return {message.id for message in catalog if isinstance(message.id, str) and message.id}


def _messages(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _placeholders(text: str) -> Counter[str]:
    """``{name!conversion:spec}`` fields as str.format sees them (``{{`` is not a field)."""
    return Counter(
        f"{name}!{conversion or ''}:{spec or ''}"
        for _literal, name, spec, conversion in Formatter().parse(text)
        if name is not None
    )


def _tags(text: str) -> Counter[str]:
    return Counter(f"<{slash}{name.lower()}>" for slash, name in TAG.findall(text))


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(TEMPLATE)


@pytest.fixture(scope="module")
def english() -> Catalog:
    return _catalog("en")


def test_the_template_holds_exactly_the_strings_the_code_translates(template: Catalog) -> None:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    in_code = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map
        )
        if isinstance(message, str) and message
    }
    assert in_code, "babel.cfg found no translatable strings"
    assert sorted(in_code - _ids(template)) == [], "new strings: run `make i18n`, translate"
    assert sorted(_ids(template) - in_code) == [], "strings gone from the code: `make i18n`"


def test_every_string_of_the_template_has_an_english_translation(
    template: Catalog, english: Catalog
) -> None:
    missing = [
        message_id
        for message_id in sorted(_ids(template))
        if english.get(message_id) is None or not english[message_id].string
    ]
    fuzzy = [message.id for message in _messages(english) if message.fuzzy]
    assert missing == [], f"{len(missing)} strings have no English translation"
    assert fuzzy == [], "fuzzy translations are not compiled: check them, clear the flag"


def test_english_keeps_every_placeholder_and_html_tag_of_the_russian(english: Catalog) -> None:
    broken = [
        message.id
        for message in _messages(english)
        if message.string
        and (
            _placeholders(str(message.id)) != _placeholders(str(message.string))
            or _tags(str(message.id)) != _tags(str(message.string))
        )
    ]
    assert broken == [], "a translation lost or changed a {placeholder} or an HTML tag"


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_a_catalog_has_no_stale_entries(template: Catalog, locale: str) -> None:
    catalog = _catalog(locale)
    assert _ids(catalog) == _ids(template), "run `make i18n`"
    assert list(catalog.obsolete) == [], "obsolete (#~) entries: remove them"


def test_the_catalogs_compile_and_english_answers_in_english(
    tmp_path: Path, english: Catalog
) -> None:
    root = tmp_path / "locales"
    shutil.copytree(LOCALES, root, ignore=shutil.ignore_patterns("*.mo"))
    compile_catalogs(root)
    for locale in ("ru", "en"):
        assert (root / locale / "LC_MESSAGES" / f"{DOMAIN}.mo").stat().st_size > 0
    with (root / "en" / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    wrong = [
        message.id
        for message in _messages(english)
        if compiled.gettext(str(message.id)) != message.string
    ]
    assert wrong == [], "the compiled English catalog answers differently from the .po"


def test_every_role_is_named_in_english_by_the_catalog(english: Catalog) -> None:
    """Roles are named through the catalog alone (menus, cards, refusals made in the core)."""
    named = {message.id for message in _messages(english) if message.string}
    unnamed = [role for role in Role if role.title_ru not in named]
    assert unnamed == []

"""The emulator's Telegram-HTML parser and renderer, tested directly (no server)."""

from __future__ import annotations

import pytest

from sandbox.telegram.entities import Entity, render_html
from sandbox.telegram.errors import ApiError
from sandbox.telegram.formatting import format_text, plain_text
from sandbox.telegram.html_parser import HtmlError, parse_html


def test_offsets_count_utf16_code_units_so_an_emoji_counts_twice() -> None:
    plain, entities = parse_html("😀 <b>жирный</b>")
    assert plain == "😀 жирный"
    assert entities == [Entity("bold", 3, 6)]


def test_nested_tags_give_nested_entities_longest_first() -> None:
    _, entities = parse_html("<b>a<i>b</i></b><u>c</u>")
    assert entities == [Entity("bold", 0, 2), Entity("italic", 1, 1), Entity("underline", 2, 1)]


def test_all_allowed_tags_and_their_synonyms_are_accepted() -> None:
    html = (
        "<b>1</b><strong>2</strong><i>3</i><em>4</em><u>5</u><ins>6</ins><s>7</s>"
        '<strike>8</strike><del>9</del><span class="tg-spoiler">0</span><tg-spoiler>a</tg-spoiler>'
        '<a href="https://e.ru">b</a><code>c</code><pre>d</pre><blockquote>e</blockquote>'
        '<tg-emoji emoji-id="5368324170671202286">f</tg-emoji>'
    )
    plain, entities = parse_html(html)
    assert plain == "1234567890abcdef"
    assert [entity.type for entity in entities] == [
        "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough",
        "strikethrough", "strikethrough", "spoiler", "spoiler", "text_link", "code", "pre",
        "blockquote", "custom_emoji",
    ]  # fmt: skip


def test_a_code_block_with_a_language_becomes_one_pre_entity() -> None:
    plain, entities = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert plain == "x = 1"
    assert entities == [Entity("pre", 0, 5, language="python")]


def test_character_references_are_decoded_in_text_and_attributes() -> None:
    plain, entities = parse_html('&lt;&gt;&amp;&quot;&#1046;&#x416; <a href="?a=1&amp;b=2">l</a>')
    assert plain == '<>&"ЖЖ l'
    assert entities[0].url == "?a=1&b=2"


def test_tag_names_are_case_insensitive_and_end_tags_may_be_empty() -> None:
    plain, entities = parse_html("<B>x</> <I>y</i>")
    assert plain == "x y"
    assert [entity.type for entity in entities] == ["bold", "italic"]


@pytest.mark.parametrize(
    "html",
    ["<br>", "<b>x", "x & y", "&nbsp;", "&#0;", "<a href=x", "<b x>y</b>", "</b>"],
)
def test_malformed_html_raises(html: str) -> None:
    with pytest.raises(HtmlError):
        parse_html(html)


def test_render_html_turns_plain_text_and_entities_back_into_telegram_html() -> None:
    plain, entities = parse_html('<b>A &amp; <i>B</i></b> <a href="https://x.ru/?q=&quot;">c</a>')
    assert render_html(plain, entities) == (
        '<b>A &amp; <i>B</i></b> <a href="https://x.ru/?q=&quot;">c</a>'
    )


def test_surrounding_whitespace_is_trimmed_and_entities_shift_with_it() -> None:
    text = format_text("\n  <b>итог</b>  \n", "HTML")
    assert (text.plain, text.entities) == ("итог", (Entity("bold", 0, 4),))


def test_markdown_is_stored_unparsed_and_unknown_parse_modes_are_refused() -> None:
    assert format_text("*bold*", "MarkdownV2").plain == "*bold*"
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode")


def test_a_user_command_gets_a_bot_command_entity() -> None:
    text = plain_text("/start invite-42")
    assert text.entities == (Entity("bot_command", 0, 6),)
    assert plain_text("hello /start").entities == ()

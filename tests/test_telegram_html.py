"""Telegram HTML: answers, declines and clarifications as Telegram shows them, escaped and fitted."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from bot.knowledge import Entry, KnowledgeBase, Source
from bot.matcher import Matcher, chosen
from bot.render import title
from bot.telegram.html import MESSAGE_LIMIT, answer_html, entry_html, fit, outcome_html

OFFICIAL_EN = "https://www.cmab.gov.hk/en/issues/regional_cooperation.htm"


class _TagChecker(HTMLParser):
    """Records tags that are closed out of order and tags left open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.misnested: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.misnested.append(tag)


def assert_well_formed(text: str) -> None:
    """Every tag complete and closed in order; every `&` starts a whole entity."""
    assert re.search(r"<[^>]*$", text) is None, "a tag is cut off"
    assert re.findall(r"&(?!(?:amp|lt|gt|quot|#x27);)", text) == [], "an entity is cut off"
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    assert (checker.open, checker.misnested) == ([], [])


@pytest.fixture
def tricky_entry() -> Entry:
    """An entry whose knowledge-base strings hold HTML's special characters."""
    return Entry(
        id="tariffs",
        topic="cepa",
        questions={"en": ("Tariffs?",), "zh-Hant": ("關稅？",), "zh-Hans": ("关税？",)},
        answer={
            "en": "Tariffs < 5% & <b>zero</b> for CEPA goods.",
            "zh-Hant": "關稅<5% & 零。",
            "zh-Hans": "关税<5% & 零。",
        },
        sources=(Source("Trade & <Industry>", "https://www.tid.gov.hk/cepa?a=1&b=<2>"),),
        as_of=dt.date(2024, 7, 12),
    )


# --- HTML -----------------------------------------------------------------------------------------


def test_html_escapes_special_characters_of_the_answer(tricky_entry: Entry) -> None:
    html = entry_html(tricky_entry, "en")
    assert "Tariffs &lt; 5% &amp; &lt;b&gt;zero&lt;/b&gt; for CEPA goods." in html
    assert html.startswith("<b>Tariffs?</b>\n") and html.count("<b>") == 1  # the title only


def test_html_links_sources_with_escaped_url_and_title(tricky_entry: Entry) -> None:
    html = entry_html(tricky_entry, "en")
    assert (
        'Source: <a href="https://www.tid.gov.hk/cepa?a=1&amp;b=&lt;2&gt;">'
        "Trade &amp; &lt;Industry&gt;</a>"
    ) in html
    assert_well_formed(html)


def test_html_shows_as_of_in_italics(tricky_entry: Entry) -> None:
    assert "<i>As of 12 July 2024.</i>" in entry_html(tricky_entry, "en")
    assert "<i>资料截至2024年7月12日。</i>" in entry_html(tricky_entry, "zh-Hans")


def test_html_gives_each_source_a_line_and_holds_back_all_but_two(tricky_entry: Entry) -> None:
    three = Entry(**{**tricky_entry.__dict__, "sources": tricky_entry.sources * 3})
    view = answer_html(three, "en")
    assert [line.split(":", 1)[0] for line in view.text.splitlines()[-3:-1]] == ["Source"] * 2
    assert view.text.count("<a href=") == 2 and view.more_sources
    everything = answer_html(three, "en", all_sources=True)
    assert everything.text.count("<a href=") == 3 and not everything.more_sources


def test_html_decline_links_the_official_page(matcher: Matcher, kb: KnowledgeBase) -> None:
    html = outcome_html(matcher.ask("tell me a joke"), kb)
    assert f'<a href="{OFFICIAL_EN}">Regional Co-operation with the Mainland</a>' in html
    assert_well_formed(html)


def test_html_clarify_is_the_escaped_prompt(clarifying_matcher: Matcher, kb: KnowledgeBase) -> None:
    outcome = clarifying_matcher.ask("chongqing")
    lines = outcome_html(outcome, kb).splitlines()
    assert lines[:2] == ["I am not sure which of these you mean. Pick one:", ""]
    assert lines[2:] == [
        f"{n}. {title(c.entry, kb.topics['chongqing'], 'en')}"
        for n, c in enumerate(outcome.candidates, 1)
    ]
    assert lines[2] == "1. What is the HK/Chongqing Conference?"  # by its short name


def test_html_of_an_answer_outcome_is_the_entry(kb: KnowledgeBase) -> None:
    entry = kb.entries["chongqing-leaders"]
    assert outcome_html(chosen(entry, "zh-Hant"), kb) == entry_html(entry, "zh-Hant")


# --- fit ------------------------------------------------------------------------------------------

LINKED = '<b>bold &amp; strong</b> <a href="https://x.gov.hk/?a=1&amp;b=2">link &lt;x&gt;</a> text '


def test_fit_leaves_a_message_within_the_limit_alone() -> None:
    assert fit(LINKED) == LINKED


@pytest.mark.parametrize("offset", range(len(LINKED)))
def test_fit_keeps_to_the_telegram_limit_and_closes_every_tag(offset: int) -> None:
    # Shifting the start moves the cut point through every position inside tags and entities.
    text = "x" * offset + LINKED * 200
    result = fit(text)
    assert len(result) <= MESSAGE_LIMIT
    assert result.startswith(text[: MESSAGE_LIMIT // 2])
    assert_well_formed(result)


def test_fit_marks_the_cut_with_an_ellipsis() -> None:
    assert fit("a" * 5000).endswith("…")


def test_fit_closes_a_tag_left_open_at_the_cut() -> None:
    result = fit("<i>" + "a" * 5000 + "</i>")
    assert result.endswith("…</i>")
    assert_well_formed(result)


@pytest.mark.parametrize("limit", [1000, 300, 150, 100, 50])
def test_fit_keeps_to_a_smaller_limit(limit: int) -> None:
    result = fit(LINKED * 50, limit=limit)
    assert len(result) <= limit
    assert_well_formed(result)


def test_entry_html_of_a_very_long_answer_fits_one_message(tricky_entry: Entry) -> None:
    long = Entry(**{**tricky_entry.__dict__, "answer": {"en": "a < b & c. " * 600}})
    html = entry_html(long, "en")
    assert len(html) <= MESSAGE_LIMIT
    assert_well_formed(html)

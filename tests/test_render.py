"""Outcomes in words: plain text for the terminal, the JSON contract, and Telegram HTML."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import pytest
from conftest import ASK_JSON_FIELDS

from bot.knowledge import TELEGRAM_MESSAGE_LIMIT, Entry, KnowledgeBase, Source
from bot.matcher import Matcher, Outcome, chosen
from bot.render import (
    entry_html,
    fit,
    outcome_html,
    plain,
    to_json,
)
from bot.text import to_simplified

LEADERS_QUESTION = "who leads the chongqing conference"
LEADERS_SOURCE_URL = "https://www.info.gov.hk/gia/general/202305/11/P2023051100454.htm"
OFFICIAL_EN = "https://www.cmab.gov.hk/en/issues/regional_cooperation.htm"
OFFICIAL_TC = "https://www.cmab.gov.hk/tc/issues/regional_cooperation.htm"


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


def answered(matcher: Matcher, question: str, **kwargs: str) -> Outcome:
    outcome = matcher.ask(question, **kwargs)  # type: ignore[arg-type]
    assert outcome.kind == "answer"
    return outcome


# --- plain text -----------------------------------------------------------------------------------


def test_plain_answer_has_the_answer_text(matcher: Matcher, kb: KnowledgeBase) -> None:
    text = plain(answered(matcher, LEADERS_QUESTION), kb)
    assert text.startswith(kb.entries["chongqing-leaders"].answer["en"])


def test_plain_answer_of_a_dated_entry_says_as_of(matcher: Matcher, kb: KnowledgeBase) -> None:
    text = plain(answered(matcher, LEADERS_QUESTION), kb)
    assert "\nAs of 11 May 2023.\n" in text


def test_plain_answer_of_an_undated_entry_has_no_as_of(matcher: Matcher, kb: KnowledgeBase) -> None:
    assert "As of" not in plain(answered(matcher, "What is CEPA?"), kb)


def test_plain_answer_cites_source_title_and_url(matcher: Matcher, kb: KnowledgeBase) -> None:
    text = plain(answered(matcher, LEADERS_QUESTION), kb)
    assert (
        "Source: First Plenary Session of Hong Kong/Chongqing Co-operation Conference — "
        + LEADERS_SOURCE_URL
    ) in text.splitlines()


def test_plain_answer_lists_related_questions_numbered(matcher: Matcher, kb: KnowledgeBase) -> None:
    lines = plain(answered(matcher, LEADERS_QUESTION), kb).splitlines()
    assert lines[-2:] == [
        "Related questions:",
        "  1. What is the Hong Kong/Chongqing Co-operation Conference?",
    ]


def test_plain_answer_in_traditional_chinese_dates_the_chinese_way(
    matcher: Matcher, kb: KnowledgeBase
) -> None:
    text = plain(answered(matcher, "渝港合作會議由邊個主持"), kb)
    assert text.splitlines()[:2] == [
        "首次會議由行政長官與重慶市委書記帶領。",
        "資料截至2023年5月11日。",
    ]
    assert "資料來源: First Plenary Session" in text


def test_plain_clarify_prompts_and_numbers_the_options(
    clarifying_matcher: Matcher, kb: KnowledgeBase
) -> None:
    outcome = clarifying_matcher.ask("chongqing")
    assert outcome.kind == "clarify"
    lines = plain(outcome, kb).splitlines()
    assert lines[0] == "I am not sure which of these you mean. Pick one:"
    assert lines[1:] == [
        f"  {n}. {c.entry.question('en')}" for n, c in enumerate(outcome.candidates, 1)
    ]


def test_plain_decline_points_to_the_official_page(matcher: Matcher, kb: KnowledgeBase) -> None:
    text = plain(matcher.ask("tell me a joke"), kb)
    assert text.startswith("Sorry, I don't have an answer to that.")
    assert OFFICIAL_EN in text
    assert "Source:" not in text


# --- JSON -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", [LEADERS_QUESTION, "chongqing", "tell me a joke", ""])
def test_json_has_exactly_the_contract_fields_in_order(
    matcher: Matcher, kb: KnowledgeBase, question: str
) -> None:
    data = to_json(matcher.ask(question), kb)
    assert list(data) == ASK_JSON_FIELDS
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_json_of_an_answer_has_the_right_values_and_types(
    matcher: Matcher, kb: KnowledgeBase
) -> None:
    data = to_json(answered(matcher, LEADERS_QUESTION), kb)
    assert data["question"] == LEADERS_QUESTION
    assert data["answered"] is True
    assert data["id"] == "chongqing-leaders"
    assert data["lang"] == "en"
    assert (
        data["answer"].startswith("The Chief Executive") and "As of 11 May 2023." in data["answer"]
    )
    assert isinstance(data["confidence"], float) and 0.0 <= data["confidence"] <= 1.0
    assert data["sources"] == [
        {
            "title": "First Plenary Session of Hong Kong/Chongqing Co-operation Conference",
            "url": LEADERS_SOURCE_URL,
        }
    ]
    assert data["suggestions"] == [
        {
            "id": "chongqing-overview",
            "question": "What is the Hong Kong/Chongqing Co-operation Conference?",
        }
    ]


def test_json_of_a_decline(matcher: Matcher, kb: KnowledgeBase) -> None:
    data = to_json(matcher.ask("tell me a joke"), kb)
    assert (data["answered"], data["id"], data["sources"]) == (False, None, [])
    assert OFFICIAL_EN in data["answer"]
    assert data["confidence"] == 0.0 and isinstance(data["confidence"], float)


def test_json_of_a_decline_in_chinese_points_to_the_chinese_official_page(
    matcher: Matcher, kb: KnowledgeBase
) -> None:
    data = to_json(matcher.ask("今日天氣點呀"), kb)
    assert data["answered"] is False
    assert data["lang"] == "zh-Hant"
    assert OFFICIAL_TC in data["answer"]


def test_json_of_a_clarify_suggests_the_candidates(
    clarifying_matcher: Matcher, kb: KnowledgeBase
) -> None:
    outcome = clarifying_matcher.ask("chongqing")
    data = to_json(outcome, kb)
    assert (data["answered"], data["id"], data["sources"]) == (False, None, [])
    assert [s["id"] for s in data["suggestions"]] == [c.entry.id for c in outcome.candidates]
    assert all(isinstance(s["question"], str) and s["question"] for s in data["suggestions"])


def test_json_confidence_is_rounded_to_four_places(kb: KnowledgeBase) -> None:
    outcome = Outcome("decline", "q", "en", 0.123456789, ())
    assert to_json(outcome, kb)["confidence"] == 0.1235


# --- Simplified Chinese ---------------------------------------------------------------------------


def test_simplified_answer_is_written_in_simplified(matcher: Matcher, kb: KnowledgeBase) -> None:
    data = to_json(answered(matcher, "渝港合作会议由谁主持"), kb)
    assert data["lang"] == "zh-Hans"
    assert data["answer"] == "首次会议由行政长官与重庆市委书记带领。\n资料截至2023年5月11日。"
    assert to_simplified(data["answer"]) == data["answer"]


def test_forced_simplified_reply_to_an_english_question(
    matcher: Matcher, kb: KnowledgeBase
) -> None:
    text = plain(answered(matcher, LEADERS_QUESTION, lang="zh-Hans"), kb)
    assert "首次会议" in text and "會議" not in text
    assert "相关问题" in text


# --- HTML -----------------------------------------------------------------------------------------


def test_html_escapes_special_characters_of_the_answer(tricky_entry: Entry) -> None:
    html = entry_html(tricky_entry, "en")
    assert "Tariffs &lt; 5% &amp; &lt;b&gt;zero&lt;/b&gt; for CEPA goods." in html
    assert "<b>" not in html


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


def test_html_says_sources_in_the_plural_for_several(tricky_entry: Entry) -> None:
    two = Entry(**{**tricky_entry.__dict__, "sources": tricky_entry.sources * 2})
    assert "Sources: <a href=" in entry_html(two, "en")
    assert entry_html(two, "en").count("<a href=") == 2


def test_html_decline_links_the_official_page(matcher: Matcher, kb: KnowledgeBase) -> None:
    html = outcome_html(matcher.ask("tell me a joke"), kb)
    assert f'<a href="{OFFICIAL_EN}">Regional Co-operation with the Mainland</a>' in html
    assert_well_formed(html)


def test_html_clarify_is_the_escaped_prompt(clarifying_matcher: Matcher, kb: KnowledgeBase) -> None:
    assert outcome_html(clarifying_matcher.ask("chongqing"), kb) == (
        "I am not sure which of these you mean. Pick one:"
    )


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
    assert len(result) <= TELEGRAM_MESSAGE_LIMIT
    assert result.startswith(text[: TELEGRAM_MESSAGE_LIMIT // 2])
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
    assert len(html) <= TELEGRAM_MESSAGE_LIMIT
    assert_well_formed(html)

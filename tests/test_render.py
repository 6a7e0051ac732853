"""Outcomes in words: plain text for the terminal and the JSON contract."""

from __future__ import annotations

import json

import pytest

from bot.engine import Engine
from bot.knowledge import KnowledgeBase
from bot.knowledge.model import SMALLTALK_KINDS
from bot.matcher import Matcher
from bot.messages import t
from bot.outcome import Candidate, Outcome
from bot.render import plain, title, to_json
from bot.text import LANGS, to_simplified
from tests.support.data import ASK_JSON_FIELDS

LEADERS_QUESTION = "who leads the chongqing conference"
LEADERS_SOURCE_URL = "https://www.info.gov.hk/gia/general/202305/11/P2023051100454.htm"
OFFICIAL_EN = "https://www.cmab.gov.hk/en/issues/regional_cooperation.htm"
OFFICIAL_TC = "https://www.cmab.gov.hk/tc/issues/regional_cooperation.htm"


def answered(matcher: Matcher, question: str, **kwargs: str) -> Outcome:
    outcome = matcher.ask(question, **kwargs)  # type: ignore[arg-type]
    assert outcome.kind == "answer"
    return outcome


# --- plain text -----------------------------------------------------------------------------------


def test_plain_answer_has_the_answer_text(matcher: Matcher, kb: KnowledgeBase) -> None:
    lines = plain(answered(matcher, LEADERS_QUESTION), kb).splitlines()
    assert lines[:2] == [
        "Who leads the HK/Chongqing Conference?",  # what it answers, with the short name
        kb.entries["chongqing-leaders"].answer["en"],
    ]


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
    assert text.splitlines()[:5] == [
        "渝港合作會議由邊個主持？",
        "首次會議由行政長官與重慶市委書記帶領。",
        "資料來源: First Plenary Session of Hong Kong/Chongqing Co-operation Conference — "
        + LEADERS_SOURCE_URL,
        "資料截至2023年5月11日。",
        "相關問題:",
    ]


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


def test_a_meeting_with_no_record_is_declined_in_so_many_words(shipped: Engine) -> None:
    kb = shipped.kb
    offered = Candidate(kb.entries["shanghai-meetings"], 0.0)
    outcome = Outcome(
        "decline", "q", "en", 0.0, (offered,), subject="shanghai", near_miss=True, unrecorded=True
    )
    text = plain(outcome, kb)
    assert text.startswith("Our sources have no record of that meeting of the Hong Kong/Shanghai")
    assert offered.entry.question("en") in text


def test_what_our_sources_do_not_say_is_declined_in_so_many_words(shipped: Engine) -> None:
    kb = shipped.kb
    offered = Candidate(kb.entries["macao-setup"], 0.0)
    outcome = Outcome("decline", "q", "en", 0.0, (offered,), subject="macao", not_told=True)
    text = plain(outcome, kb)
    assert text.startswith("Our sources do not say that about the Hong Kong/Macao")
    assert offered.entry.question("en") in text


def test_a_platform_with_no_record_is_declined_in_so_many_words(kb: KnowledgeBase) -> None:
    outcome = Outcome("decline", "q", "zh-Hant", 0.0, (), near_miss=True, unrecorded=True)
    assert plain(outcome, kb).startswith("我們的資料中沒有這個香港與內地的合作機制")


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


def test_a_compared_answer_shows_both_answers_and_cites_both(kb: KnowledgeBase) -> None:
    first, second = list(kb.entries.values())[:2]
    outcome = Outcome("answer", "q", "en", 1.0, (Candidate(first, 1.0),), also=(second,))
    data = to_json(outcome, kb)
    assert first.answer["en"] in data["answer"] and second.answer["en"] in data["answer"]
    assert {s["url"] for s in data["sources"]} >= {first.sources[0].url, second.sources[0].url}
    assert title(second, kb.topics[second.topic], "en") in plain(outcome, kb)


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


# --- Small talk -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", SMALLTALK_KINDS)
def test_every_kind_of_small_talk_has_a_reply_in_every_language_and_in_groups(kind: str) -> None:
    for lang in LANGS:
        assert t(f"smalltalk_{kind}", lang)
        assert t(f"smalltalk_group_{kind}", lang)

"""The matcher on the fixture knowledge base: answer, clarify or decline, in the asker's language."""

from __future__ import annotations

import dataclasses
import gc
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, load_or_raise
from bot.matcher import DEFAULT_THRESHOLDS, Matcher, Thresholds, chosen
from bot.outcome import Outcome

MakeKb = Callable[..., Path]

ENGLISH = "who leads the chongqing conference"
TRADITIONAL = "渝港合作會議由邊個主持"
SIMPLIFIED = "渝港合作会议由谁主持"  # Mandarin 谁 where the Cantonese phrasing has 邊個
TYPO = "chongqng conferenc who leads"

QUESTIONS = [
    ENGLISH,
    TRADITIONAL,
    SIMPLIFIED,
    TYPO,
    "What is CEPA?",
    "chongqing",
    "what's the weather in paris",
    "tell me a joke",
    "",
    "👍",
    "CEPA係乜嘢",
    "who is the chief executive",
]


def assert_valid(outcome: Outcome) -> None:
    """What holds for every outcome, whatever the question."""
    assert outcome.kind in ("answer", "clarify", "decline")
    assert 0.0 <= outcome.confidence <= 1.0
    assert outcome.lang in ("en", "zh-Hant", "zh-Hans")
    if outcome.kind == "answer":
        assert outcome.entry is not None
        assert outcome.entry.id == outcome.candidates[0].entry.id
    else:
        assert outcome.entry is None


# --- answering ------------------------------------------------------------------------------------


def test_english_question_is_answered_with_the_right_entry(matcher: Matcher) -> None:
    outcome = matcher.ask(ENGLISH)
    assert outcome.kind == "answer"
    assert outcome.entry is not None and outcome.entry.id == "chongqing-leaders"


def test_traditional_chinese_question_is_answered_with_the_right_entry(matcher: Matcher) -> None:
    outcome = matcher.ask(TRADITIONAL)
    assert outcome.kind == "answer"
    assert outcome.entry is not None and outcome.entry.id == "chongqing-leaders"


def test_simplified_chinese_question_gets_the_same_entry_as_traditional(matcher: Matcher) -> None:
    simplified, traditional = matcher.ask(SIMPLIFIED), matcher.ask(TRADITIONAL)
    assert simplified.kind == "answer"
    assert simplified.entry == traditional.entry


def test_question_with_typos_is_still_answered(matcher: Matcher) -> None:
    outcome = matcher.ask(TYPO)
    assert outcome.kind == "answer"
    assert outcome.entry is not None and outcome.entry.id == "chongqing-leaders"


@pytest.mark.parametrize(("word", "known"), [("chairing", "chair"), ("leading", "lead")])
def test_an_inflected_verb_is_read_as_the_word_the_knowledge_base_uses(
    matcher: Matcher, word: str, known: str
) -> None:
    assert matcher.knows(known) and not matcher.knows(f"{word}x")
    assert matcher.corrected(word) == known


def test_each_stored_phrasing_is_answered_with_its_own_entry(
    matcher: Matcher, kb: KnowledgeBase
) -> None:
    for entry in kb.entries.values():
        for question in entry.all_questions():
            outcome = matcher.ask(question)
            assert (outcome.kind, outcome.candidates[0].entry.id) == ("answer", entry.id), question


def test_an_answer_is_confident(matcher: Matcher) -> None:
    assert matcher.ask(ENGLISH).confidence >= DEFAULT_THRESHOLDS.answer


# --- declining ------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["what's the weather in paris", "tell me a joke"])
def test_out_of_scope_question_is_declined(matcher: Matcher, question: str) -> None:
    outcome = matcher.ask(question)
    assert outcome.kind == "decline"
    assert outcome.entry is None
    assert outcome.confidence < DEFAULT_THRESHOLDS.decline


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "👍", "???", "…!!", "\ud800"])
def test_question_without_words_is_declined_with_zero_confidence(
    matcher: Matcher, question: str
) -> None:
    outcome = matcher.ask(question)
    assert (outcome.kind, outcome.confidence, outcome.candidates) == ("decline", 0.0, ())


def test_decline_suggestions_are_only_entries_with_some_merit(matcher: Matcher) -> None:
    outcome = matcher.ask("what's the weather in paris")
    assert all(c.score >= DEFAULT_THRESHOLDS.decline * 0.6 for c in outcome.candidates)
    assert len(outcome.candidates) <= 3


# --- clarifying -----------------------------------------------------------------------------------

# A second entry with exactly cepa-overview's phrasings: neither can win on its own merits.
# A twin of chongqing-leaders: the same questions, so neither is a better answer than the other.
LEADERS_TWIN = """\
  - id: chongqing-chairs
    questions:
      en:
        - Who leads the Hong Kong/Chongqing Co-operation Conference?
        - who chairs the chongqing conference
      zh-Hant:
        - 渝港合作會議由邊個主持？
    answer:
      en: The Chief Executive and the Party Secretary of Chongqing.
      zh-Hant: 行政長官與重慶市委書記。
    sources:
      - title: First Plenary Session of Hong Kong/Chongqing Co-operation Conference
        url: https://www.info.gov.hk/gia/general/202305/11/P2023051100454.htm
"""


def test_two_equally_good_entries_make_the_matcher_clarify(make_kb: MakeKb) -> None:
    matcher = Matcher(load_or_raise(make_kb(chongqing=lambda text: text + LEADERS_TWIN)))
    outcome = matcher.ask("who chairs the chongqing conference")
    assert outcome.kind == "clarify"
    assert outcome.entry is None
    assert {c.entry.id for c in outcome.candidates} == {"chongqing-leaders", "chongqing-chairs"}


@pytest.mark.parametrize("name", ["chongqing", "重慶", "重庆"])
def test_a_bare_platform_name_answers_with_the_platform_overview(
    matcher: Matcher, name: str
) -> None:
    outcome = matcher.ask(name)
    assert outcome.kind == "answer"
    assert outcome.entry is not None and outcome.entry.id == "chongqing-overview"


def test_clarify_branch_offers_at_least_two_candidates_when_thresholds_demand_it(
    kb: KnowledgeBase,
) -> None:
    # No answer is ever good enough, and every entry within reach counts as close.
    strict = Matcher(kb, Thresholds(answer=10.0, clarify_window=10.0))
    outcome = strict.ask("what is the hk chongqing conference")
    assert outcome.kind == "clarify"
    assert len(outcome.candidates) >= 2
    assert outcome.candidates[0].entry.id == "chongqing-overview"


# --- thresholds -----------------------------------------------------------------------------------


def test_thresholds_live_in_one_frozen_dataclass() -> None:
    assert Thresholds() == DEFAULT_THRESHOLDS
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_THRESHOLDS.answer = 0.0  # type: ignore[misc]


def test_a_higher_decline_threshold_turns_an_answer_into_a_decline(kb: KnowledgeBase) -> None:
    assert Matcher(kb).ask(ENGLISH).kind == "answer"
    assert Matcher(kb, Thresholds(decline=2.0, answer=2.0)).ask(ENGLISH).kind == "decline"


def test_a_lower_decline_threshold_stops_declining(kb: KnowledgeBase, matcher: Matcher) -> None:
    question = "what's the weather in paris"
    assert matcher.ask(question).kind == "decline"
    assert Matcher(kb, Thresholds(decline=0.0)).ask(question).kind != "decline"


def test_a_larger_margin_makes_a_close_call_clarify(kb: KnowledgeBase, matcher: Matcher) -> None:
    question = "what is the hk chongqing conference"
    assert matcher.ask(question).kind == "answer"
    assert Matcher(kb, Thresholds(margin=1.0)).ask(question).kind == "clarify"


# --- properties of every outcome ------------------------------------------------------------------


@pytest.mark.parametrize("question", QUESTIONS)
def test_confidence_is_always_within_zero_and_one(matcher: Matcher, question: str) -> None:
    assert_valid(matcher.ask(question))


@pytest.mark.parametrize("question", QUESTIONS)
def test_same_question_twice_gives_identical_outcome(
    matcher: Matcher, kb: KnowledgeBase, question: str
) -> None:
    first = matcher.ask(question)
    assert matcher.ask(question) == first
    assert Matcher(kb).ask(question) == first


def test_a_100_kb_question_is_handled(matcher: Matcher) -> None:
    question = "who leads the chongqing conference and what is cepa " * 2000
    assert len(question) >= 100_000
    outcome = matcher.ask(question)
    assert_valid(outcome)
    assert outcome.question == question


def test_a_100_kb_question_of_gibberish_is_declined(matcher: Matcher) -> None:
    outcome = matcher.ask("qwzx" * 25_000)
    assert (outcome.kind, outcome.confidence) == ("decline", 0.0)


# --- reply language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "lang"), [(ENGLISH, "en"), (TRADITIONAL, "zh-Hant"), (SIMPLIFIED, "zh-Hans")]
)
def test_reply_language_follows_the_question(matcher: Matcher, question: str, lang: str) -> None:
    assert matcher.ask(question).lang == lang


def test_declines_also_reply_in_the_language_of_the_question(matcher: Matcher) -> None:
    assert matcher.ask("今日天氣點呀").lang == "zh-Hant"


def test_lang_overrides_the_detected_language_but_not_the_entry(matcher: Matcher) -> None:
    detected = matcher.ask(ENGLISH)
    overridden = matcher.ask(ENGLISH, lang="zh-Hant")
    assert overridden.lang == "zh-Hant"
    assert overridden.entry == detected.entry


# --- ranking and menus ----------------------------------------------------------------------------


def test_rank_orders_by_descending_score(matcher: Matcher) -> None:
    ranked = matcher.rank("what is the hk chongqing conference")
    assert [c.entry.id for c in ranked][:2] == ["chongqing-overview", "chongqing-leaders"]
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)


def test_rank_respects_its_limit(matcher: Matcher) -> None:
    assert len(matcher.rank("what is the hk chongqing conference", limit=1)) == 1


def test_chosen_entry_is_an_answer_with_full_confidence(kb: KnowledgeBase) -> None:
    entry = kb.entries["cepa-overview"]
    outcome = chosen(entry, "zh-Hant")
    assert (outcome.kind, outcome.entry, outcome.confidence) == ("answer", entry, 1.0)
    assert outcome.question == "CEPA是甚麼？"


def test_hyphenated_and_joined_spellings_meet_through_the_synonyms(matcher: Matcher) -> None:
    assert matcher.canonical("HK-Chongqing Co-operation") == matcher.canonical(
        "hk chongqing cooperation"
    )


def test_a_matcher_no_longer_held_is_freed_with_what_it_remembered(kb: KnowledgeBase) -> None:
    replaced = Matcher(kb)
    replaced.ask("wat is the cepaa agrement")  # misspelt words are remembered by the matcher
    gone = weakref.ref(replaced)

    del replaced
    gc.collect()

    assert gone() is None

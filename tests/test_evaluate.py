"""`coopbot eval`'s tallies: what each figure counts, on questions whose outcome a stub decides."""

from __future__ import annotations

from dataclasses import dataclass

from bot.evaluate import SMALLTALK, Conversation, Item, evaluate, format_report
from bot.knowledge import KnowledgeBase
from bot.outcome import Kind, Outcome, Turn
from bot.text import Lang


@dataclass
class Scripted:
    """An asker that gives each question the kind of outcome written beside it."""

    kb: KnowledgeBase
    kinds: dict[str, Kind]

    def ask(
        self,
        question: str,
        lang: Lang | None = None,
        previous: Turn | None = None,
        app: Lang | None = None,
    ) -> Outcome:
        kind = self.kinds[question]
        talk = "greeting" if kind == "smalltalk" else None
        return Outcome(kind, question, lang or "en", 0.0, (), smalltalk=talk)


def smalltalk(question: str) -> Item:
    return Item(question, "en", SMALLTALK)


def test_small_talk_declined_is_counted_apart_from_small_talk_answered(
    kb: KnowledgeBase,
) -> None:
    asker = Scripted(kb, {"hi": "smalltalk", "hello there friend": "decline", "ta": "clarify"})
    report = evaluate(asker, [smalltalk("hi"), smalltalk("hello there friend"), smalltalk("ta")])
    assert (report.smalltalk.right, report.smalltalk.total) == (1, 3)
    assert (report.smalltalk_not_declined.right, report.smalltalk_not_declined.total) == (2, 3)


def test_small_talk_turns_count_towards_not_declined(kb: KnowledgeBase) -> None:
    asker = Scripted(kb, {"hi": "decline", "thanks": "smalltalk"})
    conversation = Conversation("c", (smalltalk("hi"), smalltalk("thanks")))
    report = evaluate(asker, [], [conversation])
    assert report.smalltalk.total == 0
    assert (report.smalltalk_not_declined.right, report.smalltalk_not_declined.total) == (1, 2)


def test_the_report_shows_small_talk_not_declined(kb: KnowledgeBase) -> None:
    report = evaluate(Scripted(kb, {"hi": "decline"}), [smalltalk("hi")])
    row = next(r for r in format_report({"tuning": report}).splitlines() if "not declined" in r)
    assert row.split()[-2:] == ["0/1", "0.0%"]

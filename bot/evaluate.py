"""`coopbot eval`: how often the matcher is right, on labelled questions.

Two formats are read. The project's own (`tests/data/labelled/*.yaml`) labels each question with the
entry that answers it (`expect: ID`, or a list of acceptable ids) or `expect: decline`. The shared
development format labels the answer text instead: `expect: answer|decline` with `must`, groups of
alternatives that must all appear in the answer, which also catches a right entry with a wrong answer.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.matcher import Matcher
from bot.outcome import Outcome
from bot.render import message_text
from bot.text import LANGS, Lang, detect_language, normalise

DECLINE = "decline"


@dataclass(frozen=True)
class Item:
    """One labelled question: expected ids (empty for a decline) or required answer text."""

    question: str
    lang: Lang
    in_scope: bool
    expected: tuple[str, ...] = ()
    must: tuple[tuple[str, ...], ...] = ()
    topic: str = ""
    source: str = ""


@dataclass
class Tally:
    total: int = 0
    right: int = 0
    clarified: int = 0

    def add(self, right: bool, clarified: bool) -> None:
        self.total += 1
        self.right += right
        self.clarified += clarified

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass(frozen=True)
class Miss:
    question: str
    lang: str
    expected: str
    got: str
    outcome: str
    confidence: float
    source: str


@dataclass
class Report:
    in_scope: Tally = field(default_factory=Tally)
    # Items labelled by id: the right entry ranked first, whatever the outcome.
    ranked_first: Tally = field(default_factory=Tally)
    out_of_scope: Tally = field(default_factory=Tally)
    by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_topic: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[Miss] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def clarify_rate(self) -> float:
        total = self.in_scope.total + self.out_of_scope.total
        clarified = self.in_scope.clarified + self.out_of_scope.clarified
        return clarified / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        def tally(t: Tally) -> dict[str, Any]:
            return {
                "total": t.total,
                "right": t.right,
                "rate": round(t.rate, 4),
                "clarified": t.clarified,
            }

        return {
            "accuracy_in_scope": round(self.in_scope.rate, 4),
            "top1_ranked": round(self.ranked_first.rate, 4),
            "declined_out_of_scope": round(self.out_of_scope.rate, 4),
            "clarify_rate": round(self.clarify_rate, 4),
            "in_scope": tally(self.in_scope),
            "out_of_scope": tally(self.out_of_scope),
            "by_lang": {k: tally(v) for k, v in sorted(self.by_lang.items())},
            "by_topic": {k: tally(v) for k, v in sorted(self.by_topic.items())},
            "misses": [asdict(m) for m in self.misses],
            "seconds": round(self.seconds, 3),
        }


class LabelError(ValueError):
    """A labelled file is malformed; the message names the file and item."""


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def load_items(path: Path) -> list[Item]:
    """Items of one labelled file, in either format."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise LabelError(f"{path}: expected a list of questions")
    items = []
    for number, raw in enumerate(data, 1):
        if not isinstance(raw, dict) or not isinstance(raw.get("q"), str):
            raise LabelError(f"{path}: item {number} needs a 'q' with the question")
        question = raw["q"]
        lang = raw.get("lang") or detect_language(question)
        if lang not in LANGS:
            raise LabelError(f"{path}: item {number} has unknown lang {lang!r}")
        expect = raw.get("expect")
        if expect is None:
            raise LabelError(f"{path}: item {number} needs 'expect'")
        must = tuple(_as_tuple(group) for group in raw.get("must") or ())
        if expect == DECLINE:
            expected: tuple[str, ...] = ()
        elif expect == "answer":
            if not must:
                raise LabelError(f"{path}: item {number} expects an answer but has no 'must'")
            expected = ()
        else:
            expected = _as_tuple(expect)
        topic = str(raw.get("topic") or (expected[0].split("-")[0] if expected else ""))
        items.append(Item(question, lang, expect != DECLINE, expected, must, topic, str(path)))
    return items


def _contains(text: str, alternative: str) -> bool:
    return normalise(alternative) in normalise(text) or alternative.casefold() in text.casefold()


def judge(item: Item, outcome: Outcome, answer: str) -> bool:
    if not item.in_scope:
        return outcome.kind == "decline"
    if outcome.kind != "answer":
        return False
    if item.expected and outcome.candidates[0].entry.id not in item.expected:
        return False
    return all(any(_contains(answer, alt) for alt in group) for group in item.must)


def evaluate(matcher: Matcher, items: Iterable[Item]) -> Report:
    report = Report()
    start = time.perf_counter()
    for item in items:
        outcome = matcher.ask(item.question, lang=item.lang)
        answer = message_text(outcome, matcher.kb)
        right = judge(item, outcome, answer)
        clarified = outcome.kind == "clarify"
        (report.in_scope if item.in_scope else report.out_of_scope).add(right, clarified)
        report.by_lang[item.lang].add(right, clarified)
        report.by_topic[item.topic or DECLINE].add(right, clarified)
        if item.expected:
            first = outcome.candidates[0].entry.id if outcome.candidates else None
            report.ranked_first.add(first in item.expected, clarified)
        if not right:
            got = outcome.candidates[0].entry.id if outcome.candidates else "-"
            wanted = "|".join(item.expected) or ("answer" if item.in_scope else DECLINE)
            report.misses.append(
                Miss(
                    item.question,
                    item.lang,
                    wanted,
                    got,
                    outcome.kind,
                    outcome.confidence,
                    Path(item.source).name,
                )
            )
    report.seconds = time.perf_counter() - start
    return report


def format_report(report: Report) -> str:
    def row(name: str, tally: Tally) -> str:
        return f"  {name:<22} {tally.right:>4}/{tally.total:<4} {tally.rate:7.1%}  clarified {tally.clarified}"

    lines = [
        f"In scope, answered right:  {report.in_scope.right}/{report.in_scope.total} = {report.in_scope.rate:.1%}",
        f"In scope, right entry ranked first: {report.ranked_first.right}/{report.ranked_first.total} = {report.ranked_first.rate:.1%}",
        f"Out of scope, declined:    {report.out_of_scope.right}/{report.out_of_scope.total} = {report.out_of_scope.rate:.1%}",
        f"Asked to clarify:          {report.clarify_rate:.1%}",
        "By language:",
        *(row(k, v) for k, v in sorted(report.by_lang.items())),
        "By topic:",
        *(row(k, v) for k, v in sorted(report.by_topic.items())),
    ]
    if report.misses:
        lines.append(f"Misses ({len(report.misses)}):")
        for miss in report.misses:
            lines.append(
                f"  [{miss.lang}] {miss.question!r}: expected {miss.expected}, "
                f"got {miss.outcome} {miss.got} ({miss.confidence:.2f}) [{miss.source}]"
            )
    return "\n".join(lines)


def default_files() -> list[Path]:
    """The project's labelled set: beside the source, or in the current checkout once installed."""
    for root in (Path(__file__).resolve().parent.parent, Path.cwd()):
        files = sorted((root / "tests" / "data" / "labelled").glob("*.yaml"))
        if files:
            return files
    return []

"""`coopbot eval`: how often the bot is right, on labelled questions and conversations.

A labelled file is a YAML list in one of two forms. Questions: each labelled with the entry that
answers it (`expect: ID`, or a list of acceptable ids), or `expect: answer` with `must`, groups of
alternatives that must all appear in the answer (which also catches a right entry with a wrong
answer), or `expect: decline`, or `expect: smalltalk`. Conversations: items with `turns:`, each
turn labelled the same way and asked after the ones before it, as one chat.

The project keeps two sets apart: a *tuning* set, the only one thresholds and cue words may be
chosen on, and a *holdout* written before the understanding step and never tuned on. Both are
reported side by side; the floors apply to the holdout.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from bot.outcome import Outcome, Turn
from bot.render import message_text
from bot.text import LANGS, Lang, app_language, detect_language, normalise

#: PyYAML's C loader where it is built: thousands of labelled questions load in a tenth of the time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DECLINE, SMALLTALK, ANSWER = "decline", "smalltalk", "answer"


class Asker(Protocol):
    """What is measured: `bot.engine.Engine` has this method."""

    def ask(
        self,
        question: str,
        lang: Lang | None = None,
        previous: Turn | None = None,
        app: Lang | None = None,
    ) -> Outcome: ...


@dataclass(frozen=True)
class Item:
    """One labelled question: expected ids, or required answer text, or decline or small talk."""

    question: str
    lang: Lang
    expect: str  # ANSWER, DECLINE or SMALLTALK
    expected: tuple[str, ...] = ()
    must: tuple[tuple[str, ...], ...] = ()
    topic: str = ""
    source: str = ""

    @property
    def in_scope(self) -> bool:
        return self.expect == ANSWER


@dataclass(frozen=True)
class Conversation:
    id: str
    turns: tuple[Item, ...]
    app: Lang | None = None  # the asker's Telegram app language
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
    smalltalk: Tally = field(default_factory=Tally)
    # Small talk, single or a conversation's turn, that got no "I don't know": the one way small
    # talk goes wrong that the bot's log counts against it (a declined question).
    smalltalk_not_declined: Tally = field(default_factory=Tally)
    turns: Tally = field(default_factory=Tally)  # conversation turns
    conversations: Tally = field(default_factory=Tally)  # whole conversations, every turn right
    by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    in_scope_by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    declined_by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
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
            "smalltalk": round(self.smalltalk.rate, 4),
            "smalltalk_not_declined": tally(self.smalltalk_not_declined),
            "conversation_turns": round(self.turns.rate, 4),
            "clarify_rate": round(self.clarify_rate, 4),
            "in_scope": tally(self.in_scope),
            "out_of_scope": tally(self.out_of_scope),
            "by_lang": {k: tally(v) for k, v in sorted(self.by_lang.items())},
            "in_scope_by_lang": {k: tally(v) for k, v in sorted(self.in_scope_by_lang.items())},
            "declined_by_lang": {k: tally(v) for k, v in sorted(self.declined_by_lang.items())},
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


def _item(raw: Any, where: str, source: str) -> Item:
    if not isinstance(raw, dict) or not isinstance(raw.get("q"), str):
        raise LabelError(f"{where} needs a 'q' with the question")
    question = raw["q"]
    lang = raw.get("lang") or detect_language(question)
    if lang not in LANGS:
        raise LabelError(f"{where} has unknown lang {lang!r}")
    expect = raw.get("expect")
    if expect is None:
        raise LabelError(f"{where} needs 'expect'")
    must = tuple(_as_tuple(group) for group in raw.get("must") or ())
    if expect in (DECLINE, SMALLTALK):
        kind, expected = expect, ()
    elif expect == ANSWER:
        if not must:
            raise LabelError(f"{where} expects an answer but has no 'must'")
        kind, expected = ANSWER, ()
    else:
        kind, expected = ANSWER, _as_tuple(expect)
    topic = str(raw.get("topic") or (expected[0].split("-")[0] if expected else ""))
    return Item(question, lang, kind, expected, must, topic, source)


def load_file(path: Path) -> tuple[list[Item], list[Conversation]]:
    """The questions and conversations of one labelled file."""
    data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)
    if not isinstance(data, list):
        raise LabelError(f"{path}: expected a list of questions or conversations")
    items: list[Item] = []
    conversations: list[Conversation] = []
    for number, raw in enumerate(data, 1):
        if isinstance(raw, dict) and "turns" in raw:
            turns = raw["turns"]
            if not isinstance(turns, list) or not turns:
                raise LabelError(f"{path}: conversation {number} needs a list of turns")
            conversations.append(
                Conversation(
                    str(raw.get("id", number)),
                    tuple(
                        _item(t, f"{path}: conversation {number} turn {n}", str(path))
                        for n, t in enumerate(turns, 1)
                    ),
                    app_language(raw.get("language_code")) if raw.get("language_code") else None,
                    str(path),
                )
            )
        else:
            items.append(_item(raw, f"{path}: item {number}", str(path)))
    return items, conversations


def load_items(path: Path) -> list[Item]:
    """The single questions of one labelled file (conversations left out)."""
    return load_file(path)[0]


def _contains(text: str, alternative: str) -> bool:
    return (
        normalise(alternative) in normalise(text, whole=True)
        or alternative.casefold() in text.casefold()
    )


def judge(item: Item, outcome: Outcome, answer: str) -> bool:
    if item.expect == DECLINE:
        return outcome.kind == "decline"
    if item.expect == SMALLTALK:
        return outcome.kind == "smalltalk"
    if outcome.kind != "answer":
        return False
    if item.expected and outcome.candidates[0].entry.id not in item.expected:
        return False
    return outcome.lang == item.lang and all(
        any(_contains(answer, alt) for alt in group) for group in item.must
    )


def _record(report: Report, item: Item, outcome: Outcome, answer: str, turn: bool = False) -> bool:
    """Count one question: a single one in the tallies by kind, language and topic, a
    conversation's turn in the turns' tally; a miss either way."""
    right = judge(item, outcome, answer)
    clarified = outcome.kind == "clarify"
    if item.expect == SMALLTALK:
        report.smalltalk_not_declined.add(outcome.kind != "decline", clarified)
    if turn:
        report.turns.add(right, clarified)
    else:
        tally = {ANSWER: report.in_scope, DECLINE: report.out_of_scope, SMALLTALK: report.smalltalk}
        tally[item.expect].add(right, clarified)
        report.by_lang[item.lang].add(right, clarified)
        if item.expect == ANSWER:
            report.in_scope_by_lang[item.lang].add(right, clarified)
        elif item.expect == DECLINE:
            report.declined_by_lang[item.lang].add(right, clarified)
        report.by_topic[item.topic or item.expect].add(right, clarified)
    if item.expected:
        first = outcome.candidates[0].entry.id if outcome.candidates else None
        report.ranked_first.add(first in item.expected, clarified)
    if not right:
        got = outcome.candidates[0].entry.id if outcome.candidates else "-"
        wanted = "|".join(item.expected) or item.expect
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
    return right


def evaluate(
    engine: Asker, items: Iterable[Item], conversations: Iterable[Conversation] = ()
) -> Report:
    """Ask every question with the language the label wants, as a user who chose it would
    (`/lang`); conversations are asked turn by turn with no language chosen, as typed."""
    report = Report()
    start = time.perf_counter()
    for item in items:
        outcome = engine.ask(item.question, lang=item.lang)
        _record(report, item, outcome, message_text(outcome, _kb(engine)))
    for conversation in conversations:
        previous: Turn | None = None
        whole = True
        for turn in conversation.turns:
            outcome = engine.ask(turn.question, previous=previous, app=conversation.app)
            right = _record(report, turn, outcome, message_text(outcome, _kb(engine)), turn=True)
            whole = whole and right
            previous = outcome.turn
        report.conversations.add(whole, False)
    report.seconds = time.perf_counter() - start
    return report


def _kb(engine: Asker) -> Any:
    return engine.kb  # type: ignore[attr-defined]


def _row(name: str, tallies: list[Tally]) -> str:
    cells = [
        f"{t.right:>4}/{t.total:<4} {t.rate:6.1%}" if t.total else f"{'-':>17}" for t in tallies
    ]
    return f"  {name:<30}" + "  ".join(cells)


def format_report(reports: dict[str, Report], misses: bool = True) -> str:
    """Each set's figures side by side; the misses of the first set (the tuning set's: those of
    a holdout are not for reading while tuning)."""
    names = list(reports)
    parts = list(reports.values())
    lines = [f"  {'':<30}" + "  ".join(f"{n:>17}" for n in names)]
    lines.append(_row("in scope, answered right", [r.in_scope for r in parts]))
    lines.append(_row("out of scope, declined", [r.out_of_scope for r in parts]))
    lines.append(_row("small talk, chatted back", [r.smalltalk for r in parts]))
    lines.append(_row("small talk+turns not declined", [r.smalltalk_not_declined for r in parts]))
    lines.append(_row("conversation turns right", [r.turns for r in parts]))
    lines.append(_row("whole conversations right", [r.conversations for r in parts]))
    lines.append(_row("right entry ranked first", [r.ranked_first for r in parts]))
    for lang in LANGS:
        lines.append(
            _row(f"in scope, {lang}", [r.in_scope_by_lang.get(lang, Tally()) for r in parts])
        )
        lines.append(
            _row(f"declined, {lang}", [r.declined_by_lang.get(lang, Tally()) for r in parts])
        )
    clarify = "  ".join(f"{r.clarify_rate:17.1%}" for r in parts)
    lines.append(f"  {'asked to clarify':<30}{clarify}")
    first = parts[0]
    if misses and first.misses:
        lines.append(f"Misses of {names[0]} ({len(first.misses)}):")
        for miss in first.misses:
            lines.append(
                f"  [{miss.lang}] {miss.question!r}: expected {miss.expected}, "
                f"got {miss.outcome} {miss.got} ({miss.confidence:.2f}) [{miss.source}]"
            )
    return "\n".join(lines)


def project_sets() -> dict[str, list[Path]]:
    """The project's own sets, `tuning` and `holdout`, in a source checkout: beside the source,
    else in the current folder. Empty where neither has them (an installed copy)."""
    for root in (Path(__file__).resolve().parent.parent, Path.cwd()):
        data = root / "tests" / "data"
        sets = {name: sorted((data / name).glob("*.yaml")) for name in ("tuning", "holdout")}
        if any(sets.values()):
            return sets
    return {}


def default_files() -> list[Path]:
    """The tuning set's files (what `benchmarks` measures quality on)."""
    return project_sets().get("tuning", [])

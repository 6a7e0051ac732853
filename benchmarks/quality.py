"""Quality and latency on the shipped knowledge base: coopbot against the baselines.

Every method answers the same labelled questions (the tuning set, `tests/data/tuning`, those that
name their entry or expect a decline) and is scored as `coopbot eval` scores: the right entry in
scope, a decline out of scope. "coopbot" is the whole answering step (understanding the question,
the matcher, the meeting records), as the bot runs it; "matcher" its lexical ranking alone.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable

from benchmarks.baselines import build_baselines
from benchmarks.measure import Progress, latency
from bot.engine import Engine
from bot.evaluate import Item, default_files, load_items
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher

CLARIFY = "(clarify)"  # what the matcher "answered" when it asked to clarify: never an entry id


def labelled_items(limit: int | None = None) -> list[Item]:
    """The labelled questions that name their entry or expect a decline, spread evenly when
    `limit` keeps only some (every topic and language stays represented)."""
    items = [
        item
        for path in default_files()
        for item in load_items(path)
        if item.expected or item.expect == "decline"
    ]
    if limit is not None and limit < len(items):
        step = len(items) / limit
        items = [items[int(n * step)] for n in range(limit)]
    return items


def is_right(item: Item, entry_id: str | None) -> bool:
    """Top-1 as `coopbot eval` counts it: the right entry in scope, a decline out of scope."""
    return entry_id in item.expected if item.in_scope else entry_id is None


def rates(items: list[Item], right: list[bool]) -> dict[str, float]:
    """Top-1 in scope, declines out of scope, and their mean ("balanced"): the figure each
    baseline's threshold is tuned for, and so the fair one to compare (never declining would
    make any method right on every in-scope question it ranks first)."""
    in_scope = [r for item, r in zip(items, right, strict=True) if item.in_scope]
    out_scope = [r for item, r in zip(items, right, strict=True) if not item.in_scope]
    accuracy = sum(in_scope) / len(in_scope) if in_scope else 1.0
    declined = sum(out_scope) / len(out_scope) if out_scope else 1.0
    return {
        "accuracy_in_scope": round(accuracy, 4),
        "declined_out_of_scope": round(declined, 4),
        "balanced": round((accuracy + declined) / 2, 4),
    }


def tune(items: list[Item], guesses: list[tuple[str | None, float]]) -> float:
    """The decline threshold that maximises the mean of in-scope accuracy and out-of-scope
    declines on these questions: the two floors the matcher is held to, weighted alike.

    The matcher's own thresholds were tuned on the same labelled set, so each baseline gets the
    same advantage. Ties go to the lowest threshold.
    """
    in_total = sum(item.in_scope for item in items) or 1
    out_total = (len(items) - sum(item.in_scope for item in items)) or 1
    best_threshold, best_value = 0.0, -1.0
    for threshold in sorted({score for _, score in guesses} | {math.inf}):
        answered_right = declined = 0
        for item, (entry_id, score) in zip(items, guesses, strict=True):
            answers = entry_id is not None and score >= threshold
            if item.in_scope:
                answered_right += answers and entry_id in item.expected
            else:
                declined += not answers
        value = answered_right / in_total + declined / out_total
        if value > best_value:
            best_threshold, best_value = threshold, value
    return best_threshold


def time_passes(
    answer: Callable[[Item], str | None],
    items: list[Item],
    rounds: int,
    reset: Callable[[], None] = lambda: None,
) -> tuple[list[str | None], dict[str, float]]:
    """Answers from the first pass, and the median over `rounds` passes of p50 and of p99.

    `reset` runs before each pass, so that every pass starts as cold as the first.
    """
    answers: list[str | None] = []
    p50s, p99s = [], []
    for round_number in range(rounds):
        reset()
        samples = []
        for item in items:
            start = time.perf_counter()
            chosen_id = answer(item)
            samples.append(time.perf_counter() - start)
            if round_number == 0:
                answers.append(chosen_id)
        figures = latency(samples)
        p50s.append(figures["p50_ms"])
        p99s.append(figures["p99_ms"])
    return answers, {"p50_ms": statistics.median(p50s), "p99_ms": statistics.median(p99s)}


def matcher_answer(asker: Matcher | Engine) -> Callable[[Item], str | None]:
    """The matcher (or the whole engine) as a function of one item; asking to clarify is neither
    answer nor decline, and small talk is no answer."""

    def answer(item: Item) -> str | None:
        outcome = asker.ask(item.question, lang=item.lang)
        if outcome.kind == "clarify":
            return CLARIFY
        return outcome.entry.id if outcome.entry is not None else None

    return answer


def _cold(matcher: Matcher) -> None:
    """Empty `matcher`'s cache of word lookups, so that a timing pass starts as cold as the first."""
    matcher.forget_words()


def quality(kb: KnowledgeBase, items: list[Item], rounds: int, progress: Progress) -> dict:
    """Matcher and baselines on the shipped knowledge base: top-1 rates and latency."""
    progress("quality: building the engine")
    engine = Engine.build(kb)
    matcher = engine.matcher
    result: dict[str, dict] = {}
    progress(f"quality: coopbot, {rounds} pass(es) over {len(items)} questions")
    answers, timing = time_passes(
        matcher_answer(engine), items, rounds, reset=lambda: _cold(matcher)
    )
    result["coopbot"] = {
        **rates(items, [is_right(i, a) for i, a in zip(items, answers, strict=True)]),
        **timing,
        "threshold": "understanding, then the matcher's",
    }
    progress(f"quality: matcher, {rounds} pass(es) over {len(items)} questions")
    # Word corrections are cached across questions, as in a running bot; not across passes.
    answers, timing = time_passes(
        matcher_answer(matcher), items, rounds, reset=lambda: _cold(matcher)
    )
    result["matcher"] = {
        **rates(items, [is_right(i, a) for i, a in zip(items, answers, strict=True)]),
        **timing,
        "threshold": f"answer >= {matcher.t.answer}, decline < {matcher.t.decline}",
    }
    baselines, _, missing = build_baselines(matcher)
    for name, baseline in baselines.items():
        progress(f"quality: {name}, tuning its decline threshold")
        guesses = []
        for item in items:
            index, score = baseline.best(item.question)
            guesses.append((baseline.ids[index] if index is not None else None, score))
        baseline.threshold = tune(items, guesses)
        progress(f"quality: {name}, {rounds} pass(es) over {len(items)} questions")
        answers, timing = time_passes(
            lambda item, b=baseline: b.choose(item.question), items, rounds
        )
        result[name] = {
            **rates(items, [is_right(i, a) for i, a in zip(items, answers, strict=True)]),
            **timing,
            "threshold": f"score >= {baseline.threshold:.4g}",
            "cutoff": baseline.threshold,
        }
    if missing:
        result["bm25"] = {"skipped": missing}
    return result

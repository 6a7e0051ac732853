"""The baselines the matcher is compared with: difflib's closest phrasing and Okapi BM25.

They are what people would otherwise reach for. Both start from exactly the text the matcher
indexes (`Matcher.canonical`, then `spaced` or `tokens`), so the comparison is of the methods,
not of the normalisation.
"""

from __future__ import annotations

import difflib
import gc
import time

from benchmarks import INSTALL_EXTRAS
from benchmarks.measure import rss_mb
from bot.matcher import Matcher, spaced, tokens


def bm25_missing() -> str | None:
    """Why the BM25 baseline cannot run, or None when it can."""
    try:
        import rank_bm25  # noqa: F401
    except ImportError:
        return f"BM25 baseline skipped: rank-bm25 is not installed ({INSTALL_EXTRAS})"
    return None


def entry_texts(matcher: Matcher) -> list[list[str]]:
    """Each entry's text exactly as the matcher indexes it: canonical phrasings, keywords, and
    the topic's aliases on its overview, so the baselines start from the same normalised text."""
    texts = []
    for entry in matcher.entries:
        topic = matcher.kb.topics[entry.topic]
        aliases = topic.names if topic.overview == entry.id else ()
        raw = (*entry.all_questions(), *entry.keywords, *aliases)
        texts.append([text for text in map(matcher.canonical, raw) if text])
    return texts


class Baseline:
    """A retrieval method without the matcher's decisions: its best entry and that entry's score.

    It answers when the score reaches `threshold` and declines below it; `tune` sets the threshold.
    """

    name = ""

    def __init__(self, matcher: Matcher) -> None:
        self.canonical = matcher.canonical
        self.ids = [entry.id for entry in matcher.entries]
        self.threshold = 0.0

    def best(self, question: str) -> tuple[int | None, float]:
        raise NotImplementedError

    def choose(self, question: str) -> str | None:
        """The id of the entry it answers with, or None for a decline."""
        index, score = self.best(question)
        return self.ids[index] if index is not None and score >= self.threshold else None


class DifflibBaseline(Baseline):
    """The standard library's closest phrasing: what `difflib.get_close_matches(n=1)` returns.

    It is get_close_matches' own loop (the cheap upper bounds first, the full ratio last, the
    greatest (score, phrasing) winning) with the cutoff raised to the best score found so far:
    the same answer, several times sooner, so the baseline is timed at its best.
    """

    name = "difflib"

    def __init__(self, matcher: Matcher, texts: list[list[str]]) -> None:
        super().__init__(matcher)
        self.owner: dict[str, int] = {}
        for index, entry_text in enumerate(texts):
            for text in entry_text:
                self.owner.setdefault(spaced(text), index)
        self.choices = list(self.owner)

    def best(self, question: str) -> tuple[int | None, float]:
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(spaced(self.canonical(question)))
        found: tuple[float, str] | None = None
        cutoff = self.threshold
        for choice in self.choices:
            matcher.set_seq1(choice)
            if (
                matcher.real_quick_ratio() >= cutoff
                and matcher.quick_ratio() >= cutoff
                and (score := matcher.ratio()) >= cutoff
                and (found is None or (score, choice) > found)
            ):
                found, cutoff = (score, choice), score
        return (self.owner[found[1]], found[0]) if found else (None, 0.0)


class BM25Baseline(Baseline):
    """Okapi BM25 (rank-bm25) with each entry as one document of the matcher's index terms."""

    name = "bm25"

    def __init__(self, matcher: Matcher, texts: list[list[str]]) -> None:
        from rank_bm25 import BM25Okapi

        super().__init__(matcher)
        self.index = BM25Okapi([[t for text in entry for t in tokens(text)] for entry in texts])

    def best(self, question: str) -> tuple[int | None, float]:
        terms = tokens(self.canonical(question))
        if not terms:
            return None, 0.0
        scores = self.index.get_scores(terms)
        index = int(scores.argmax())
        return index, float(scores[index])


def build_baselines(
    matcher: Matcher,
) -> tuple[dict[str, Baseline], dict[str, dict[str, float]], str | None]:
    """The baselines that can run; each one's build time (the shared text preparation included,
    as each would need it alone) and resident memory added; and why BM25 is missing if it is."""
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    texts = entry_texts(matcher)
    prepared = time.perf_counter() - start
    baselines: dict[str, Baseline] = {}
    costs: dict[str, dict[str, float]] = {}
    makers: list[type[Baseline]] = [DifflibBaseline]
    missing = bm25_missing()
    if missing is None:
        makers.append(BM25Baseline)
    for maker in makers:
        gc.collect()
        start = time.perf_counter()
        baselines[maker.name] = maker(matcher, texts)
        seconds = prepared + time.perf_counter() - start
        gc.collect()
        costs[maker.name] = {"build_s": round(seconds, 3), "index_mb": round(rss_mb() - before, 1)}
        before = rss_mb()
    return baselines, costs, missing

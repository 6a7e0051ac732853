"""`coopbot bench`: how fast the matcher is, how it scales, and how it compares with baselines.

Speed claims need figures that anyone can reproduce with one command, so everything is measured in
one run on the same labelled questions (`tests/data/labelled`) and the same normalised text as the
matcher (`Matcher.canonical`, then `spaced` or `tokens`):

- quality and latency of the matcher against two baselines people would otherwise reach for: the
  standard library's `difflib` closest phrasing, and BM25 (`rank-bm25`, in the `bench` extra);
- scale: synthetic knowledge bases derived from the real one, each measured in a fresh process so
  that peak memory and build time belong to that size alone;
- end to end: the real Telegram Application against the test fake Bot API server on loopback;
- cold start: process start to the first answer, and resident memory after loading.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import gc
import importlib.util
import itertools
import json
import math
import multiprocessing
import os
import platform
import queue
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from bot.config import Settings
from bot.engine import Engine
from bot.evaluate import Item, default_files, load_items
from bot.knowledge import Entry, KnowledgeBase, Topic, load_or_raise
from bot.matcher import Matcher, spaced, tokens
from bot.text import LANGS, is_cjk

# --- synthetic knowledge bases --------------------------------------------------------------------

# Invented place names are built from these, so a clone of "Sichuan" reads like another province
# and its Chinese name mixes characters the real knowledge base also uses.
_ONSETS = ("b", "ch", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "q", "r", "s", "sh", "t")
_ONSETS += ("w", "x", "y", "z", "zh")
_RIMES = ("a", "ai", "an", "ang", "ao", "e", "ei", "en", "eng", "i", "ian", "in", "ing", "o", "ong")
_RIMES += ("ou", "u", "uan", "un", "uo")
_HAN_NAME_CHARS = "安宁平阳山川江河湖海东西南北新丰德兴华泰和永清长春云龙桂岭溪源石城州庆昌明"


class _NameMaker:
    """Unique invented place names, in Latin letters and in Chinese characters."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _fresh(self, make: Callable[[], str]) -> str:
        while True:
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name

    def latin(self) -> str:
        def make() -> str:
            syllables = self.rng.choice((2, 2, 3))
            return "".join(
                self.rng.choice(_ONSETS) + self.rng.choice(_RIMES) for _ in range(syllables)
            )

        return self._fresh(make)

    def han(self) -> str:
        return self._fresh(
            lambda: "".join(self.rng.choices(_HAN_NAME_CHARS, k=self.rng.choice((2, 3))))
        )


def _name_pattern(topic: Topic) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """What names the topic in its phrasings: one-word Latin aliases and every Chinese alias.

    Multi-word aliases ("greater bay area") stay, as the generic words of any topic would.
    """
    latin = {topic.id, *(a for a in topic.aliases if a.isascii() and re.fullmatch(r"\w+", a))}
    han = {a for a in topic.aliases if any(is_cjk(ch) for ch in a)}
    by_length = lambda names: sorted(names, key=len, reverse=True)  # noqa: E731
    latin_re = (
        re.compile(r"\b(" + "|".join(map(re.escape, by_length(latin))) + r")\b", re.I)
        if latin
        else None
    )
    han_re = re.compile("|".join(map(re.escape, by_length(han)))) if han else None
    return latin_re, han_re


def _renamer(
    patterns: tuple[re.Pattern[str] | None, re.Pattern[str] | None], latin: str, han: str
) -> Callable[[str], str]:
    """A function putting the invented names where the topic's own names were."""
    latin_re, han_re = patterns

    def rename(text: str) -> str:
        if latin_re is not None:
            text = latin_re.sub(latin, text)
        return han_re.sub(han, text) if han_re is not None else text

    return rename


def _recombine(phrasings: list[str], rng: random.Random) -> tuple[str, ...]:
    """Most of an entry's phrasings in a new order, plus one made of two halves of others.

    Splicing within one entry keeps the vocabulary and length of real questions while making each
    clone's phrasings differ from its source's.
    """
    kept = rng.sample(phrasings, max(1, (len(phrasings) * 3 + 3) // 4))
    if len(phrasings) >= 2:
        first, second = rng.sample(phrasings, 2)
        if " " in first and " " in second:
            a, b = first.split(), second.split()
            kept.append(" ".join(a[: len(a) // 2] + b[len(b) // 2 :]))
        else:
            kept.append(first[: len(first) // 2] + second[len(second) // 2 :])
    return tuple(kept)


def synthetic_kb(kb: KnowledgeBase, size: int, seed: int = 0) -> KnowledgeBase:
    """A knowledge base of exactly `size` entries derived from `kb`, held in memory only.

    The real entries come first, unchanged, so labelled questions keep their right answer. Then
    come clones of every topic under an invented place name: the topic's names in each phrasing and
    keyword are replaced, and the phrasings shuffled and recombined. Answers and sources are shared
    with the source entry: the matcher never reads them, and sharing keeps the memory figures about
    the index. Below the real size, the first `size` real entries are kept.
    """
    real = list(kb.entries.values())
    entries: dict[str, Entry] = {e.id: e for e in real[:size]}
    topics = dict(kb.topics)
    rng = random.Random(seed)
    names = _NameMaker(rng)
    patterns = {topic.id: _name_pattern(topic) for topic in kb.topics.values()}
    for copy in itertools.count(1):
        if len(entries) >= size:
            break
        renamed: dict[str, tuple[str, str]] = {}
        for topic in kb.topics.values():
            latin, han = names.latin(), names.han()
            renamed[topic.id] = (latin, han)
            topics[f"{topic.id}-x{copy}"] = dataclasses.replace(
                topic,
                id=f"{topic.id}-x{copy}",
                name={lang: f"{latin.title()} {han}" for lang in topic.name},
                overview=f"{topic.overview}-x{copy}",
                aliases=(latin, han),
            )
        for entry in real:
            if len(entries) >= size:
                break
            rename = _renamer(patterns[entry.topic], *renamed[entry.topic])
            entries[f"{entry.id}-x{copy}"] = dataclasses.replace(
                entry,
                id=f"{entry.id}-x{copy}",
                topic=f"{entry.topic}-x{copy}",
                questions={
                    lang: _recombine([rename(q) for q in entry.questions[lang]], rng)
                    for lang in LANGS
                    if entry.questions.get(lang)
                },
                related=(),
                keywords=tuple(dict.fromkeys(rename(k) for k in entry.keywords)),
            )
    return KnowledgeBase(kb.meta, topics, entries, kb.path)


# --- measuring ------------------------------------------------------------------------------------


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: a value that was really measured, never an interpolation."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)] if ordered else 0.0


def latency(samples: list[float]) -> dict[str, float]:
    """p50 / p99 in milliseconds of samples in seconds."""
    return {
        "p50_ms": round(percentile(samples, 0.50) * 1000, 3),
        "p99_ms": round(percentile(samples, 0.99) * 1000, 3),
    }


def rss_mb() -> float:
    """This process's resident memory now (VmRSS), or its peak where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


class Progress:
    """One line on stderr, rewritten in place: only on a terminal, and never with --json."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"\r\033[K[bench] {message}", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.enabled:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


# --- baselines ------------------------------------------------------------------------------------

BENCH_EXTRA = "pip install 'coopbot[bench]'"


def bm25_missing() -> str | None:
    """Why the BM25 baseline cannot run, or None when it can."""
    try:
        import rank_bm25  # noqa: F401
    except ImportError:
        return f"BM25 baseline skipped: rank-bm25 is not installed ({BENCH_EXTRA})"
    return None


def plot_missing() -> str | None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return f"--plot needs matplotlib, which is not installed ({BENCH_EXTRA})"
    return None


def entry_texts(matcher: Matcher) -> list[list[str]]:
    """Each entry's text exactly as the matcher indexes it: canonical phrasings, keywords, and
    the topic's aliases on its overview, so the baselines start from the same normalised text."""
    texts = []
    for entry in matcher.entries:
        topic = matcher.kb.topics[entry.topic]
        aliases = topic.aliases if topic.overview == entry.id else ()
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


# --- quality against the baselines ----------------------------------------------------------------

CLARIFY = "(clarify)"  # what the matcher "answered" when it asked to clarify: never an entry id


def labelled_items(limit: int | None = None) -> list[Item]:
    """The labelled questions that name their entry or expect a decline, spread evenly when
    `limit` keeps only some (every topic and language stays represented)."""
    items = [
        item
        for path in default_files()
        for item in load_items(path)
        if item.expected or not item.in_scope
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


def matcher_answer(matcher: Matcher) -> Callable[[Item], str | None]:
    """The matcher as a function of one item; asking to clarify is neither answer nor decline."""

    def answer(item: Item) -> str | None:
        outcome = matcher.ask(item.question, lang=item.lang)
        if outcome.kind == "clarify":
            return CLARIFY
        return outcome.entry.id if outcome.entry is not None else None

    return answer


def quality(kb: KnowledgeBase, items: list[Item], rounds: int, progress: Progress) -> dict:
    """Matcher and baselines on the shipped knowledge base: top-1 rates and latency."""
    progress("quality: building the matcher")
    matcher = Matcher(kb)
    result: dict[str, dict] = {}
    progress(f"quality: matcher, {rounds} pass(es) over {len(items)} questions")
    # Word corrections are cached across questions, as in a running bot; not across passes.
    answers, timing = time_passes(
        matcher_answer(matcher), items, rounds, reset=matcher.forget_words
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


# --- scale ----------------------------------------------------------------------------------------


def measure_size(
    knowledge: Path,
    size: int,
    questions: list[tuple[str, str]],
    cutoffs: dict[str, float],
    budget: float,
    progress: bool,
) -> dict:
    """One knowledge-base size, measured in a fresh process (see `scale`).

    Every method gets the same questions in the same order, and stops after `budget` seconds
    once it has answered at least MIN_SCALE_QUESTIONS: at 100,000 entries a baseline can take a
    second a question. The process is fresh, so the matcher's word caches start empty.
    The baselines keep the decline thresholds tuned on the shipped knowledge base (`cutoffs`):
    difflib's is what lets it skip most phrasings.
    """
    say = Progress(progress)
    kb = load_or_raise(knowledge)
    start = time.perf_counter()
    synthetic = synthetic_kb(kb, size)
    result: dict = {"size": size, "generate_s": round(time.perf_counter() - start, 3)}
    del kb
    gc.collect()
    before = rss_mb()
    say(f"scale {size:,}: building the matcher")
    start = time.perf_counter()
    matcher = Matcher(synthetic)
    built = time.perf_counter() - start
    gc.collect()
    methods: dict[str, dict] = {
        "matcher": {"build_s": round(built, 3), "index_mb": round(rss_mb() - before, 1)}
    }
    say(f"scale {size:,}: building the baselines")
    baselines, costs, missing = build_baselines(matcher)
    for name, baseline in baselines.items():
        baseline.threshold = cutoffs.get(name, 0.0)
    answerers: dict[str, Callable[[str, str], object]] = {
        "matcher": lambda q, lang: matcher.ask(q, lang=lang),  # type: ignore[misc]
        **{name: (lambda q, _lang, b=b: b.best(q)) for name, b in baselines.items()},
    }
    for name, answer in answerers.items():
        say(f"scale {size:,}: {name}")
        samples: list[float] = []
        deadline = time.perf_counter() + budget
        for question, lang in questions:
            if len(samples) >= MIN_SCALE_QUESTIONS and time.perf_counter() > deadline:
                break
            begin = time.perf_counter()
            answer(question, lang)
            samples.append(time.perf_counter() - begin)
        methods.setdefault(name, {}).update(costs.get(name, {}))
        methods[name].update({**latency(samples), "questions": len(samples)})
    if missing:
        methods["bm25"] = {"skipped": missing}
    result["methods"] = methods
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    say.done()
    return result


def scale(
    knowledge: Path,
    sizes: list[int],
    items: list[Item],
    cutoffs: dict[str, float],
    budget: float,
    progress: Progress,
) -> list[dict]:
    """Each size in a fresh process, so that its peak memory and build time are its own."""
    questions = [(item.question, item.lang) for item in items]
    context = multiprocessing.get_context("spawn")
    results = []
    for size in sizes:
        progress(f"scale {size:,}: starting")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            job = pool.submit(
                measure_size, knowledge, size, questions, cutoffs, budget, progress.enabled
            )
            results.append(job.result())
    return results


def growth(points: list[dict]) -> dict[str, dict[str, float]]:
    """How each cost grows with size: the exponent k of size**k fitted on a log-log scale
    (1 is linear, below 1 sub-linear), per method and figure."""
    result: dict[str, dict[str, float]] = {}
    usable = [p for p in points if p["size"] > 0]
    if len(usable) < 2:
        return result
    for method in usable[-1]["methods"]:
        for figure in ("p50_ms", "p99_ms", "build_s", "index_mb"):
            pairs = [
                (math.log(p["size"]), math.log(p["methods"][method][figure]))
                for p in usable
                if p["methods"].get(method, {}).get(figure, 0) > 0
            ]
            if len(pairs) < 2:
                continue
            mean_x = statistics.fmean(x for x, _ in pairs)
            mean_y = statistics.fmean(y for _, y in pairs)
            spread = sum((x - mean_x) ** 2 for x, _ in pairs)
            if spread:
                slope = sum((x - mean_x) * (y - mean_y) for x, y in pairs) / spread
                result.setdefault(method, {})[figure] = round(slope, 2)
    return result


# --- end to end -----------------------------------------------------------------------------------

BENCH_TOKEN = "123456789:AAbenchTokenForTheFakeBotApi_0123456"


def fake_bot_api() -> ModuleType | str:
    """The test fake Bot API server (tests/support/fake_bot_api.py), or why it cannot be used."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "tests" / "support" / "fake_bot_api.py").is_file():
        return "end-to-end skipped: needs a source checkout (tests/support/fake_bot_api.py)"
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return importlib.import_module("tests.support.fake_bot_api")


def serve_bot(settings: Settings) -> None:
    """The bot as `coopbot run` serves it (polling), with the outgoing rate limiter off; in its own
    process, so that its CPU time is measured apart from the fake server and the simulated users.

    A one-second long poll, where `coopbot run` waits ten: an idle poll returns as soon as an update
    arrives either way, and the bot then stops within a second of SIGTERM.
    """
    from bot.telegram.app import build_application, run

    engine = Engine.load(settings.knowledge)
    run(build_application(settings, engine, rate_limiter=False), settings, poll_timeout=1)


def _cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process (Linux), for the bot's cost per update."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def end_to_end(
    knowledge: Path, users: int, per_user: int, questions: list[str], progress: Progress
) -> dict:
    """N users asking at once, each asking its next question when the last one is answered.

    Latency runs from the moment a user's update is queued at the fake server to the moment the
    server receives the bot's reply. The fake server and the users share this process; the bot
    runs in another, as it would in production.
    """
    fake = fake_bot_api()
    if isinstance(fake, str):
        return {"skipped": fake}
    progress(f"end to end: starting the bot for {users} users")
    with tempfile.TemporaryDirectory(prefix="coopbot-bench-") as folder, fake.FakeBotApi() as api:
        settings = Settings(
            token=BENCH_TOKEN,
            api_url=api.root,
            knowledge=knowledge,
            db_path=Path(folder) / "bench.db",
            user_hash_key=b"bench",
            flood_limit=1_000_000,  # the flood gate would slow the simulated users, not the bot
        )
        bot = multiprocessing.get_context("spawn").Process(
            target=serve_bot, args=(settings,), daemon=True
        )
        bot.start()
        try:
            api.wait_for("getUpdates", timeout=60)
            return _drive(api, bot.pid or 0, users, per_user, questions, progress)
        finally:
            bot.terminate()
            bot.join(30)
            if bot.is_alive():
                bot.kill()


def _drive(
    api: Any, pid: int, users: int, per_user: int, questions: list[str], progress: Progress
) -> dict:
    """One user alone first (latency without queueing, which also warms the bot up), then all
    `users` at once; replies are matched to users by a single thread reading the server's log."""
    alone = users + 1
    replies: dict[int, queue.Queue[float]] = {uid: queue.Queue() for uid in range(1, alone + 1)}

    def watch() -> None:
        cursor = 0
        for _ in range((users + 1) * per_user):
            call = api.wait_for(lambda c: c.method == "sendMessage", after=cursor, timeout=60)
            cursor = call.index + 1
            replies[int(call.params["chat_id"])].put(call.timestamp)

    threading.Thread(target=watch, name="bench-replies", daemon=True).start()

    def ask(uid: int, latencies: list[float]) -> None:
        for n in range(per_user):
            question = questions[(uid * per_user + n) % len(questions)]
            sent = time.time()  # the server stamps calls with time.time() too
            api.push_update(api.make_message(question, user_id=uid))
            latencies.append(replies[uid].get(timeout=60) - sent)

    progress(f"end to end: one user, {per_user} questions")
    unloaded: list[float] = []
    ask(alone, unloaded)
    progress(f"end to end: {users} users x {per_user} questions")
    latencies: list[float] = []
    failures: list[BaseException] = []

    def user(uid: int) -> None:
        try:
            ask(uid, latencies)
        except BaseException as exc:  # reported below, in the measuring thread
            failures.append(exc)

    cpu_before = _cpu_seconds(pid)
    start = time.perf_counter()
    threads = [threading.Thread(target=user, args=(uid,)) for uid in range(1, users + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    cpu_after = _cpu_seconds(pid)
    if failures:
        raise RuntimeError(f"end-to-end: a simulated user got no reply: {failures[0]!r}")
    handled = users * per_user
    result = {
        "users": users,
        "questions_per_user": per_user,
        "updates": handled,
        "updates_per_s": round(handled / seconds, 1),
        **latency(latencies),
        "one_user": latency(unloaded),
        "rejected_calls": len(api.errors),
    }
    if cpu_before is not None and cpu_after is not None:
        result["bot_cpu_ms_per_update"] = round((cpu_after - cpu_before) * 1000 / handled, 3)
    return result


# --- cold start -----------------------------------------------------------------------------------

COLD_QUESTION = "What is CEPA?"


def loaded_memory(knowledge: str) -> None:
    """Run in a fresh interpreter by `cold_start`: load, answer once, print resident MB."""

    matcher = Engine.load(Path(knowledge)).matcher
    matcher.ask(COLD_QUESTION)
    gc.collect()
    print(f"{rss_mb():.1f}")


def cold_start(knowledge: Path, runs: int, progress: Progress) -> dict:
    """Process start to the first answer of `python -m bot ask`, and resident memory after
    loading, each the median of `runs` fresh processes."""
    root = Path(__file__).resolve().parent.parent
    ask = [sys.executable, "-m", "bot", "--knowledge", str(knowledge), "ask", COLD_QUESTION]
    probe = [
        sys.executable,
        "-c",
        f"from bot.bench import loaded_memory; loaded_memory({str(knowledge)!r})",
    ]
    seconds, memory = [], []
    for run in range(runs):
        progress(f"cold start: run {run + 1} of {runs}")
        start = time.perf_counter()
        with subprocess.Popen(ask, cwd=root, stdout=subprocess.PIPE, text=True) as process:
            assert process.stdout is not None
            first = process.stdout.readline()
            seconds.append(time.perf_counter() - start)
            process.stdout.read()
        if process.returncode or not first.strip():
            raise RuntimeError(f"cold start: {' '.join(ask)} failed")
        output = subprocess.run(probe, cwd=root, capture_output=True, text=True, check=True)
        memory.append(float(output.stdout.split()[-1]))
    return {
        "runs": runs,
        "first_answer_s": round(statistics.median(seconds), 3),
        "rss_mb": round(statistics.median(memory), 1),
    }


# --- the whole run --------------------------------------------------------------------------------

PARTS = ("quality", "scale", "e2e", "cold")
MIN_SCALE_QUESTIONS = 10


@dataclass(frozen=True)
class Options:
    """What to measure and how long for; the command line's defaults are in `bot.cli`."""

    knowledge: Path
    sizes: tuple[int, ...]
    rounds: int
    budget: float
    questions: int | None
    users: int
    per_user: int
    cold_runs: int
    skip: frozenset[str]


def run_bench(options: Options, progress: Progress) -> dict:
    """Every measurement the options ask for, as one JSON-ready dict."""
    kb = load_or_raise(options.knowledge)
    items = labelled_items(options.questions)
    result: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(terse=True),
        },
        "knowledge": {"entries": len(kb.entries), "topics": len(kb.topics)},
        "questions": {
            "total": len(items),
            "in_scope": sum(item.in_scope for item in items),
            "out_of_scope": sum(not item.in_scope for item in items),
        },
    }
    if "quality" not in options.skip:
        result["quality"] = quality(kb, items, options.rounds, progress)
    if "scale" not in options.skip and options.sizes:
        cutoffs = {
            name: figures["cutoff"]
            for name, figures in result.get("quality", {}).items()
            if "cutoff" in figures
        }
        points = scale(
            options.knowledge, list(options.sizes), items, cutoffs, options.budget, progress
        )
        result["scale"] = points
        result["growth"] = growth(points)
    if "e2e" not in options.skip:
        questions = [item.question for item in items]
        result["end_to_end"] = end_to_end(
            options.knowledge, options.users, options.per_user, questions, progress
        )
    if "cold" not in options.skip:
        result["cold_start"] = cold_start(options.knowledge, options.cold_runs, progress)
    result["targets"] = targets(result)
    progress.done()
    return result


def targets(result: dict) -> list[dict]:
    """The issue's targets that this run measured, each with the figure reached."""
    checks: list[tuple[str, float, bool]] = []
    matcher = result.get("quality", {}).get("matcher")
    if matcher:
        in_scope = matcher["accuracy_in_scope"]
        checks.append(("top-1 in scope >= 95%", in_scope, in_scope >= 0.95))
        declined = matcher["declined_out_of_scope"]
        checks.append(("out of scope declined >= 95%", declined, declined >= 0.95))
        others = [
            m["balanced"]
            for name, m in result["quality"].items()
            if name != "matcher" and "balanced" in m
        ]
        if others:
            lead = round(matcher["balanced"] - max(others), 4)
            checks.append(("balanced top-1 >= best baseline's + 10 points", lead, lead >= 0.10))
        checks.append(("matcher p99 < 1 ms, shipped", matcher["p99_ms"], matcher["p99_ms"] < 1))
    for point in result.get("scale", []):
        if point["size"] == 100_000:
            p99 = point["methods"]["matcher"]["p99_ms"]
            checks.append(("matcher p99 < 25 ms at 100,000 entries", p99, p99 < 25))
    e2e = result.get("end_to_end", {})
    if "updates_per_s" in e2e:
        rate = e2e["updates_per_s"]
        checks.append(("end to end >= 300 updates/s", rate, rate >= 300))
        checks.append(("end to end p99 < 50 ms", e2e["p99_ms"], e2e["p99_ms"] < 50))
    cold = result.get("cold_start")
    if cold:
        checks.append(("cold start < 1 s", cold["first_answer_s"], cold["first_answer_s"] < 1))
        checks.append(("resident memory < 120 MB", cold["rss_mb"], cold["rss_mb"] < 120))
    return [{"target": name, "value": value, "met": met} for name, value, met in checks]


# --- output ---------------------------------------------------------------------------------------


def _cell(figures: dict, key: str, fmt: str) -> str:
    value = figures.get(key)
    return format(value, fmt) if isinstance(value, int | float) else "-"


def format_table(result: dict) -> str:
    machine, kb, questions = result["machine"], result["knowledge"], result["questions"]
    lines = [
        f"coopbot bench: {machine['cpus']} CPUs, Python {machine['python']}, "
        f"{kb['entries']} entries; {questions['total']} labelled questions "
        f"({questions['in_scope']} in scope, {questions['out_of_scope']} out of scope)",
    ]
    if "quality" in result:
        lines += [
            "",
            "Shipped knowledge base: top-1 and latency per question (median of passes)",
            f"  {'method':<8} {'in scope':>9} {'declined':>9} {'balanced':>9} {'p50 ms':>8} "
            f"{'p99 ms':>8}  decides",
        ]
        for name, figures in result["quality"].items():
            if "skipped" in figures:
                lines.append(f"  {name:<8} {figures['skipped']}")
                continue
            lines.append(
                f"  {name:<8} {figures['accuracy_in_scope']:>9.1%} "
                f"{figures['declined_out_of_scope']:>9.1%} {figures['balanced']:>9.1%} "
                f"{figures['p50_ms']:>8.3f} "
                f"{figures['p99_ms']:>8.3f}  {figures['threshold']}"
            )
    if "scale" in result:
        lines += [
            "",
            "Synthetic knowledge bases (each size in a fresh process)",
            f"  {'entries':>8} {'method':<8} {'build s':>8} {'index MB':>9} {'p50 ms':>9} "
            f"{'p99 ms':>9} {'questions':>9} {'peak MB':>8}",
        ]
        for point in result["scale"]:
            for name, figures in point["methods"].items():
                if "skipped" in figures:
                    lines.append(f"  {point['size']:>8,} {name:<8} {figures['skipped']}")
                    continue
                lines.append(
                    f"  {point['size']:>8,} {name:<8} {_cell(figures, 'build_s', '8.2f')} "
                    f"{_cell(figures, 'index_mb', '9.1f')} {figures['p50_ms']:>9.3f} "
                    f"{figures['p99_ms']:>9.3f} {figures['questions']:>9} "
                    f"{point['peak_rss_mb']:>8.0f}"
                )
        for name, slopes in result.get("growth", {}).items():
            shown = ", ".join(f"{figure} ~ size^{k}" for figure, k in slopes.items())
            lines.append(f"  growth, {name}: {shown}")
    e2e = result.get("end_to_end")
    if e2e is not None:
        lines += ["", "End to end: the Telegram Application against the fake Bot API on loopback"]
        if "skipped" in e2e:
            lines.append(f"  {e2e['skipped']}")
        else:
            lines.append(
                f"  one user: reply p50 {e2e['one_user']['p50_ms']:.1f} ms, "
                f"p99 {e2e['one_user']['p99_ms']:.1f} ms"
            )
            lines.append(
                f"  {e2e['users']} users x {e2e['questions_per_user']} questions: "
                f"{e2e['updates_per_s']:.0f} updates/s, reply p50 {e2e['p50_ms']:.1f} ms, "
                f"p99 {e2e['p99_ms']:.1f} ms, bot CPU {_cell(e2e, 'bot_cpu_ms_per_update', '.2f')} "
                f"ms per update, {e2e['rejected_calls']} calls rejected"
            )
    cold = result.get("cold_start")
    if cold is not None:
        lines += [
            "",
            f"Cold start (median of {cold['runs']}): first answer after "
            f"{cold['first_answer_s']:.2f} s; resident memory {cold['rss_mb']:.0f} MB",
        ]
    if result["targets"]:
        lines += ["", "Targets"]
        for target in result["targets"]:
            mark = "met   " if target["met"] else "MISSED"
            lines.append(f"  {mark} {target['target']}: {target['value']}")
    return "\n".join(lines)


def plot(result: dict, path: Path) -> None:
    """Latency (p50 solid, p99 dashed) against knowledge-base size, log-log, one colour a method."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 4.5))
    points = result.get("scale", [])
    names = dict.fromkeys(name for p in points for name in p["methods"])
    for number, name in enumerate(names):
        measured = [p for p in points if "p50_ms" in p["methods"].get(name, {})]
        sizes = [p["size"] for p in measured]
        colour = f"C{number}"
        for figure_key, style in (("p50_ms", "-"), ("p99_ms", "--")):
            values = [p["methods"][name][figure_key] for p in measured]
            label = f"{name} {figure_key.removesuffix('_ms')}"
            axes.plot(sizes, values, style, color=colour, marker="o", label=label)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("knowledge-base entries")
    axes.set_ylabel("latency per question (ms)")
    axes.set_title("coopbot bench: latency against knowledge-base size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    pyplot.close(figure)


# --- the command ----------------------------------------------------------------------------------

EXIT_OK, EXIT_USAGE = 0, 2


def _positive_ints(text: str) -> tuple[int, ...]:
    values = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    if any(value < 1 for value in values):
        raise ValueError("sizes must be positive")
    return values


def command(args: argparse.Namespace, knowledge: Path) -> int:
    """`coopbot bench`: check the options, measure, print the table or JSON, write and plot."""
    try:
        sizes = _positive_ints(args.sizes)
    except ValueError:
        print(
            f"coopbot bench: --sizes wants positive whole numbers, not {args.sizes!r}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    skip = frozenset(part for part in args.skip.replace(" ", "").split(",") if part)
    if skip - set(PARTS):
        unknown = ", ".join(sorted(skip - set(PARTS)))
        print(f"coopbot bench: --skip knows {', '.join(PARTS)}; not {unknown}", file=sys.stderr)
        return EXIT_USAGE
    numbers = {"--rounds": args.rounds, "--users": args.users, "--per-user": args.per_user}
    numbers |= {"--cold-runs": args.cold_runs, "--questions": args.questions or 1}
    wrong = [flag for flag, value in numbers.items() if value < 1]
    if wrong:
        print(f"coopbot bench: {', '.join(wrong)} must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.plot and (reason := plot_missing()):  # before measuring, not after
        print(f"coopbot bench: {reason}", file=sys.stderr)
        return EXIT_USAGE
    if not labelled_items():
        print(
            "coopbot bench: the labelled questions (tests/data/labelled) are missing",
            file=sys.stderr,
        )
        return EXIT_USAGE
    options = Options(
        knowledge=knowledge,
        sizes=sizes,
        rounds=args.rounds,
        budget=args.budget,
        questions=args.questions,
        users=args.users,
        per_user=args.per_user,
        cold_runs=args.cold_runs,
        skip=skip,
    )
    if not args.json and (reason := bm25_missing()):
        print(f"coopbot bench: {reason}", file=sys.stderr)
    progress = Progress(sys.stderr.isatty() and not args.json)
    result = run_bench(options, progress)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text if args.json else format_table(result))
    if args.plot:
        plot(result, Path(args.plot))
    return EXIT_OK

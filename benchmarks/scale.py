"""Scale: the matcher and the baselines on synthetic knowledge bases of growing size.

Each size is measured in a fresh process, so that its peak memory and build time belong to that
size alone, and the growth of each cost is fitted as a power of the size.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks.baselines import build_baselines
from benchmarks.measure import Progress, latency, peak_rss_mb, rss_mb
from benchmarks.synthetic import synthetic_kb
from bot.evaluate import Item
from bot.knowledge import load_or_raise
from bot.matcher import Matcher

MIN_SCALE_QUESTIONS = 10


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

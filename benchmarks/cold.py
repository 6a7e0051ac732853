"""Cold start: process start to the first answer, and resident memory after loading.

Measured on fresh interpreters, as an operator meets them: a container restart, or `coopbot ask`
in a script.
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.measure import Progress, rss_mb
from bot.engine import Engine

COLD_QUESTION = "What is CEPA?"


def loaded_memory(knowledge: str) -> None:
    """Run in a fresh interpreter by `cold_start`: load, answer once, print resident MB."""
    matcher = Engine.load(Path(knowledge)).matcher
    matcher.ask(COLD_QUESTION)
    gc.collect()
    print(f"{rss_mb():.1f}")


def _ask_once(ask: list[str], root: Path, cache: Path) -> tuple[float, float]:
    """Seconds from process start to the first answer line, and the process's peak MB."""
    env = {**os.environ, "COOPBOT_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    process = subprocess.Popen(
        ask, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    seconds = time.perf_counter() - start
    _rest, err = process.communicate()
    if process.returncode or not first.strip():
        raise RuntimeError(f"cold start: `coopbot ask` failed: {err.strip()[-300:]}")
    return seconds, int(err.split()[-1]) / 1024  # VmHWM, in kB


def cold_start(knowledge: Path, runs: int, progress: Progress) -> dict:
    """Process start to the first answer of `python -m bot ask` and that process's peak memory,
    and resident memory after loading, each the median of `runs` fresh processes.

    Each run starts twice: with an empty engine cache (the first start after an install or an
    edit of the knowledge base, which builds the engine) and then with the cache that start
    left (every later start: `bot.engine_cache`)."""
    root = Path(__file__).resolve().parent.parent
    # `python -m bot ask`, which reports its own peak resident memory (VmHWM) as it exits: the
    # kernel's figure for the process itself, not counting what it shared with its parent before
    # exec, as getrusage and wait4 do.
    report_peak = (
        "import atexit, runpy, sys; atexit.register(lambda: print(next(line.split()[1] for line "
        "in open('/proc/self/status') if line.startswith('VmHWM')), file=sys.stderr)); "
        f"sys.argv = ['bot', '--knowledge', {str(knowledge)!r}, 'ask', {COLD_QUESTION!r}]; "
        "runpy.run_module('bot', run_name='__main__')"
    )
    ask = [sys.executable, "-c", report_peak]
    probe = [
        sys.executable,
        "-c",
        # The whole benchmark is imported first, as `coopbot bench` had it (about 4 MB more), so
        # that the figure stays comparable with those published in the README.
        "import benchmarks.__main__; from benchmarks.cold import loaded_memory; "
        f"loaded_memory({str(knowledge)!r})",
    ]
    built, cached, built_peaks, peaks, memory = [], [], [], [], []
    for run in range(runs):
        progress(f"cold start: run {run + 1} of {runs}")
        with tempfile.TemporaryDirectory() as cache:
            seconds, peak = _ask_once(ask, root, Path(cache))
            built.append(seconds)
            built_peaks.append(peak)
            seconds, peak = _ask_once(ask, root, Path(cache))
            cached.append(seconds)
            peaks.append(peak)
        output = subprocess.run(probe, cwd=root, capture_output=True, text=True, check=True)
        memory.append(float(output.stdout.split()[-1]))
    return {
        "runs": runs,
        "first_answer_s": round(statistics.median(cached), 3),
        "ask_peak_rss_mb": round(statistics.median(peaks), 1),
        "first_answer_built_s": round(statistics.median(built), 3),
        "ask_built_peak_rss_mb": round(statistics.median(built_peaks), 1),
        "rss_mb": round(statistics.median(memory), 1),
    }

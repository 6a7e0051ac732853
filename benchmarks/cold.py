"""Cold start: process start to the first answer, and resident memory after loading.

Measured on fresh interpreters, as an operator meets them: a container restart, or `coopbot ask`
in a script.
"""

from __future__ import annotations

import gc
import statistics
import subprocess
import sys
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


def cold_start(knowledge: Path, runs: int, progress: Progress) -> dict:
    """Process start to the first answer of `python -m bot ask`, and resident memory after
    loading, each the median of `runs` fresh processes."""
    root = Path(__file__).resolve().parent.parent
    ask = [sys.executable, "-m", "bot", "--knowledge", str(knowledge), "ask", COLD_QUESTION]
    probe = [
        sys.executable,
        "-c",
        # The whole benchmark is imported first, as `coopbot bench` had it (about 4 MB more), so
        # that the figure stays comparable with those published in the README.
        "import benchmarks.__main__; from benchmarks.cold import loaded_memory; "
        f"loaded_memory({str(knowledge)!r})",
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

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
    """Process start to the first answer of `python -m bot ask` and that process's peak memory,
    and resident memory after loading, each the median of `runs` fresh processes."""
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
    seconds, memory, peaks = [], [], []
    for run in range(runs):
        progress(f"cold start: run {run + 1} of {runs}")
        start = time.perf_counter()
        process = subprocess.Popen(ask, cwd=root, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        first = process.stdout.readline()
        seconds.append(time.perf_counter() - start)
        process.stdout.read()
        process.stdout.close()
        # The process's own peak resident memory, as the kernel counted it (KB on Linux).
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        peaks.append(usage.ru_maxrss / 1024)
        if process.returncode or not first.strip():
            raise RuntimeError(f"cold start: {' '.join(ask)} failed")
        output = subprocess.run(probe, cwd=root, capture_output=True, text=True, check=True)
        memory.append(float(output.stdout.split()[-1]))
    return {
        "runs": runs,
        "first_answer_s": round(statistics.median(seconds), 3),
        "ask_peak_rss_mb": round(statistics.median(peaks), 1),
        "rss_mb": round(statistics.median(memory), 1),
    }

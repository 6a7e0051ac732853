"""What every part measures with: percentiles, memory, and a progress line.

Percentiles are nearest-rank, so every figure reported is a time that was really measured.
"""

from __future__ import annotations

import math
import resource
import sys
from pathlib import Path


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

"""`python -m benchmarks`: check the options, measure, print the table or JSON, write and plot.

Run from the root of a checkout, after `pip install -e . -r benchmarks/requirements.txt`; without
those requirements BM25 and --plot are skipped, saying so. `run_bench` is the whole run, one part
after another; each part is a module of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.baselines import bm25_missing
from benchmarks.cold import cold_start
from benchmarks.e2e import end_to_end
from benchmarks.measure import Progress
from benchmarks.quality import labelled_items, quality
from benchmarks.report import format_table, plot, plot_missing, targets
from benchmarks.scale import growth, scale
from bot.config import knowledge_path
from bot.knowledge import KnowledgeError, load_or_raise

PARTS = ("quality", "scale", "e2e", "cold")


@dataclass(frozen=True)
class Options:
    """What to measure and how long for; the command line's defaults are in `build_parser`."""

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


EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
PROG = "python -m benchmarks"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Measure coopbot's matcher: quality and speed against difflib and BM25 "
        "baselines, scale on synthetic knowledge bases, end to end against a fake Bot API, and "
        "cold start. Run from the root of a checkout.",
    )
    parser.add_argument(
        "--knowledge",
        metavar="PATH",
        help="knowledge base folder (default: COOPBOT_KNOWLEDGE or built in)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--sizes",
        default="300,3000,30000,100000",
        metavar="N,...",
        help="synthetic knowledge-base sizes (default: 300,3000,30000,100000; '' for none)",
    )
    parser.add_argument(
        "--plot", metavar="FILE.png", help="draw latency against size (needs matplotlib)"
    )
    parser.add_argument("--out", metavar="FILE.json", help="also write the results to this file")
    parser.add_argument(
        "--rounds", type=int, default=3, metavar="N", help="passes over the questions (default 3)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="time per method and size, past ten questions (default 20)",
    )
    parser.add_argument(
        "--questions", type=int, metavar="N", help="use N labelled questions (default: all)"
    )
    parser.add_argument(
        "--users", type=int, default=10, metavar="N", help="simulated users (default 10)"
    )
    parser.add_argument(
        "--per-user", type=int, default=50, metavar="N", help="questions each (default 50)"
    )
    parser.add_argument(
        "--cold-runs", type=int, default=5, metavar="N", help="cold starts timed (default 5)"
    )
    parser.add_argument(
        "--skip", default="", metavar="PART,...", help="leave out any of: quality,scale,e2e,cold"
    )
    return parser


def _positive_ints(text: str) -> tuple[int, ...]:
    values = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    if any(value < 1 for value in values):
        raise ValueError("sizes must be positive")
    return values


def main(argv: list[str] | None = None) -> int:
    """Check the options, measure, print the table or JSON, write and plot."""
    args = build_parser().parse_args(argv)
    try:
        sizes = _positive_ints(args.sizes)
    except ValueError:
        print(
            f"{PROG}: --sizes wants positive whole numbers, not {args.sizes!r}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    skip = frozenset(part for part in args.skip.replace(" ", "").split(",") if part)
    if skip - set(PARTS):
        unknown = ", ".join(sorted(skip - set(PARTS)))
        print(f"{PROG}: --skip knows {', '.join(PARTS)}; not {unknown}", file=sys.stderr)
        return EXIT_USAGE
    numbers = {"--rounds": args.rounds, "--users": args.users, "--per-user": args.per_user}
    numbers |= {"--cold-runs": args.cold_runs, "--questions": args.questions or 1}
    wrong = [flag for flag, value in numbers.items() if value < 1]
    if wrong:
        print(f"{PROG}: {', '.join(wrong)} must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.plot and (reason := plot_missing()):  # before measuring, not after
        print(f"{PROG}: {reason}", file=sys.stderr)
        return EXIT_USAGE
    if not labelled_items():
        print(
            f"{PROG}: the labelled questions (tests/data/labelled) are missing",
            file=sys.stderr,
        )
        return EXIT_USAGE
    options = Options(
        knowledge=Path(args.knowledge) if args.knowledge else knowledge_path(),
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
        print(f"{PROG}: {reason}", file=sys.stderr)
    progress = Progress(sys.stderr.isatty() and not args.json)
    try:
        result = run_bench(options, progress)
    except KnowledgeError as exc:
        progress.done()
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{PROG}: the knowledge base has errors; run `coopbot validate`.", file=sys.stderr)
        return EXIT_PROBLEMS
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text if args.json else format_table(result))
    if args.plot:
        plot(result, Path(args.plot))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

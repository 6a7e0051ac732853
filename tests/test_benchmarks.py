"""`python -m benchmarks` on tiny sizes: the figures it reports, its synthetic knowledge bases, its
baselines.

No timing is asserted: these tests check that every figure is there and means what it says.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import baselines, cold, e2e, measure, quality, scale
from benchmarks.__main__ import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, main
from benchmarks.synthetic import synthetic_kb
from bot.cli import build_parser
from bot.evaluate import Item
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_KB = ROOT / "tests" / "fixtures" / "kb"
LATENCY = {"p50_ms", "p99_ms"}


@pytest.fixture
def no_bm25(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if benchmarks/requirements.txt were not installed: importing rank_bm25 fails."""
    monkeypatch.setitem(sys.modules, "rank_bm25", None)


# --- synthetic knowledge bases --------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 3, 50, 200])
def test_synthetic_kb_has_the_requested_size_and_unique_ids(kb: KnowledgeBase, size: int) -> None:
    synthetic = synthetic_kb(kb, size)
    assert len(synthetic.entries) == size
    assert all(key == entry.id for key, entry in synthetic.entries.items())
    assert all(entry.topic in synthetic.topics for entry in synthetic.entries.values())
    assert len({t.aliases for t in synthetic.topics.values() if t.id not in kb.topics}) == len(
        synthetic.topics
    ) - len(kb.topics), "every cloned topic has a name of its own"
    Matcher(synthetic)  # the matcher accepts it as it is


def test_synthetic_kb_keeps_the_real_entries_and_renames_the_clones(kb: KnowledgeBase) -> None:
    synthetic = synthetic_kb(kb, 60)
    for entry_id, entry in kb.entries.items():
        assert synthetic.entries[entry_id] == entry
    clones = [e for e in synthetic.entries.values() if e.id.startswith("chongqing-leaders-x")]
    assert clones
    for clone in clones:
        text = " ".join(clone.all_questions()).lower()
        assert "chongqing" not in text and "重慶" not in text and "渝港" not in text
        name = synthetic.topics[clone.topic].aliases[0]
        assert name in text, "the invented name takes the place of the real one"


def test_synthetic_kb_is_the_same_for_the_same_seed(kb: KnowledgeBase) -> None:
    assert synthetic_kb(kb, 40) == synthetic_kb(kb, 40)
    assert synthetic_kb(kb, 40, seed=1) != synthetic_kb(kb, 40)


# --- baselines and tuning -------------------------------------------------------------------------


@pytest.fixture
def fixture_matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


def test_difflib_baseline_finds_the_closest_phrasing(fixture_matcher: Matcher) -> None:
    baseline = baselines.DifflibBaseline(fixture_matcher, baselines.entry_texts(fixture_matcher))
    index, score = baseline.best("what is cepa")
    assert index is not None and baseline.ids[index] == "cepa-overview"
    assert 0 < score <= 1
    baseline.threshold = score + 0.01
    assert baseline.choose("what is cepa") is None, "below its threshold it declines"


def test_bm25_baseline_ranks_by_shared_terms(fixture_matcher: Matcher) -> None:
    baseline = baselines.BM25Baseline(fixture_matcher, baselines.entry_texts(fixture_matcher))
    assert baseline.choose("who leads the chongqing conference") == "chongqing-leaders"
    assert baseline.best("") == (None, 0.0)


def test_tune_balances_answers_in_scope_and_declines_out_of_scope() -> None:
    items = [
        Item("a", "en", "answer", ("x",)),
        Item("b", "en", "answer", ("y",)),
        Item("c", "en", "decline"),
        Item("d", "en", "decline"),
    ]
    guesses = [("x", 0.9), ("y", 0.5), ("x", 0.6), ("y", 0.2)]
    # 0.5 answers both in-scope questions but one decline is lost; 0.9 the reverse; 0.6 loses
    # one of each. Ties go to the lowest threshold.
    assert quality.tune(items, guesses) == 0.5
    assert quality.tune(items, [("x", 0.9), ("y", 0.8), ("x", 0.3), ("y", 0.2)]) == 0.8


def test_percentile_is_a_measured_value() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert measure.percentile(samples, 0.5) == 50.0
    assert measure.percentile(samples, 0.99) == 99.0
    assert measure.percentile([3.0], 0.99) == 3.0
    assert measure.percentile([], 0.5) == 0.0


def test_growth_is_the_log_log_slope() -> None:
    points = [
        {"size": size, "methods": {"m": {"p50_ms": size / 100, "build_s": 1.0}}}
        for size in (100, 1000, 10000)
    ]
    assert scale.growth(points) == {"m": {"p50_ms": 1.0, "build_s": 0.0}}


# --- a missing extra ------------------------------------------------------------------------------


def test_without_the_extra_bm25_is_skipped_with_the_reason(
    fixture_matcher: Matcher, no_bm25: None
) -> None:
    assert "pip install -r benchmarks/requirements.txt" in (baselines.bm25_missing() or "")
    built, costs, missing = baselines.build_baselines(fixture_matcher)
    assert set(built) == set(costs) == {"difflib"}
    assert missing == baselines.bm25_missing()


def test_without_the_extra_plot_is_refused_before_measuring(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code = main(["--plot", str(tmp_path / "p.png"), "--skip", "quality,scale,e2e,cold"])
    assert code == EXIT_USAGE
    assert "matplotlib" in capsys.readouterr().err
    assert not (tmp_path / "p.png").exists()


# --- the command ----------------------------------------------------------------------------------

QUICK = [
    "--knowledge",
    str(FIXTURE_KB),
    "--sizes",
    "50,200",
    "--questions",
    "12",
    "--rounds",
    "1",
    "--budget",
    "0",
    "--skip",
    "e2e,cold",
]


def test_bench_json_has_every_figure(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    assert main([*QUICK, "--json", "--out", str(out)]) == EXIT_OK
    printed = capsys.readouterr()
    result = json.loads(printed.out)
    assert printed.err == "", "--json keeps stderr quiet"
    assert json.loads(out.read_text(encoding="utf-8")) == result
    assert result["questions"]["total"] == 12
    quality = result["quality"]
    assert {"matcher", "difflib", "bm25"} <= set(quality)
    for name in ("matcher", "difflib"):
        assert {
            "accuracy_in_scope",
            "declined_out_of_scope",
            "balanced",
            "threshold",
        } | LATENCY <= set(quality[name])
    assert [point["size"] for point in result["scale"]] == [50, 200]
    for point in result["scale"]:
        assert point["peak_rss_mb"] > 0
        for name in ("matcher", "difflib"):
            figures = point["methods"][name]
            assert {"build_s", "index_mb", "questions"} | LATENCY <= set(figures)
            assert figures["questions"] >= scale.MIN_SCALE_QUESTIONS, "the budget keeps a floor"
    assert "matcher" in result["growth"]
    assert {t["target"] for t in result["targets"]} >= {"answering p99 < 1.5 ms, shipped"}


def test_bench_table_without_the_extra(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, no_bm25: None
) -> None:
    monkeypatch.setattr(sys, "argv", ["coopbot"])
    assert main([*QUICK, "--sizes", "30", "--skip", "scale,e2e,cold"]) == EXIT_OK
    printed = capsys.readouterr()
    assert "rank-bm25 is not installed" in printed.err
    table = printed.out
    assert "Shipped knowledge base" in table and "matcher" in table and "difflib" in table
    assert "bm25     BM25 baseline skipped" in table
    assert "Targets" in table


@pytest.mark.parametrize(
    "flags", [["--sizes", "0"], ["--sizes", "x"], ["--skip", "speed"], ["--rounds", "0"]]
)
def test_bench_refuses_wrong_options(flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(flags) == EXIT_USAGE
    assert capsys.readouterr().err.startswith("python -m benchmarks: ")


def test_bench_reports_a_broken_knowledge_base(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--knowledge", str(tmp_path), "--skip", "quality,scale,e2e,cold"]) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert "no meta.yaml" in err and "run `coopbot validate`" in err


def test_runs_as_a_module_from_the_root_of_a_checkout() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("usage: python -m benchmarks")
    assert "--skip PART,..." in done.stdout


def test_the_package_needs_neither_benchmarks_nor_tests(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """They stay out of the wheel, so nothing that ships may import them; nor offer `bench`."""
    imports = re.compile(r"\s*(from|import)\s+(benchmarks|tests)\b")
    offenders = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in sorted((ROOT / "bot").rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if imports.match(line)
    ]
    assert offenders == []
    with pytest.raises(SystemExit):
        build_parser().parse_args(["bench"])
    assert "invalid choice: 'bench'" in capsys.readouterr().err


def test_cold_start_measures_a_real_process() -> None:
    figures = cold.cold_start(FIXTURE_KB, runs=1, progress=measure.Progress(False))
    assert figures["runs"] == 1
    assert figures["first_answer_s"] > 0 and figures["rss_mb"] > 0
    assert figures["first_answer_built_s"] > 0
    assert 10 < figures["ask_peak_rss_mb"] < 1000  # a Python process's, in MB
    assert 10 < figures["ask_built_peak_rss_mb"] < 1000


def test_end_to_end_against_the_fake_bot_api() -> None:
    questions = ["what is cepa", "who leads the chongqing conference", "hello"]
    figures = e2e.end_to_end(FIXTURE_KB, 2, 2, questions, measure.Progress(False))
    assert figures["updates"] == 4
    assert figures["rejected_calls"] == 0
    assert figures["updates_per_s"] > 0
    assert set(figures) >= LATENCY and set(figures["one_user"]) >= LATENCY
    echo = figures["echo"]  # the ceiling, measured the same way
    assert echo["updates"] == 4 and echo["rejected_calls"] == 0
    assert figures["ratio_to_echo"] == round(figures["updates_per_s"] / echo["updates_per_s"], 3)

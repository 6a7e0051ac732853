"""`coopbot bench` on tiny sizes: the figures it reports, its synthetic knowledge bases, its baselines.

No timing is asserted: these tests check that every figure is there and means what it says.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot import bench
from bot.cli import EXIT_OK, EXIT_USAGE, main
from bot.evaluate import Item
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher

FIXTURE_KB = Path(__file__).resolve().parent / "fixtures" / "kb"
LATENCY = {"p50_ms", "p99_ms"}


@pytest.fixture
def no_bm25(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the `bench` extra were not installed: importing rank_bm25 fails."""
    monkeypatch.setitem(sys.modules, "rank_bm25", None)


# --- synthetic knowledge bases --------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 3, 50, 200])
def test_synthetic_kb_has_the_requested_size_and_unique_ids(kb: KnowledgeBase, size: int) -> None:
    synthetic = bench.synthetic_kb(kb, size)
    assert len(synthetic.entries) == size
    assert all(key == entry.id for key, entry in synthetic.entries.items())
    assert all(entry.topic in synthetic.topics for entry in synthetic.entries.values())
    assert len({t.aliases for t in synthetic.topics.values() if t.id not in kb.topics}) == len(
        synthetic.topics
    ) - len(kb.topics), "every cloned topic has a name of its own"
    Matcher(synthetic)  # the matcher accepts it as it is


def test_synthetic_kb_keeps_the_real_entries_and_renames_the_clones(kb: KnowledgeBase) -> None:
    synthetic = bench.synthetic_kb(kb, 60)
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
    assert bench.synthetic_kb(kb, 40) == bench.synthetic_kb(kb, 40)
    assert bench.synthetic_kb(kb, 40, seed=1) != bench.synthetic_kb(kb, 40)


# --- baselines and tuning -------------------------------------------------------------------------


@pytest.fixture
def fixture_matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


def test_difflib_baseline_finds_the_closest_phrasing(fixture_matcher: Matcher) -> None:
    baseline = bench.DifflibBaseline(fixture_matcher, bench.entry_texts(fixture_matcher))
    index, score = baseline.best("what is cepa")
    assert index is not None and baseline.ids[index] == "cepa-overview"
    assert 0 < score <= 1
    baseline.threshold = score + 0.01
    assert baseline.choose("what is cepa") is None, "below its threshold it declines"


def test_bm25_baseline_ranks_by_shared_terms(fixture_matcher: Matcher) -> None:
    pytest.importorskip("rank_bm25")
    baseline = bench.BM25Baseline(fixture_matcher, bench.entry_texts(fixture_matcher))
    assert baseline.choose("who leads the chongqing conference") == "chongqing-leaders"
    assert baseline.best("") == (None, 0.0)


def test_tune_balances_answers_in_scope_and_declines_out_of_scope() -> None:
    items = [
        Item("a", "en", True, ("x",)),
        Item("b", "en", True, ("y",)),
        Item("c", "en", False),
        Item("d", "en", False),
    ]
    guesses = [("x", 0.9), ("y", 0.5), ("x", 0.6), ("y", 0.2)]
    # 0.5 answers both in-scope questions but one decline is lost; 0.9 the reverse; 0.6 loses
    # one of each. Ties go to the lowest threshold.
    assert bench.tune(items, guesses) == 0.5
    assert bench.tune(items, [("x", 0.9), ("y", 0.8), ("x", 0.3), ("y", 0.2)]) == 0.8


def test_percentile_is_a_measured_value() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert bench.percentile(samples, 0.5) == 50.0
    assert bench.percentile(samples, 0.99) == 99.0
    assert bench.percentile([3.0], 0.99) == 3.0
    assert bench.percentile([], 0.5) == 0.0


def test_growth_is_the_log_log_slope() -> None:
    points = [
        {"size": size, "methods": {"m": {"p50_ms": size / 100, "build_s": 1.0}}}
        for size in (100, 1000, 10000)
    ]
    assert bench.growth(points) == {"m": {"p50_ms": 1.0, "build_s": 0.0}}


# --- a missing extra ------------------------------------------------------------------------------


def test_without_the_extra_bm25_is_skipped_with_the_reason(
    fixture_matcher: Matcher, no_bm25: None
) -> None:
    assert "pip install 'coopbot[bench]'" in (bench.bm25_missing() or "")
    baselines, costs, missing = bench.build_baselines(fixture_matcher)
    assert set(baselines) == set(costs) == {"difflib"}
    assert missing == bench.bm25_missing()


def test_without_the_extra_plot_is_refused_before_measuring(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code = main(["bench", "--plot", str(tmp_path / "p.png"), "--skip", "quality,scale,e2e,cold"])
    assert code == EXIT_USAGE
    assert "matplotlib" in capsys.readouterr().err
    assert not (tmp_path / "p.png").exists()


def test_end_to_end_says_why_without_a_source_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(bench, "__file__", str(tmp_path / "site-packages" / "bot" / "bench.py"))
    reason = bench.fake_bot_api()
    assert isinstance(reason, str) and "needs a source checkout" in reason


# --- the command ----------------------------------------------------------------------------------

QUICK = [
    "bench",
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
            assert figures["questions"] >= bench.MIN_SCALE_QUESTIONS, "the budget keeps a floor"
    assert "matcher" in result["growth"]
    assert {t["target"] for t in result["targets"]} >= {"matcher p99 < 1 ms, shipped"}


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
    assert main(["bench", *flags]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith("coopbot bench: ")


def test_cold_start_measures_a_real_process() -> None:
    figures = bench.cold_start(FIXTURE_KB, runs=1, progress=bench.Progress(False))
    assert figures["runs"] == 1
    assert figures["first_answer_s"] > 0 and figures["rss_mb"] > 0


def test_end_to_end_against_the_fake_bot_api() -> None:
    questions = ["what is cepa", "who leads the chongqing conference", "hello"]
    figures = bench.end_to_end(FIXTURE_KB, 2, 2, questions, bench.Progress(False))
    assert figures["updates"] == 4
    assert figures["rejected_calls"] == 0
    assert figures["updates_per_s"] > 0
    assert set(figures) >= LATENCY and set(figures["one_user"]) >= LATENCY

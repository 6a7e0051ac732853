"""The results as people read them: the targets met or missed, a table, and a plot.

The JSON (`--json`, `--out`) is the full record; this module only presents it.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import INSTALL_EXTRAS


def plot_missing() -> str | None:
    """Why --plot cannot draw, or None when it can: asked before measuring, not after."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return f"--plot needs matplotlib, which is not installed ({INSTALL_EXTRAS})"
    return None


def targets(result: dict) -> list[dict]:
    """The issue's targets that this run measured, each with the figure reached."""
    checks: list[tuple[str, float, bool]] = []
    quality = result.get("quality", {})
    matcher = quality.get("coopbot") or quality.get("matcher")
    if matcher:
        in_scope = matcher["accuracy_in_scope"]
        checks.append(("top-1 in scope >= 95%", in_scope, in_scope >= 0.95))
        declined = matcher["declined_out_of_scope"]
        checks.append(("out of scope declined >= 95%", declined, declined >= 0.95))
        others = [
            m["balanced"]
            for name, m in result["quality"].items()
            if name not in ("matcher", "coopbot") and "balanced" in m
        ]
        if others:
            lead = round(matcher["balanced"] - max(others), 4)
            checks.append(("balanced top-1 >= best baseline's + 10 points", lead, lead >= 0.10))
        checks.append(
            ("answering p99 < 1.5 ms, shipped", matcher["p99_ms"], matcher["p99_ms"] < 1.5)
        )
    for point in result.get("scale", []):
        if point["size"] == 100_000:
            p99 = point["methods"]["matcher"]["p99_ms"]
            checks.append(("matcher p99 < 25 ms at 100,000 entries", p99, p99 < 25))
    e2e = result.get("end_to_end", {})
    if "updates_per_s" in e2e:
        rate = e2e["updates_per_s"]
        checks.append(("end to end >= 300 updates/s", rate, rate >= 300))
        checks.append(("end to end p99 < 50 ms", e2e["p99_ms"], e2e["p99_ms"] < 50))
    if "ratio_to_echo" in e2e:
        ratio = e2e["ratio_to_echo"]
        checks.append(("end to end >= 0.8 of the echo bot's", ratio, ratio >= 0.8))
    cold = result.get("cold_start")
    if cold:
        first_start = cold.get("first_answer_built_s", cold["first_answer_s"])
        checks.append(("cold start, engine built, < 1 s", first_start, first_start < 1))
        checks.append(("resident memory < 120 MB", cold["rss_mb"], cold["rss_mb"] < 120))
        if "ask_peak_rss_mb" in cold:
            first = cold["first_answer_s"]
            checks.append(("coopbot ask: first answer <= 0.3 s", first, first <= 0.3))
            peak = cold["ask_peak_rss_mb"]
            checks.append(("coopbot ask: peak memory <= 45 MB", peak, peak <= 45))
    return [{"target": name, "value": value, "met": met} for name, value, met in checks]


def _cell(figures: dict, key: str, fmt: str) -> str:
    value = figures.get(key)
    return format(value, fmt) if isinstance(value, int | float) else "-"


def format_table(result: dict) -> str:
    machine, kb, questions = result["machine"], result["knowledge"], result["questions"]
    lines = [
        f"coopbot benchmarks: {machine['cpus']} CPUs, Python {machine['python']}, "
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
        echo = e2e.get("echo")
        if echo is not None:
            lines.append(
                f"  ceiling, a bare python-telegram-bot echo bot: {echo['updates_per_s']:.0f} "
                f"updates/s, reply p50 {echo['p50_ms']:.1f} ms, p99 {echo['p99_ms']:.1f} ms; "
                f"coopbot reaches {e2e['ratio_to_echo']:.2f} of it"
            )
    cold = result.get("cold_start")
    if cold is not None:
        lines += [
            "",
            f"Cold start (median of {cold['runs']}): `coopbot ask` answers after "
            f"{cold['first_answer_s']:.2f} s, peak memory {_cell(cold, 'ask_peak_rss_mb', '.0f')} "
            f"MB (engine cached); after {_cell(cold, 'first_answer_built_s', '.2f')} s, peak "
            f"{_cell(cold, 'ask_built_peak_rss_mb', '.0f')} MB, when it builds the engine first; "
            f"resident memory after loading {cold['rss_mb']:.0f} MB",
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
    axes.set_title("coopbot benchmarks: latency against knowledge-base size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    pyplot.close(figure)

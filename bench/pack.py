"""Briefing-pack build times, side by side in one run with the code before per-page native packs.

Command line: `python -m analysis briefing` end to end in a fresh process (imports, loading, panels, the file),
for one page and for the whole report, PPTX and PDF. In the app: the pack built from the panels the page cache
already holds (warm, Chromium started for the PDF). The baseline is the same commands and calls run on a git ref
(default: the commit before issue 17, when every page gave the same 12-chart pack of pictures).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.storage import store
from analysis.synthetic import demo
from bench.trees import for_tree

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "96cc666"  # main before issue 17
PAGE = "domains"  # a page of four charts, the importance scatter among them
TARGETS = {"cli_page": 3.0, "cli_all": 6.0, "app": 1.5, "pdf_over_pptx": 1.5}

APP_NOW = """
import json, sys, time
from pathlib import Path
from analysis.outputs import briefing
from analysis.views import registry
from analysis.model.filters import Filters
data, page, fmt, runs = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
sources, view = registry.store_sources(data), Filters()
panels = briefing.pack_panels(page, lambda name: registry.page_panels(name, sources, view))  # as the cache holds
manifest = sources[registry.CUBE]().manifest
briefing.build(panels, manifest, view, fmt, page)  # warm-up (first-use imports; older trees start Chromium)
times = []
cpu = []
for _ in range(runs):
    start, busy = time.perf_counter(), time.process_time()
    briefing.build(panels, manifest, view, fmt, page)
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - busy)
print(json.dumps({"charts": len(panels), "times": times, "cpu": cpu}))
"""
APP_BEFORE = """
import json, sys, time
from pathlib import Path
from analysis.evidence import queries
from analysis.outputs import briefing
from analysis.model.filters import Filters
data, page, fmt, runs = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
cube, view = queries.load_cube(data), Filters()
briefing.build(cube, view, fmt)  # warm-up; the same pack whatever the page
times = []
cpu = []
for _ in range(runs):
    start, busy = time.perf_counter(), time.process_time()
    briefing.build(cube, view, fmt)
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - busy)  # this process only: a PDF drawn by Chromium then costs more than this
print(json.dumps({"charts": len(briefing.pack_panels(cube, view)), "times": times, "cpu": cpu}))
"""


def export_tree(ref: str, into: Path) -> Path:
    """The repository's files at a git ref, written to a folder."""
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree)}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def cli_times(tree: Path, data: Path, out: Path, args: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Seconds for `python -m analysis briefing` in a fresh process, `runs` times: wall clock, and CPU (user and
    system, the process and any it waited for), which a busy shared machine disturbs far less."""
    times, cpu = [], []
    for _ in range(runs):
        start, busy = time.perf_counter(), _children_cpu()
        subprocess.run([sys.executable, "-m", "analysis", "briefing", "--out", str(out), "--data-dir", str(data),
                        *args], cwd=tree, env=_env(tree), check=True, capture_output=True)
        times.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - busy)
    return times, cpu


def app_times(tree: Path, snippet: str, data: Path, page: str, fmt: str, runs: int) -> dict:
    """Charts and seconds for warm pack builds in one process (the app's situation)."""
    done = subprocess.run([sys.executable, "-c", for_tree(snippet, tree), str(data), page, fmt, str(runs)], cwd=tree,
                          env=_env(tree), check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(times: list[float]) -> float:
    return round(statistics.median(times), 3)


def _app_snippet(tree: Path) -> str:
    # Trees with the page registry build a page's own pack; older ones the one pack of every page.
    return APP_NOW if any((tree / "analysis" / d / "registry.py").is_file() for d in ("", "views")) else APP_BEFORE


def pack_timings(runs: int = 5, baselines: tuple[str, ...] = (BASELINE,), page: str = PAGE) -> list[dict]:
    """One row per measurement: where, pack, format, charts and median seconds for each baseline and now.

    Interleaved: each round times every tree on every case once (command line, then a fresh app process's warm
    build), so a burst of load on the shared machine falls on every column and row alike.
    """
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        store.write_dataset(demo.demo_tables(), data, demo=True, provenance=[],
                            description="benchmark: illustrative demo data")
        trees = {}
        for ref in baselines:
            (Path(tmp) / ref).mkdir()
            trees[ref] = export_tree(ref, Path(tmp) / ref)
        trees["now"] = ROOT
        cases = [(fmt, scope) for fmt in ("pptx", "pdf") for scope in (page, "all")]
        cli_s = {case: {ref: [] for ref in trees} for case in cases}
        app_s = {case: {ref: [] for ref in trees} for case in cases}
        cli_cpu = {case: {ref: [] for ref in trees} for case in cases}
        app_cpu = {case: {ref: [] for ref in trees} for case in cases}
        charts: dict[tuple, dict[str, int]] = {case: {} for case in cases}
        for _ in range(runs):
            for case in cases:
                fmt, scope = case
                for ref, tree in trees.items():
                    snippet = _app_snippet(tree)
                    args = ["--page", scope] if snippet == APP_NOW else []  # before: one pack for every page
                    wall, cpu = cli_times(tree, data, Path(tmp) / f"pack.{fmt}", args, 1)
                    cli_s[case][ref] += wall
                    cli_cpu[case][ref] += cpu
                    timed = app_times(tree, snippet, data, scope, fmt, 1)
                    app_s[case][ref] += timed["times"]
                    app_cpu[case][ref] += timed["cpu"]
                    charts[case][ref] = timed["charts"]
        for case in cases:
            fmt, scope = case
            what = "whole report" if scope == "all" else f"one page ({scope})"
            for where, found, busy, target in (("command line, end to end", cli_s[case], cli_cpu[case],
                                                TARGETS["cli_all" if scope == "all" else "cli_page"]),
                                               ("in the app, warm", app_s[case], app_cpu[case], TARGETS["app"])):
                rows.append({"where": where, "pack": what, "format": fmt, "target_s": target,
                             "before": {ref: (_median(found[ref]), charts[case][ref]) for ref in baselines},
                             "before_cpu": {ref: _median(busy[ref]) for ref in baselines},
                             "now_s": _median(found["now"]), "now_cpu": _median(busy["now"]),
                             "charts": charts[case]["now"]})
    return rows


def markdown_section(rows: list[dict], baselines: tuple[str, ...] = (BASELINE,), runs: int = 5) -> str:
    """The pack section of BENCHMARKS.md: each baseline beside now, with ratios and the targets."""
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    head = " | ".join(f"{ref} (s) | {ref} / now" for ref in baselines)
    lines = ["## Briefing packs", "",
             f"Medians of {runs}, interleaved in one run (`python -m bench.pack --runs {runs} "
             + " ".join(f"--baseline {ref}" for ref in baselines) + f"`), load average at the end {load} on 2 "
             "cores. Each baseline is the code at that git ref run on the same data in the same run. Command "
             "line: `python -m analysis briefing` in a fresh process, imports to file written. In the app: the "
             "pack built from the panels the page cache holds. Charts: in the baseline's pack / in ours.", "",
             f"| where | pack | format | charts | {head} | now (s) | target (s) |",
             "|---|---|---|---|" + "---|---|" * len(baselines) + "---|---|"]
    for r in rows:
        charts = " / ".join(str(r["before"][ref][1]) for ref in baselines) + f" / {r['charts']}"
        cells = " | ".join(f"{r['before'][ref][0]} | {r['before'][ref][0] / r['now_s']:.1f}x" for ref in baselines)
        met = "" if r["now_s"] < r["target_s"] else " (not met)"
        lines.append(f"| {r['where']} | {r['pack']} | {r['format']} | {charts} | {cells} | **{r['now_s']}** | "
                     f"{r['target_s']}{met} |")
    lines += ["", f"PDF against PPTX (target within {TARGETS['pdf_over_pptx']}x), by wall clock and by CPU time "
              "(user and system: what a busy machine disturbs least), now and in each baseline:", "",
              "| where | pack | " + " | ".join(f"{ref} wall | {ref} CPU" for ref in baselines)
              + " | now, wall | now, CPU |", "|---|---|" + "---|---|" * (len(baselines) + 1)]
    for r in rows:
        if r["format"] == "pdf":
            pptx = next(x for x in rows if x["format"] == "pptx" and (x["where"], x["pack"]) == (r["where"], r["pack"]))
            before = " | ".join(f"{r['before'][ref][0] / pptx['before'][ref][0]:.2f}x | "
                                f"{_ratio(r['before_cpu'][ref], pptx['before_cpu'][ref])}" for ref in baselines)
            lines.append(f"| {r['where']} | {r['pack']} | {before} | **{r['now_s'] / pptx['now_s']:.2f}x** | "
                         f"**{_ratio(r['now_cpu'], pptx['now_cpu'])}** |")
    return "\n".join(lines)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def main(argv: list[str] | None = None) -> None:
    """Print the pack timings as JSON and the BENCHMARKS.md section."""
    parser = argparse.ArgumentParser(prog="python -m bench.pack", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", action="append",
                        help=f"git ref to compare with; repeatable (default: {BASELINE}, before issue 17)")
    args = parser.parse_args(argv)
    baselines = tuple(args.baseline or [BASELINE])
    rows = pack_timings(args.runs, baselines)
    print(json.dumps(rows))
    print(markdown_section(rows, baselines, args.runs))


if __name__ == "__main__":
    main()

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
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.storage import store
from analysis.synthetic import demo

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
briefing.build(panels, manifest, view, fmt, page)  # warm-up (starts Chromium for the PDF)
times = []
for _ in range(runs):
    start = time.perf_counter()
    briefing.build(panels, manifest, view, fmt, page)
    times.append(time.perf_counter() - start)
print(json.dumps({"charts": len(panels), "times": times}))
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
for _ in range(runs):
    start = time.perf_counter()
    briefing.build(cube, view, fmt)
    times.append(time.perf_counter() - start)
print(json.dumps({"charts": len(briefing.pack_panels(cube, view)), "times": times}))
"""


def export_tree(ref: str, into: Path) -> Path:
    """The repository's files at a git ref, written to a folder."""
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree)}


def cli_times(tree: Path, data: Path, out: Path, args: list[str], runs: int) -> list[float]:
    """Seconds for `python -m analysis briefing` in a fresh process, `runs` times."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "analysis", "briefing", "--out", str(out), "--data-dir", str(data),
                        *args], cwd=tree, env=_env(tree), check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def app_times(tree: Path, snippet: str, data: Path, page: str, fmt: str, runs: int) -> dict:
    """Charts and seconds for warm pack builds in one process (the app's situation)."""
    done = subprocess.run([sys.executable, "-c", snippet, str(data), page, fmt, str(runs)], cwd=tree,
                          env=_env(tree), check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median(times: list[float]) -> float:
    return round(statistics.median(times), 2)


def pack_timings(runs: int = 5, baseline: str = BASELINE, page: str = PAGE) -> list[dict]:
    """One row per measurement: what, format, charts and median seconds before and now."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        store.write_dataset(demo.demo_tables(), data, demo=True, provenance=[],
                            description="benchmark: illustrative demo data")
        (Path(tmp) / "before").mkdir()
        before = export_tree(baseline, Path(tmp) / "before")
        for fmt in ("pptx", "pdf"):
            out = Path(tmp) / f"pack.{fmt}"
            old_cli = cli_times(before, data, out, [], runs)
            old_app = app_times(before, APP_BEFORE, data, page, fmt, runs)
            for scope in (page, "all"):
                new_cli = cli_times(ROOT, data, out, ["--page", scope], runs)
                new_app = app_times(ROOT, APP_NOW, data, scope, fmt, runs)
                what = "whole report" if scope == "all" else f"one page ({scope})"
                rows.append({"where": "command line, end to end", "pack": what, "format": fmt,
                             "charts_before": old_app["charts"], "charts_now": new_app["charts"],
                             "before_s": _median(old_cli), "now_s": _median(new_cli),
                             "target_s": TARGETS["cli_all" if scope == "all" else "cli_page"]})
                rows.append({"where": "in the app, warm", "pack": what, "format": fmt,
                             "charts_before": old_app["charts"], "charts_now": new_app["charts"],
                             "before_s": _median(old_app["times"]), "now_s": _median(new_app["times"]),
                             "target_s": TARGETS["app"]})
    return rows


def markdown_section(rows: list[dict], baseline: str = BASELINE, runs: int = 5) -> str:
    """The pack section of BENCHMARKS.md."""
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines = ["## Briefing packs", "",
             f"Medians of {runs}, side by side in one run (`python -m bench.pack --runs {runs}`), load average at "
             f"the end {load} on 2 cores: *before* is commit {baseline} (every "
             "page gave the same pack of the four evidence pages' 12 charts as pictures drawn by Chromium), *now* "
             "is a page's own charts (or the whole report) as native PowerPoint charts; the PDF keeps pictures. "
             "Command line: `python -m analysis briefing` in a fresh process, imports to file written. In the app: "
             "the pack built from the panels the page cache holds, Chromium already started.", "",
             "| where | pack | format | charts before / now | before (s) | now (s) | before / now | target (s) |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r['before_s'] / r['now_s']:.1f}x" if r["now_s"] else "-"
        met = "" if r["now_s"] < r["target_s"] else " (not met)"
        lines.append(f"| {r['where']} | {r['pack']} | {r['format']} | {r['charts_before']} / {r['charts_now']} | "
                     f"{r['before_s']} | **{r['now_s']}** | {ratio} | {r['target_s']}{met} |")
    lines += ["", "PDF against PPTX, now (target within 1.5x):", "", "| where | pack | PDF / PPTX |", "|---|---|---|"]
    for r in rows:
        if r["format"] == "pdf":
            pptx = next(x for x in rows if x["format"] == "pptx" and (x["where"], x["pack"]) == (r["where"], r["pack"]))
            lines.append(f"| {r['where']} | {r['pack']} | {r['now_s'] / pptx['now_s']:.1f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Print the pack timings as JSON and the BENCHMARKS.md section."""
    parser = argparse.ArgumentParser(prog="python -m bench.pack", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", default=BASELINE, help="git ref to compare with (default: before issue 17)")
    args = parser.parse_args(argv)
    rows = pack_timings(args.runs, args.baseline)
    print(json.dumps(rows))
    print(markdown_section(rows, args.baseline, args.runs))


if __name__ == "__main__":
    main()

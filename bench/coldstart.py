"""Cold start: with the data built, seconds from opening the browser on a freshly started server until the
first page shows its charts (target: under 3 s), side by side in one run with the plain start and with
the least any Streamlit page with a Plotly chart takes on this machine. Loopback only, bounded.

    python -m bench.coldstart DATA_DIR [--runs 5]

Each run starts, in turn (interleaved, so a noisy machine hits every kind alike):
- the server as `make run` starts it (serve.py: warmed before it opens its port);
- the plain `streamlit run dashboard.py` (the first visitor loads the data and draws the pages);
- a one-chart Streamlit page (bench/floor_app.py): a sidebar with one filter and one small Plotly chart,
  the floor for Streamlit and Plotly in a browser here.
On each fresh server it times, in a new browser context (no cached files: a first-ever visitor), the first
page (/, the Overview) and then, in another new context, /domains (four charts); and, in the first context
again, / once more (a returning visitor whose browser has Streamlit's files cached).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.sessions import CHROMIUM, serve
from bench.sessions import CHROMIUM_ARGS as ARGS

FLOOR_APP = "bench/floor_app.py"
CHARTS_JS = "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n"
KINDS = {"make run (serve.py)": "serve.py", "plain streamlit run dashboard.py": "dashboard.py",
         "floor: one-chart Streamlit page": FLOOR_APP}


def _seconds_to_charts(context, base: str, path: str, charts: int) -> float:
    """Seconds from asking for the page (a new tab in `context`) until `charts` charts are drawn."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(f"{base}/{path}")
    page.wait_for_function(CHARTS_JS, arg=charts, timeout=60_000)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def one_server(browser, data_dir: Path, script: str) -> dict[str, float]:
    """A fresh server: seconds until it is ready; the first page `/` in a new browser; `/domains` in another new
    browser (not for the one-page floor app); `/` again in the first browser, now with Streamlit's files cached."""
    times: dict[str, float] = {}
    launched = time.perf_counter()
    with serve(data_dir, script) as (base, _pid):
        times["ready"] = time.perf_counter() - launched  # until its health check answers
        first = browser.new_context(viewport={"width": 1400, "height": 1200})
        try:
            times["first"] = _seconds_to_charts(first, base, "", 1)
            if script != FLOOR_APP:
                other = browser.new_context(viewport={"width": 1400, "height": 1200})
                try:
                    times["domains"] = _seconds_to_charts(other, base, "domains", 4)
                finally:
                    other.close()
            times["returning"] = _seconds_to_charts(first, base, "", 1)
        finally:
            first.close()
    return times


def measure(data_dir: Path, runs: int = 5) -> dict[str, dict[str, list[float]]]:
    """For each kind of server, each visit's times over `runs` interleaved runs."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, list[float]]] = {kind: {} for kind in KINDS}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for _ in range(runs):
                for kind, script in KINDS.items():
                    for visit, seconds in one_server(browser, data_dir, script).items():
                        results[kind].setdefault(visit, []).append(seconds)
        finally:
            browser.close()
    return results


def _cell(times: list[float] | None) -> str:
    return f"{statistics.median(times):.2f}" if times else "–"


def markdown_section(sizes: dict[str, Path], runs: int = 5) -> str:
    """The BENCHMARKS.md section for datasets of several sizes."""
    lines = ["## Cold start", "",
             "With the data built, a freshly started server; seconds from asking for a page until its charts are "
             "drawn (target: the first page within 3 s). Three kinds of server, interleaved in each of "
             f"{runs} runs: the server `make run` starts (serve.py, which loads the data and draws each page's "
             "unfiltered view before it opens its port), the plain `streamlit run dashboard.py`, and a one-chart "
             "Streamlit page (one filter, one small Plotly chart: the floor for Streamlit and Plotly here). A "
             "*new browser* has nothing cached (a first-ever visitor); a *returning browser* has Streamlit's "
             "files cached from the first visit. Medians; the browser (headless Chromium) and the server share "
             "the machine's 2 cores.", "",
             "| dataset | server | server ready (s) | first page `/`, new browser | `/domains` (4 charts), new browser "
             "| `/` again, returning browser | `/` against the floor |",
             "|---|---|---|---|---|---|---|"]
    runs_lines = []
    for name, data_dir in sizes.items():
        results = measure(data_dir, runs)
        floor = statistics.median(results["floor: one-chart Streamlit page"]["first"])
        for kind, visits in results.items():
            ratio = statistics.median(visits["first"]) / floor
            lines.append(f"| {name} | {kind} | {_cell(visits['ready'])} | {_cell(visits.get('first'))} | "
                         f"{_cell(visits.get('domains'))} | {_cell(visits.get('returning'))} | {ratio:.2f}x |")
            runs_lines.append(f"| {name} | {kind} | {', '.join(f'{t:.2f}' for t in visits['first'])} |")
    lines += ["", "Each run's first page `/` in a new browser (s):", "", "| dataset | server | runs |", "|---|---|---|",
              *runs_lines]
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for kind, visits in measure(args.data_dir, args.runs).items():
        print(kind)
        for visit, times in visits.items():
            print(f"  {visit:10} median {statistics.median(times):.2f}  runs {', '.join(f'{t:.2f}' for t in times)}")

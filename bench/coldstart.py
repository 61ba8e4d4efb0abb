"""Cold start: with the data built, seconds from opening the browser on a freshly started server until the
first page shows its charts (target: under 3 s). Loopback only, bounded.

    python -m bench.coldstart DATA_DIR [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.sessions import CHROMIUM, serve
from bench.sessions import CHROMIUM_ARGS as ARGS


def first_charts_seconds(data_dir: Path, runs: int = 3, path: str = "domains") -> list[float]:
    """For each run: a new server, a new browser page, seconds until the page's charts are drawn."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for _ in range(runs):
                with serve(data_dir) as (base, _pid):
                    page = browser.new_page(viewport={"width": 1400, "height": 1200})
                    start = time.perf_counter()
                    page.goto(f"{base}/{path}")
                    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
                    times.append(time.perf_counter() - start)
                    page.close()
        finally:
            browser.close()
    return times


def markdown_section(sizes: dict[str, Path], runs: int = 3) -> str:
    """The BENCHMARKS.md section for datasets of several sizes."""
    lines = ["## Cold start", "",
             "A freshly started server, then a new browser page on /domains: seconds until its charts are "
             "drawn (target under 3 s).", "", "| dataset | median (s) | runs (s) |", "|---|---|---|"]
    for name, data_dir in sizes.items():
        times = first_charts_seconds(data_dir, runs)
        lines.append(f"| {name} | {statistics.median(times):.2f} | {', '.join(f'{t:.2f}' for t in times)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(first_charts_seconds(args.data_dir, args.runs))

"""Cold start: with the data built, seconds from opening the browser on a freshly started server until the
first page shows its charts (target: under 3 s). Loopback only, bounded.

    python -m bench.coldstart DATA_DIR [--runs 3]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


@contextlib.contextmanager
def serve(data_dir: Path, timeout: float = 60) -> Iterator[str]:
    """A freshly started Streamlit server on loopback; its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "ENGAGEMENT_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address",
                             "127.0.0.1", "--server.port", str(port), "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                break
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def first_charts_seconds(data_dir: Path, runs: int = 3, path: str = "domains") -> list[float]:
    """For each run: a new server, a new browser page, seconds until the page's charts are drawn."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for _ in range(runs):
                with serve(data_dir) as base:
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

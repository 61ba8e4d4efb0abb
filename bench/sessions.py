"""Concurrent sessions: N browser sessions open the app at once on a freshly started server.

    python -m bench.sessions                         # 25 sessions, demo data, writes BENCHMARKS.md
    python -m bench.sessions --sessions 10 --respondents 1000000 --no-write

One Chromium (Debian's, /usr/bin/chromium) with N contexts opened concurrently; each waits for the app
to render, then changes the organisation-type filter a few times and times each rerun (from the click
until the chart caption shows the new view and Streamlit's status widget has cleared). The server's
resident memory (VmRSS from /proc) is sampled at start, throughout (peak), and after every session has
closed. Loopback only; bounded in sessions and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
MAX_SESSIONS = 50
CHOICES = ["Acute hospital trust", "Hospice", "Ambulance trust", "Primary care trust (commissioner)"]
CAPTION_JS = ("() => { const c = [...document.querySelectorAll('[data-testid=\"stMain\"] "
              "[data-testid=\"stCaptionContainer\"]')].find(e => e.innerText.includes('Base:')); "
              "return c ? c.innerText : ''; }")
IDLE_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
SECTION = "## Concurrent sessions"


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB, from /proc/<pid>/status (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def sample_rss(pid: int, every_s: float = 0.25) -> tuple[list[float], asyncio.Event, asyncio.Task]:
    """Start reading a process's RSS every `every_s` seconds: the samples, the event that stops it, its task."""
    samples: list[float] = []
    stop = asyncio.Event()

    async def sample() -> None:
        while not stop.is_set():
            samples.append(rss_mb(pid))
            await asyncio.sleep(every_s)

    return samples, stop, asyncio.create_task(sample())


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)] if ordered else math.nan


def build_dataset(directory: Path, respondents: int | None) -> float:
    """Write the demo (or a national-scale) dataset with the command line; its build time in seconds."""
    args = [sys.executable, "-m", "analysis", "build", "--demo", "--data-dir", str(directory)]
    if respondents:
        args += ["--respondents", str(respondents)]
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(data_dir: Path, script: str = "serve.py") -> Iterator[tuple[str, int]]:
    """A freshly started Streamlit server on 127.0.0.1, as `make run` starts it (serve.py, which warms the
    caches before it opens its port); its base URL and process id. `script` may name dashboard.py, which
    opens at once and leaves the work to the first visitor."""
    port = _free_port()
    env = {**os.environ, "ENGAGEMENT_DATA_DIR": str(data_dir), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finally; a file, not a pipe, so a chatty server never blocks
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                errors.seek(0)
                raise RuntimeError("the Streamlit server did not start: "
                                   + errors.read().decode(errors="replace")[-2000:])
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        errors.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def _session(browser, base: str, path: str, changes: int, ready: list, hold: asyncio.Event) -> dict:
    """One session: open the page, wait for it to render, change the filter `changes` times, timing each."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(120_000)
    result: dict = {"render_s": math.nan, "reruns_s": [], "errors": []}
    try:
        start = time.perf_counter()
        await page.goto(f"{base}/{path}")
        await page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
        await page.wait_for_function(CAPTION_JS)
        await page.wait_for_function(IDLE_JS)
        result["render_s"] = time.perf_counter() - start
        select = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
            has_text="Organisation type")
        for choice in CHOICES[:changes]:
            before = await page.evaluate(CAPTION_JS)
            await select.locator("input").click()
            option = page.get_by_role("option", name=choice, exact=True)
            started = time.perf_counter()
            await option.click()
            await page.wait_for_function(f"before => ({CAPTION_JS})() !== before && ({IDLE_JS})()", arg=before)
            result["reruns_s"].append(time.perf_counter() - started)
            await page.keyboard.press("Escape")
        result["errors"] += await page.locator('[data-testid="stException"]').all_inner_texts()
        result["errors"] += [t for t in await page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
                             if "went wrong" in t]
        result["errors"] += ["page not found"] * await page.get_by_text("Page not found").count()
    except Exception as exc:  # a session that fails is a finding, not a crash of the benchmark
        result["errors"].append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    ready.append(1)
    try:
        await hold.wait()
    finally:
        await context.close()
    return result


async def _run_sessions(base: str, pid: int, sessions: int, changes: int, path: str, settle: float,
                        hold_s: float) -> dict:
    from playwright.async_api import async_playwright

    start_mb = rss_mb(pid)
    samples, stop, sampler = sample_rss(pid)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        hold, ready = asyncio.Event(), []
        began = time.perf_counter()
        tasks = [asyncio.create_task(_session(browser, base, path, changes, ready, hold)) for _ in range(sessions)]
        while len(ready) < sessions:  # every session has rendered and rerun; hold them open to read memory
            await asyncio.sleep(0.2)
        await asyncio.sleep(hold_s)
        open_mb = rss_mb(pid)
        hold.set()
        results = await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
        await browser.close()
    closed_mb = rss_mb(pid)
    await asyncio.sleep(settle)
    stop.set()
    await sampler
    after_mb = rss_mb(pid)
    return {"sessions": results, "wall_s": wall, "start_mb": start_mb, "peak_mb": max(samples, default=math.nan),
            "open_mb": open_mb, "closed_mb": closed_mb, "after_mb": after_mb, "settle_s": settle}


def summarise(measured: dict) -> dict:
    """Counts, medians and 95th percentiles of the measured sessions (each with render_s, reruns_s, errors)."""
    sessions = measured["sessions"]
    renders = [s["render_s"] for s in sessions if not math.isnan(s["render_s"])]
    reruns = [t for s in sessions for t in s["reruns_s"]]
    return {
        "rendered": sum(1 for s in sessions if not s["errors"] and not math.isnan(s["render_s"])),
        "errors": [e for s in sessions for e in s["errors"]],
        "render_median_s": statistics.median(renders) if renders else math.nan,
        "render_p95_s": percentile(renders, 95), "render_max_s": max(renders, default=math.nan),
        "rerun_median_s": statistics.median(reruns) if reruns else math.nan,
        "rerun_p95_s": percentile(reruns, 95), "rerun_max_s": max(reruns, default=math.nan),
        "reruns": len(reruns),
    }


def errors_note(runs: list[dict]) -> list[str]:
    """Markdown lines naming the first few distinct errors seen in the runs (none when there were none)."""
    errors = sorted({e for r in runs for e in r["errors"]})
    return ["", "Errors seen: " + "; ".join(errors[:5])] if errors else []


def run(sessions: int = 25, respondents: int | None = None, changes: int = 3, path: str = "domains",
        settle: float = 30.0, hold_s: float = 2.0, timeout: float = 600.0) -> dict:
    """Build a dataset, start a fresh server and drive `sessions` concurrent browser sessions against it."""
    sessions = max(1, min(sessions, MAX_SESSIONS))
    changes = max(0, min(changes, len(CHOICES)))
    with tempfile.TemporaryDirectory(prefix="bench-sessions-") as tmp:
        build_s = build_dataset(Path(tmp), respondents)
        with serve(Path(tmp)) as (base, pid):
            measured = asyncio.run(asyncio.wait_for(
                _run_sessions(base, pid, sessions, changes, path, settle, hold_s), timeout))
    return {
        "when": dt.date.today().isoformat(), "sessions": sessions, "respondents": respondents,
        "changes": changes, "page": path, "build_s": build_s, "cores": os.cpu_count(), "load": os.getloadavg()[0],
        **summarise(measured),
        **{k: measured[k] for k in ("wall_s", "start_mb", "peak_mb", "open_mb", "closed_mb", "after_mb",
                                    "settle_s")},
    }


def summary_line(r: dict) -> str:
    """One run as a markdown table row."""
    data = f"{r['respondents']:,} respondents" if r["respondents"] else "demo (study design)"
    return (f"| {r['when']} | {data} | {r['sessions']} | {r['rendered']}/{r['sessions']} | "
            f"{r['render_median_s']:.1f} / {r['render_p95_s']:.1f} | {r['reruns']} | "
            f"{r['rerun_median_s']:.2f} / **{r['rerun_p95_s']:.2f}** | {r['start_mb']:.0f} | {r['peak_mb']:.0f} | "
            f"{r['open_mb']:.0f} | {r['after_mb']:.0f} | {r['load']:.1f} |")


def markdown_section(runs: list[dict], command: str = "python -m bench.sessions") -> str:
    """The '## Concurrent sessions' section of BENCHMARKS.md for one or more runs."""
    lines = [
        SECTION, "",
        f"`{command}`: a freshly started server; one Chromium opens every session at once on the "
        "Influence by domain page, waits for it to render, then changes the organisation-type filter "
        f"{runs[0]['changes']} times. A rerun is timed in the browser from the click until the chart caption "
        "shows the new view and Streamlit's status widget has cleared, so it includes queueing for the "
        f"server's {runs[0]['cores']} cores and the browser's own drawing of every session. Server memory is "
        "VmRSS: at start, peak, with every session open, and "
        f"{runs[0]['settle_s']:.0f} s after the last session closed. Target: every session renders, "
        "95th-percentile rerun under 2 s.", "",
        "| date | data | sessions | rendered without error | first render median / p95 (s) | reruns | "
        "rerun median / p95 (s) | RSS start (MB) | peak (MB) | all open (MB) | after close (MB) | load average |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(summary_line(r) for r in runs),
        *errors_note(runs),
    ]
    return "\n".join(lines) + "\n"


def write_section(section: str, path: Path = ROOT / "BENCHMARKS.md") -> None:
    """Replace the Concurrent sessions section of BENCHMARKS.md (or append it)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def load_arguments(parser: argparse.ArgumentParser) -> None:
    """The options both load benchmarks take: sessions, data size, filter changes, settling time, time limit."""
    parser.add_argument("--sessions", type=int, default=25, help=f"concurrent sessions (at most {MAX_SESSIONS})")
    parser.add_argument("--respondents", type=int, help="build a national-scale dataset of N respondents")
    parser.add_argument("--changes", type=int, default=3, help="filter changes per session")
    parser.add_argument("--settle", type=float, default=30.0, help="seconds to wait after closing before reading RSS")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up after this many seconds")


def main(argv: list[str] | None = None) -> int:
    """Run the concurrent-sessions benchmark, print the figures, and write them to BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.sessions", description=__doc__.splitlines()[0])
    load_arguments(parser)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args(argv)
    result = run(args.sessions, args.respondents, args.changes, settle=args.settle, timeout=args.timeout)
    for key, value in result.items():
        print(f"{key}: {value:.2f}" if isinstance(value, float) else f"{key}: {value}")
    if not args.no_write:
        command = "python -m bench.sessions " + " ".join(argv if argv is not None else sys.argv[1:])
        write_section(markdown_section([result], command.strip()))
        print(f"wrote the '{SECTION}' section of BENCHMARKS.md")
    return 0 if result["rendered"] == result["sessions"] else 1


if __name__ == "__main__":
    sys.exit(main())

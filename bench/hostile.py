"""Hostile uploads: a generated corpus through the command line and the Data page of a real server.

    python -m bench.hostile [--before COMMIT] [--out BENCHMARKS.md]

Each file must be refused plainly or read within 10 s, and the server's memory must stay under 1 GB above
its idle level. With --before, the command line is also run on that commit's code (unpacked to a temporary
folder) side by side, with a time limit, to show what the budgets changed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bench import hostile_files, sessions
from bench.trees import for_tree

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 10.0
MEMORY_LIMIT_MB = 1024
SECTION = "## Hostile uploads"
_CHILD = ("import contextlib, io, sys, time\n"
          "from analysis.commands import cli\n"
          "start = time.perf_counter()\n"
          "err = io.StringIO()\n"
          "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):\n"
          "    code = cli.main(['mapping-template', sys.argv[1]])\n"
          "seconds = time.perf_counter() - start\n"
          "peak = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')) / 1024\n"
          "print(code, round(seconds, 2), round(peak), err.getvalue().strip().splitlines()[0][:300] "
          "if err.getvalue().strip() else 'read')\n")


def allowed_big() -> bytes:
    """A heavy but honest export inside every budget: 300,000 responses of 12 columns (3.6 million cells)."""
    line = "R{0:07d},Some,A lot,No influence,A little,Some,Don't know,Some,A lot,Some,2024,RX1\n"
    return ("id,q1,q2,q3,q4,q5,q6,q7,q8,q9,wave,org\n" + "".join(line.format(i) for i in range(300_000))).encode()


def corpus(folder: Path) -> list[Path]:
    """The hostile files and the heavy honest one, written once into a folder."""
    paths = hostile_files.write(folder)
    big = folder / "heavy_but_allowed.csv"
    if not big.exists():
        big.write_bytes(allowed_big())
    return [*paths, big]


def command_line(path: Path, code_root: Path = ROOT, timeout: float = 60) -> dict:
    """`mapping-template FILE` in a fresh process: exit code, seconds, peak memory (VmHWM) and the message."""
    try:
        out = subprocess.run([sys.executable, "-c", for_tree(_CHILD, code_root), str(path)], cwd=code_root,
                             capture_output=True,
                             text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(code_root)})
    except subprocess.TimeoutExpired:
        return {"code": None, "seconds": timeout, "peak_mb": None, "message": f"still running after {timeout:.0f} s"}
    if not out.stdout.strip():
        return {"code": out.returncode, "seconds": None, "peak_mb": None,
                "message": (out.stderr.strip().splitlines() or ["killed"])[-1][:200]}
    code, seconds, peak, message = out.stdout.strip().split(" ", 3)
    return {"code": int(code), "seconds": float(seconds), "peak_mb": float(peak), "message": message}


DONE_JS = ("name => { const alerts = [...document.querySelectorAll('[data-testid=\"stAlert\"]')]"
           ".some(a => a.innerText.includes(name)); const metric = document.querySelector("
           "'[data-testid=\"stMetric\"]'); return (alerts || metric) && (" + sessions.IDLE_JS + ")(); }")


async def _through_page(base: str, pid: int, paths: list[Path]) -> tuple[float, list[dict]]:
    from playwright.async_api import async_playwright

    results = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=sessions.CHROMIUM, args=sessions.CHROMIUM_ARGS)
        page = await browser.new_page()
        await page.goto(f"{base}/data")
        await page.wait_for_selector('[data-testid="stFileUploader"]')
        await asyncio.sleep(2)
        idle = sessions.rss_mb(pid)
        await page.close()
        for path in paths:
            context = await browser.new_context()
            page = await context.new_page()
            page.set_default_timeout(120_000)
            await page.goto(f"{base}/data")
            await page.wait_for_selector('[data-testid="stFileUploader"] input[type=file]', state="attached")
            samples, stop, task = sessions.sample_rss(pid, every_s=0.1)
            start = time.perf_counter()
            await page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(path))
            try:
                await page.wait_for_function(DONE_JS, arg=path.name, timeout=60_000)
                seconds = time.perf_counter() - start
                alerts = await page.locator('[data-testid="stAlert"]').all_inner_texts()
                said = next((a for a in alerts if path.name in a), "")
                preview = await page.locator('[data-testid="stMetric"]').count()
                shown = f"preview shown: {said}" if preview else said
            except Exception as exc:  # a file that hangs the page is a finding, not a crash of the benchmark
                seconds, shown = time.perf_counter() - start, f"no answer: {type(exc).__name__}: {str(exc)[:200]}"
            stop.set()
            await task
            results.append({"file": path.name, "seconds": seconds, "peak_above_idle_mb": max(samples) - idle,
                            "message": " ".join(shown.split())[:300]})
            await context.close()
        await browser.close()
    return idle, results


def through_page(paths: list[Path]) -> tuple[float, list[dict]]:
    """Each file uploaded on the Data page of a fresh server (a new session per file): seconds to an answer,
    the server's peak memory above its idle level, and what the page said."""
    with tempfile.TemporaryDirectory() as data_dir, sessions.serve(Path(data_dir)) as (base, pid):
        return asyncio.run(_through_page(base, pid, paths))


def unpack(commit: str, folder: Path) -> Path:
    """The code of a commit, unpacked (git archive) for a side-by-side run."""
    data = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _verdict(code: int | None, seconds: float | None) -> str:
    if code is None or seconds is None:
        return "no answer"
    kind = "refused" if code == 2 else "read" if code == 0 else f"exit {code}"
    return kind + ("" if seconds <= LIMIT_S else " (too slow)")


def _page_verdict(page: dict) -> str:
    said = page["message"]
    kind = "no answer" if said.startswith("no answer") else "preview" if said.startswith("preview shown") else "refused"
    return kind + ("" if page["seconds"] <= LIMIT_S else " (too slow)")


def markdown(rows: list[dict], idle: float, before: str | None) -> str:
    """The section for BENCHMARKS.md."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    lines = [SECTION, "",
             f"`python -m bench.hostile{' --before ' + before if before else ''}` on commit {commit.stdout.strip()}"
             f" ({os.cpu_count()} cores, shared). Each file once: `mapping-template` in a fresh process (peak = its "
             "VmHWM), and an upload on the Data page of a real server (a fresh session per file; memory = the "
             f"server's peak RSS above its idle {idle:.0f} MB, sampled every 0.1 s). Target: every file refused or "
             f"read within {LIMIT_S:.0f} s, server memory under {MEMORY_LIMIT_MB} MB above idle.", ""]
    head = "| file | size | command line | s | peak MB | Data page | s | server MB above idle |"
    rule = "|---|---:|---|---:|---:|---|---:|---:|"
    if before:
        head += f" before ({before}): command line | s | peak MB |"
        rule += "---|---:|---:|"
    lines += [head, rule]
    for r in rows:
        cli, page = r["cli"], r["page"]
        row = (f"| {r['file']} | {r['bytes'] / 1e6:,.2f} MB | {_verdict(cli['code'], cli['seconds'])} | "
               f"{cli['seconds'] if cli['seconds'] is not None else '-'} | {cli['peak_mb'] or '-'} | "
               f"{_page_verdict(page)} | {page['seconds']:.1f} | "
               f"{page['peak_above_idle_mb']:.0f} |")
        if before:
            old = r["before"]
            old_s = old["seconds"] if old["seconds"] is not None else "-"
            row += f" {_verdict(old['code'], old['seconds'])} | {old_s} | {old['peak_mb'] or '-'} |"
        lines.append(row)
    worst_s = max(max(r["cli"]["seconds"] or 0, r["page"]["seconds"]) for r in rows)
    worst_mb = max(r["page"]["peak_above_idle_mb"] for r in rows)
    lines += ["", f"Slowest answer {worst_s:.1f} s; the server's largest rise {worst_mb:.0f} MB above idle.", "",
              "What each file got (command line; then the Data page):", ""]
    lines += [f"- {r['file']}: {r['cli']['message']} / page: {r['page']['message']}" for r in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="also run the command line on this commit's code, side by side")
    parser.add_argument("--out", type=Path, help="write the section into this file (e.g. BENCHMARKS.md)")
    parser.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "engagement-hostile-corpus")
    args = parser.parse_args(argv)
    paths = corpus(args.corpus)
    rows = [{"file": p.name, "bytes": p.stat().st_size, "cli": command_line(p)} for p in paths]
    if args.before:
        with tempfile.TemporaryDirectory() as old:
            code = unpack(args.before, Path(old))
            for row, path in zip(rows, paths, strict=True):
                row["before"] = command_line(path, code, timeout=20)
    idle, pages = through_page(paths)
    for row, page in zip(rows, pages, strict=True):
        row["page"] = page
    section = markdown(rows, idle, args.before)
    print(section)
    if args.out:
        _write(section, args.out)
    return 0


def _write(section: str, path: Path) -> None:
    """Replace this benchmark's section of a Markdown file (or add it at the end)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find(SECTION + "\n")
    if start < 0:
        text = text.rstrip() + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())

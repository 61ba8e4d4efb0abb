"""Benchmark harness: build datasets of several sizes, time page reruns against the plain approach,
import throughput and peak memory, and write the medians and ratios to BENCHMARKS.md.

    python -m bench                      # study size, 100k and 1M respondents
    python -m bench --sizes study 20000  # a quicker run
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.evidence import queries
from analysis.model.filters import Filters
from analysis.views import registry
from bench import plain

ROOT = Path(__file__).resolve().parent.parent
FILTER_CYCLE = [
    Filters(org_type=("acute",)), Filters(region=("london",)), Filters(sector=("nhs",), source=("workshop",)),
    Filters(org_type=("hospice", "pct")), Filters(region=("north_west", "south_west")),
    Filters(sector=("independent",)),
    Filters(org_type=("mental_health_ld",), region=("london",)), Filters(),
]


def build(size: str, directory: Path) -> dict:
    """Build a dataset in a fresh process; its wall time and peak memory."""
    args = ["build", "--demo", "--data-dir", str(directory)]
    if size != "study":
        args += ["--respondents", size]
    code = ("import json, resource, sys, time\n"
            "from analysis.commands.cli import main\n"
            "t = time.perf_counter(); rc = main(sys.argv[1:]); t = time.perf_counter() - t\n"
            "print(json.dumps({'rc': rc, 'seconds': t, "
            "'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n")
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def time_calls(func, filters_list: list[Filters]) -> list[float]:
    """Wall time of func(filters) for each view, in seconds."""
    times = []
    for filters in filters_list:
        start = time.perf_counter()
        func(filters)
        times.append(time.perf_counter() - start)
    return times


def page_times(directory: Path, repeats: int) -> dict[str, dict[str, float]]:
    """Median rerun time per page after a filter change: ours (count tables) and the plain approach."""
    cube = queries.load_cube(directory)
    views = FILTER_CYCLE * repeats
    result = {}
    sources = registry.fixed_sources(cube=cube)
    for page in registry.pages_reading(registry.CUBE):
        ours = time_calls(lambda f, p=page: registry.page_panels(p, sources, f), views)
        naive = time_calls(lambda f, p=page: plain.page_numbers(p, directory, f), FILTER_CYCLE[:3])
        result[page] = {"ours_ms": 1000 * statistics.median(ours), "plain_ms": 1000 * statistics.median(naive)}
    return result


def apptest_times(directory: Path, repeats: int) -> dict[str, float]:
    """Median server time of a whole page rerun after a filter change, via AppTest, in a fresh process (as a
    server holds one dataset: no caches or memory left over from other sizes or the plain approach)."""
    out = subprocess.run([sys.executable, "-m", "bench.apptest", str(directory), "--repeats", str(repeats)],
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=1800)
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_throughput(tmp: Path, rows: int = 100_000, questions: int = 30) -> dict:
    """Time to import a `rows`-response, `questions`-question single-header CSV export."""
    from bench import imports

    return imports.run(tmp, rows, questions)


def markdown(results: dict, command: str) -> str:
    """BENCHMARKS.md from the results."""
    lines = [
        "# Benchmarks",
        "",
        f"Measured {results['when']} with `{command}` on {results['machine']}.",
        f"Versions: {results['versions']}.",
        "",
        "These machines are noisy (2 shared cores): read medians and ratios, not single times.",
        "",
        "## Building datasets",
        "",
        "| dataset | respondents | build (s) | peak memory (MB) |",
        "|---|---|---|---|",
    ]
    for size, row in results["sizes"].items():
        lines.append(f"| {size} | {row['respondents']:,} | {row['build']['seconds']:.1f} | "
                     f"{row['build']['peak_mb']:.0f} |")
    lines += ["", "Targets: 1,000,000 respondents with a dozen influence questions each in under 2 minutes and "
              "under 4 GB.", "",
              "## Page rerun after a filter change (median, ms)", "",
              "Ours: the page's panels (queries on the pre-aggregated count tables, disclosure control, figures). "
              "Plain: read the long answers table from Parquet and filter and group it in pandas on every rerun "
              "(numbers only, no figures). AppTest: the whole page script rerun through Streamlit's AppTest "
              "after changing the organisation-type filter (server time). Server: the same on a real server "
              "(serve.py), one websocket session (bench/server_rerun.py), from sending the change to the end of "
              "the script run, 15 views none seen before.", "",
              "| dataset | page | ours | plain | plain / ours | AppTest rerun | server rerun |",
              "|---|---|---|---|---|---|---|"]
    for size, row in results["sizes"].items():
        for page, t in row["pages"].items():
            app = row.get("apptest", {}).get(page)
            server = row.get("server", {}).get(page)
            lines.append(f"| {size} | {page} | {t['ours_ms']:.0f} | {t['plain_ms']:.0f} | "
                         f"{t['plain_ms'] / t['ours_ms']:.1f}x | {'' if app is None else f'{app:.0f}'} | "
                         f"{'' if server is None else f'{server:.0f}'} |")
    sizes = list(results["sizes"])
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        lines += ["", f"Scaling, {large} against {small} (target: within 1.5x, under 300 ms):", "",
                  "| page | ours ratio | AppTest ratio | server ratio | plain ratio |", "|---|---|---|---|---|"]
        for page in results["sizes"][small]["pages"]:
            a, b = results["sizes"][small], results["sizes"][large]
            ours = b["pages"][page]["ours_ms"] / a["pages"][page]["ours_ms"]
            naive = b["pages"][page]["plain_ms"] / a["pages"][page]["plain_ms"]
            app = (b["apptest"][page] / a["apptest"][page]) if a.get("apptest") and b.get("apptest") else None
            server = (b["server"][page] / a["server"][page]) if a.get("server") and b.get("server") else None
            lines.append(f"| {page} | {ours:.2f}x | {'' if app is None else f'{app:.2f}x'} | "
                         f"{'' if server is None else f'{server:.2f}x'} | {naive:.1f}x |")
    if "import" in results:
        imp = results["import"]
        lines += ["", "## Import throughput", "",
                  f"A {imp['rows']:,}-response, {imp['questions']}-question single-header CSV ({imp['mb']:.1f} MB) "
                  f"imported in {imp['seconds']:.1f} s (median of {imp['runs']}; {imp['answers']:,} answers stored; "
                  "target under 10 s)."]
    for extra in results.get("extra", []):
        lines += ["", extra]
    return "\n".join(lines) + "\n"



def _commit() -> str:
    """' on commit abc1234' (with ' plus uncommitted changes' when the tree differs), or '' outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f" on commit {head}" + (" plus uncommitted changes" if dirty else "")

def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write BENCHMARKS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["study", "100000", "1000000"])
    parser.add_argument("--repeats", type=int, default=3, help="passes over the filter cycle per page")
    parser.add_argument("--no-apptest", action="store_true", help="skip the AppTest page reruns")
    parser.add_argument("--no-server", action="store_true", help="skip the real-server page reruns")
    parser.add_argument("--no-import", action="store_true", help="skip the import benchmark")
    parser.add_argument("--no-pack", action="store_true", help="skip the briefing pack benchmark")
    parser.add_argument("--no-coldstart", action="store_true", help="skip the cold-start browser benchmark")
    parser.add_argument("--no-sessions", action="store_true", help="skip the concurrent sessions benchmark")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args(argv)
    import pandas
    import plotly
    import streamlit

    results: dict = {
        "when": dt.date.today().isoformat() + _commit(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "versions": f"pandas {pandas.__version__}, plotly {plotly.__version__}, streamlit {streamlit.__version__}",
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for size in args.sizes:
            directory = Path(tmp) / f"data-{size}"
            built = build(size, directory)
            respondents = int(queries.load_cube(directory).respondents.query("group_id == '_all'")[
                "respondents"].sum())
            row = {"respondents": respondents, "build": built, "pages": page_times(directory, args.repeats)}
            if not args.no_apptest:
                row["apptest"] = apptest_times(directory, args.repeats)
            if not args.no_server:
                from bench import server_rerun

                row["server"] = server_rerun.measure(directory)
            results["sizes"][size] = row
            print(f"{size}: {json.dumps(row)}", flush=True)
        if not args.no_coldstart:
            from bench import coldstart

            sizes = {size: Path(tmp) / f"data-{size}" for size in (args.sizes[0], args.sizes[-1])}
            results.setdefault("extra", []).append(coldstart.markdown_section(sizes))
            print("coldstart done", flush=True)
        if not args.no_import:
            results["import"] = import_throughput(Path(tmp))
            print(f"import: {json.dumps(results['import'])}", flush=True)
    if not args.no_pack:
        from bench import pack

        rows = pack.pack_timings(runs=5)
        results.setdefault("extra", []).append(pack.markdown_section(rows))
        print(f"pack: {json.dumps(rows)}", flush=True)
    if not args.no_sessions:
        from bench import ws_load

        # 25 people at once: clicking back to back (the worst case) and pausing 1 to 3 s between
        # changes as people do; then 10 at a million respondents. Whole browsers: python -m bench.sessions.
        runs = [ws_load.run(ws_load.Load(sessions=25)), ws_load.run(ws_load.Load(sessions=25, think=2.0)),
                ws_load.run(ws_load.Load(sessions=10, respondents=1_000_000))]
        results.setdefault("extra", []).append(ws_load.markdown_section(runs, "python -m bench").rstrip("\n"))
        print(f"sessions: {json.dumps(runs, default=str)}", flush=True)
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    Path(args.out).write_text(markdown(results, command.strip()), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

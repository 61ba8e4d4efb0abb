"""Briefing-pack build time: all four core pages' charts, once Chromium is warm (target: under 5 seconds)."""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from analysis import briefing, demo, export, queries, store
from analysis.filters import Filters

TARGET_S = 5.0


def pack_timings(runs: int = 5, fmt: str = "pptx", filters: Filters | None = None) -> dict:
    """Seconds to start Chromium once, then to build the pack `runs` times (panels, pictures and file)."""
    with tempfile.TemporaryDirectory() as tmp:
        store.write_dataset(demo.demo_tables(), Path(tmp), demo=True, provenance=[],
                            description="benchmark: illustrative demo data")
        cube = queries.load_cube(Path(tmp))
        start = time.perf_counter()
        export.start_renderer()
        cold_start_s = time.perf_counter() - start
        try:
            start = time.perf_counter()
            briefing.build(cube, filters or Filters(), fmt)  # warm-up: first page load in Chromium
            first_pack_s = time.perf_counter() - start
            runs_s = []
            for _ in range(runs):
                start = time.perf_counter()
                data = briefing.build(cube, filters or Filters(), fmt)
                runs_s.append(time.perf_counter() - start)
        finally:
            export.stop_renderer()
    median = statistics.median(runs_s)
    return {"format": fmt, "charts": len(briefing.pack_panels(cube, filters or Filters())),
            "bytes": len(data), "chromium_start_s": round(cold_start_s, 2), "first_pack_s": round(first_pack_s, 2),
            "runs_s": [round(r, 2) for r in runs_s], "median_s": round(median, 2), "target_s": TARGET_S,
            "within_target": median < TARGET_S}


def main(argv: list[str] | None = None) -> None:
    """Print the pack timings as JSON, for PPTX and PDF."""
    parser = argparse.ArgumentParser(prog="python -m bench.pack", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    for fmt in briefing.FORMATS:
        print(json.dumps(pack_timings(args.runs, fmt)))


if __name__ == "__main__":
    main()

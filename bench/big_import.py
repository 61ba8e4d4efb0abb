"""A national-size export imported from the command line: peak memory and time, read in chunks or whole.

    python -m bench.big_import --rows 5000000 --scratch /tmp/big      # the chunked import (the CLI's)
    python -m bench.big_import --rows 500000 --whole --cap-gb 8       # the whole-file path, address space capped

A synthetic export in our template's layout (organisation, groups, weight, six influence questions and some
free text with names, emails and phone numbers to redact) is written to the scratch folder, 100,000 rows at a
time, then imported into an empty data directory in a fresh process with the row, cell and file-size limits
raised for it (ENGAGEMENT_MAX_ROWS, ENGAGEMENT_MAX_CELLS, ENGAGEMENT_MAX_TEXT_CHARS, ENGAGEMENT_MAX_FILE_MB).
One JSON line: rows, file size, wall and CPU seconds, peak resident memory, the load average before and after,
and what the import said. Everything it wrote is deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.ingest import mapping
from analysis.model import vocab

ROOT = Path(__file__).resolve().parent.parent
BLOCK = 100_000
LEVELS = np.array(["No influence", "A little", "Some", "A lot", "Don't know", ""], dtype=object)
GROUPS = np.array(["", "", "", "carers", "older_people; bme", "Disabled people"], dtype=object)
NOTES = np.array(["Call Dr Amelia Hartley on 07700 900123 about the ward.", "Email jo.bloggs@example.org please.",
                  "Mrs Patel said the leaflet was clear.", "Felt listened to about the discharge."], dtype=object)
QUESTIONS = [f"influence_{d}" for d in vocab.DOMAINS]


def _block(rng: np.random.Generator, start: int, n: int) -> pd.DataFrame:
    org = rng.integers(0, 400, n)
    types = np.array(list(vocab.ORG_TYPES), dtype=object)
    frame = pd.DataFrame({
        "respondent_id": [f"R{i:08d}" for i in range(start, start + n)],
        "source": np.where(rng.random(n) < 0.8, "workshop", "users_group_survey"), "unit": "participant",
        "org_id": [f"ORG{o:04d}" for o in org], "org_name": [f"Trust {o}" for o in org],
        "org_type": types[org % len(types)], "region": np.array(list(vocab.REGIONS), dtype=object)[org % 10],
        "wave": np.array(["2008", "2009", "2010"], dtype=object)[rng.integers(0, 3, n)], "workshop_id": "",
        "role": "Respondent", "groups": GROUPS[rng.integers(0, len(GROUPS), n)],
        "weight": np.round(rng.lognormal(0, 0.25, n), 3)})
    for question in QUESTIONS:
        frame[question] = LEVELS[rng.integers(0, len(LEVELS), n)]
    notes = np.full(n, "", dtype=object)
    told = rng.random(n) < 0.02  # one respondent in fifty writes something
    notes[told] = NOTES[rng.integers(0, len(NOTES), int(told.sum()))]
    frame["notes"] = notes
    return frame


def write_export(path: Path, rows: int, seed: int = 11) -> None:
    """A template-layout CSV export of `rows` respondents, written a block at a time."""
    rng = np.random.default_rng(seed)
    for start in range(0, rows, BLOCK):
        _block(rng, start, min(BLOCK, rows - start)).to_csv(path, mode="a" if start else "w", header=not start,
                                                             index=False)


def write_mapping(path: Path, export: Path, out: Path) -> None:
    """The starter mapping of the export's first rows, with a name to redact, as TOML."""
    sample = path.parent / "sample.csv"
    with open(export, encoding="utf-8") as source, open(sample, "w", encoding="utf-8") as target:
        for _, line in zip(range(5_001), source, strict=False):
            target.write(line)
    spec = mapping.guess(sample.read_bytes(), "sample.csv")
    spec["import"]["names"] = ["Patel"]
    out.write_text(mapping.to_toml(spec), encoding="utf-8")
    sample.unlink()


IMPORT = ("import json, resource, sys, time\n"
          "from analysis.commands.cli import main\n"
          "t = time.perf_counter(); rc = main(sys.argv[1:]); t = time.perf_counter() - t\n"
          "use = resource.getrusage(resource.RUSAGE_SELF)\n"
          "print(json.dumps({'rc': rc, 'seconds': t, 'cpu_seconds': use.ru_utime + use.ru_stime, "
          "'peak_mb': use.ru_maxrss / 1024}))\n")
WHOLE = ("import json, resource, sys, time\n"
         "cap = int(float(sys.argv[4]) * 2**30)\n"
         "resource.setrlimit(resource.RLIMIT_AS, (cap, cap))\n"
         "from pathlib import Path\n"
         "from analysis.ingest import importing, mapping\n"
         "t = time.perf_counter()\n"
         "try:\n"
         "    spec = mapping.from_toml(Path(sys.argv[2]).read_text(encoding='utf-8'))\n"
         "    report = importing.run(Path(sys.argv[1]).read_bytes(), Path(sys.argv[1]).name, spec, Path(sys.argv[3]))\n"
         "    out = {'rc': 0 if report.ok else 2, 'seconds': time.perf_counter() - t, 'said': report.message[:200]}\n"
         "except MemoryError:\n"
         "    out = {'failed': f'MemoryError after {time.perf_counter() - t:.0f} s'}\n"
         "use = resource.getrusage(resource.RUSAGE_SELF)\n"
         "out |= {'cpu_seconds': use.ru_utime + use.ru_stime, 'peak_mb': use.ru_maxrss / 1024}\n"
         "print(json.dumps(out))\n")


def limits(rows: int, size: int) -> dict[str, str]:
    """The environment that lets this one file through the budgets (a deployment's own choice)."""
    return {"ENGAGEMENT_MAX_ROWS": str(rows + 10), "ENGAGEMENT_MAX_CELLS": str((rows + 10) * 40),
            "ENGAGEMENT_MAX_TEXT_CHARS": str(size + 1), "ENGAGEMENT_MAX_FILE_MB": str(size // 2**20 + 1)}


def _report(lines: list[str]) -> dict | str:
    """What the import's JSON report said (its counts and message); the text itself when it is not one report."""
    text = "\n".join(lines)
    try:
        said, _ = json.JSONDecoder().raw_decode(text[text.index("{"):])
        return {k: said.get(k) for k in ("ok", "respondents", "answers", "free_text_answers", "message")}
    except ValueError:
        return text[:300]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.big_import", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--whole", action="store_true", help="the whole-file path (importing.run on the bytes)")
    parser.add_argument("--cap-gb", type=float, default=8.0, help="address-space cap of the whole-file run")
    parser.add_argument("--timeout", type=float, default=7200)
    args = parser.parse_args()
    args.scratch.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="big-import-", dir=args.scratch))
    try:
        export, spec = work / "export.csv", work / "export.toml"
        write_export(export, args.rows)
        write_mapping(work, export, spec)
        size = export.stat().st_size
        data = work / "data"
        if args.whole:
            argv = [sys.executable, "-c", WHOLE, str(export), str(spec), str(data), str(args.cap_gb)]
        else:
            argv = [sys.executable, "-c", IMPORT, "import", str(export), "--mapping", str(spec), "--json",
                    "--data-dir", str(data)]
        load_before = os.getloadavg()[0]
        out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout,
                             env=os.environ | limits(args.rows, size))
        lines = out.stdout.strip().splitlines()
        result = json.loads(lines[-1]) if lines else {"failed": (out.stderr.strip().splitlines() or ["?"])[-1]}
        if not args.whole and len(lines) > 1:
            result["said"] = _report(lines[:-1])
        row = {"path": "whole" if args.whole else "chunked", "rows": args.rows, "mb": round(size / 2**20, 1),
               **result, "load_before": load_before, "load_after": os.getloadavg()[0]}
        print(json.dumps(row), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Import throughput: a large single-header survey export through the real importer."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from analysis.ingest import importing, mapping
from analysis.model import vocab

LABELS = ["No influence", "A little", "Some", "A lot", "Don't know"]


def export_csv(rows: int, questions: int, seed: int = 7) -> bytes:
    """A Google-Forms-like CSV: a respondent id column and `questions` influence questions."""
    rng = np.random.default_rng(seed)
    header = ["Respondent ID", *(f"Q{q + 1}. How much influence on {vocab.DOMAINS[d].lower()}?"
                                 for q, d in zip(range(questions), list(vocab.DOMAINS) * questions, strict=False))]
    codes = rng.integers(0, len(LABELS), size=(rows, questions))
    labels = np.asarray(LABELS, dtype=object)[codes]
    lines = [",".join(f'"{h}"' for h in header)]
    lines += [f"R{i:06d}," + ",".join(row) for i, row in enumerate(labels)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def bench_mapping(data: bytes, name: str) -> dict:
    """The starter mapping with every question placed on the influence scale, as a person would finish it."""
    result = mapping.guess(data, name)
    result.setdefault("import", {}).update({"source": "workshop", "wave": "2024", "organisation": "RX1",
                                            "org_name": "Benchmark trust", "org_type": "acute",
                                            "region": "london"})
    domains = list(vocab.DOMAINS)
    for i, (column, entry) in enumerate(c for c in result["columns"].items() if c[0] != "Respondent ID"):
        entry.update({"role": "question", "question_id": f"q{i + 1}", "text": column, "measure": "influence",
                      "domain": domains[i % len(domains)], "scale": "influence4"})
    result["columns"]["Respondent ID"] = {"role": "respondent_id"}
    return result


def run(tmp: Path, rows: int, questions: int, runs: int = 3) -> dict:
    """Median seconds to import the export into an empty data directory."""
    data = export_csv(rows, questions)
    name = "bench_export.csv"
    plan = bench_mapping(data, name)
    times, report = [], None
    for i in range(runs):
        directory = tmp / f"import-{i}"
        start = time.perf_counter()
        report = importing.run(data, name, plan, directory)
        times.append(time.perf_counter() - start)
        if not report.ok:
            raise RuntimeError(f"benchmark import refused: {report.problems[:3]}")
    return {"rows": rows, "questions": questions, "mb": len(data) / 1e6, "seconds": statistics.median(times),
            "runs": runs, "answers": report.answers}

"""Redaction on the labelled corpus: recall per kind, precision, and throughput on 100,000 comments.

    python -m bench.redaction            # both corpus parts and 100,000 comments
    python -m bench.redaction --n 20000  # a quicker throughput run

The corpus (tests/fixtures/redaction/) is comment-like sentences written for this project, one a line, with
each identifier marked {kind:text}. held_in.txt is the part the detector was tuned while looking at;
held_out.txt was written before any result on it was seen (its figures, never its misses, were looked at
while tuning); held_out_2.txt was written after the first round of tuning and scored once, at the end.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from analysis.ingest import redact

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "redaction"
PARTS = ("held_in", "held_out", "held_out_2")
NUMBERED = ("nhs", "ni", "dob", "age", "address", "hospital", "postcode", "phone", "email", "url", "handle")
_MARK = re.compile(r"\{(\w+):([^{}]+)\}")


@dataclass(frozen=True)
class Line:
    """One comment: its plain text and the labelled identifier spans (kind, start, end)."""

    text: str
    spans: tuple[tuple[str, int, int], ...]


def parse(line: str) -> Line:
    """A corpus line with its {kind:text} marks taken out and remembered as spans."""
    text, spans, last = [], [], 0
    length = 0
    for match in _MARK.finditer(line):
        before = line[last:match.start()]
        text.append(before)
        length += len(before)
        kind, value = match.groups()
        if kind not in redact.MARKS:
            raise ValueError(f"unknown kind {kind!r} in corpus line: {line}")
        spans.append((kind, length, length + len(value)))
        text.append(value)
        length += len(value)
        last = match.end()
    text.append(line[last:])
    return Line("".join(text), tuple(spans))


def corpus(part: str) -> list[Line]:
    """The lines of one part of the corpus (comments and blank lines skipped)."""
    lines = (CORPUS / f"{part}.txt").read_text(encoding="utf-8").splitlines()
    return [parse(line.rstrip()) for line in lines if line.strip() and not line.startswith("#")]


def score(lines: list[Line]) -> dict:
    """Recall per kind (a labelled span counts when every character of it is replaced), span precision
    (replaced spans that touch a labelled one) and the share of ordinary lines left exactly as written."""
    found_by_kind: dict[str, list[int]] = {}
    predicted = true_predicted = 0
    ordinary = ordinary_kept = 0
    missed: list[str] = []
    wrong: list[str] = []
    names_held = 0
    for line in lines:
        spans = redact.findings(line.text)
        held = bool(redact.review_reasons(redact.replace(line.text, spans)))
        covered = set()
        for f in spans:
            covered.update(range(f.start, f.end))
        for kind, start, end in line.spans:
            hit = all(i in covered for i in range(start, end))
            found_by_kind.setdefault(kind, [0, 0])
            found_by_kind[kind][0] += hit
            found_by_kind[kind][1] += 1
            if not hit:
                missed.append(f"{kind}: {line.text[start:end]!r} in {line.text!r}{' (held)' if held else ''}")
            names_held += kind == "name" and (hit or held)
        for f in spans:
            predicted += 1
            if any(f.start < end and start < f.end for _, start, end in line.spans):
                true_predicted += 1
            else:
                wrong.append(f"{f.kind}: {line.text[f.start:f.end]!r} in {line.text!r}")
        if not line.spans:
            ordinary += 1
            ordinary_kept += not spans
    recall = {k: (v[0], v[1]) for k, v in sorted(found_by_kind.items())}
    numbered = [v for k, v in recall.items() if k in NUMBERED]
    names_n = recall.get("name", (0, 0))[1]
    return {"lines": len(lines), "recall": recall, "names_or_held": (names_held, names_n),
            "numbered": (sum(v[0] for v in numbered), sum(v[1] for v in numbered)),
            "precision": (true_predicted, predicted), "ordinary_kept": (ordinary_kept, ordinary),
            "missed": missed, "wrong": wrong}


def throughput(n: int, repeats: int = 3) -> dict:
    """Seconds to redact n comments (the corpus lines over and over), whole redaction and patterns only."""
    texts = [line.text for part in PARTS[:2] for line in corpus(part)]
    comments = [texts[i % len(texts)] + ("" if i < len(texts) else f" ({i})") for i in range(n)]
    redact.redact("warm the lexicon")

    def timed(func) -> float:
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            for text in comments:
                func(text)
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    def patterns_only(text: str) -> str:
        return redact.replace(text, redact.pattern_findings(text))

    full = timed(redact.redact)
    pattern = timed(patterns_only)
    return {"comments": n, "full_s": full, "patterns_s": pattern, "per_comment_us": full / n * 1e6}


def _pct(pair: tuple[int, int]) -> str:
    return f"{100 * pair[0] / pair[1]:.1f}% ({pair[0]}/{pair[1]})" if pair[1] else "n/a"


def report(results: dict[str, dict], speed: dict | None) -> str:
    """The figures as a Markdown section for BENCHMARKS.md."""
    kinds = sorted({k for r in results.values() for k in r["recall"]})
    rows = ["| kind | " + " | ".join(results) + " |", "|---|" + "---|" * len(results)]
    for kind in kinds:
        rows.append(f"| {kind} | " + " | ".join(_pct(r["recall"].get(kind, (0, 0))) for r in results.values()) + " |")
    rows.append("| names replaced, or the quote held for review | "
                + " | ".join(_pct(r["names_or_held"]) for r in results.values()) + " |")
    rows.append("| all numbered identifiers | " + " | ".join(_pct(r["numbered"]) for r in results.values()) + " |")
    rows.append("| precision (replaced spans that are identifiers) | "
                + " | ".join(_pct(r["precision"]) for r in results.values()) + " |")
    rows.append("| ordinary lines left exactly as written | "
                + " | ".join(_pct(r["ordinary_kept"]) for r in results.values()) + " |")
    text = "\n".join(rows)
    if speed:
        text += (f"\n\nThroughput: {speed['comments']:,} comments redacted in {speed['full_s']:.1f} s "
                 f"({speed['per_comment_us']:.0f} µs a comment, median of 3); the pattern recognisers alone "
                 f"(no names) take {speed['patterns_s']:.1f} s.")
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="comments for the throughput run (0: none)")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS), help="corpus parts to score")
    parser.add_argument("--show", choices=PARTS, help="list what was missed and wrongly replaced in one part")
    args = parser.parse_args(argv)
    results = {part: score(corpus(part)) for part in args.parts}
    if args.show:
        print(f"## {args.show}: missed")
        print("\n".join(results[args.show]["missed"]) or "(none)")
        print(f"## {args.show}: replaced but not labelled")
        print("\n".join(results[args.show]["wrong"]) or "(none)")
    print(report(results, throughput(args.n) if args.n else None))


if __name__ == "__main__":
    main()

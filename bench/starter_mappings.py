"""How much of a starter mapping a person still has to change: on every real export and every fixture, the
column roles that differ from what a careful person would choose, and the answer placements left to make,
for this branch's `mapping.guess` and, side by side in one run, for the code before it (the merge base with
main, unpacked to a temporary folder with `git archive`).

    python -m bench.starter_mappings [--base main] [--real ../shared/real-exports]

"What a careful person would choose" is the table TRUTH below: for each file, the columns that are not to be
ignored and the roles each may take (a date column may be the wave or ignored); every other column is ignored.
A question's placements still to make: each of its answer labels not placed on a level, plus one for the
scale when the mapping has none for it. Real exports are about steak, travel and test surveys: their
questions that matter are the Likert-type ones (tests/test_real_exports.py LIKERT) and free text.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.trees import for_tree

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DATES = ("wave", "ignore")
Q, ID, TEXT = ("question",), ("respondent_id",), ("free_text",)
_QUALTRICS_NB = {"ResponseID": ID, "StartDate": DATES, "EndDate": DATES, "Q1": Q,
                 **{f"Q{q}_{i}": Q for q in (3, 4) for i in range(1, 5)}}
TRUTH: dict[str, dict[str, tuple[str, ...]]] = {
    # real exports
    "qualtrics_no_basis_insights.csv": _QUALTRICS_NB, "qualtrics_no_basis_legacy.csv": _QUALTRICS_NB,
    "qualtrics_matrix_insights.csv": {
        "ResponseID": ID, "StartDate": DATES, "EndDate": DATES, "matrix_question_five_question_two_TEXT": TEXT,
        **{f"Q{q}_{i}": Q for q in (2, 4) for i in range(1, 4)},
        **{f"{s}_question_{n}": Q for s in ("Q3", "Q5", "matrix_question_five") for n in ("one", "two", "three")}},
    "surveymonkey_steak_risk.csv": {"RespondentID": ID, **{q: Q for q in (
        "Do you ever smoke cigarettes?", "Do you ever drink alcohol?", "Do you ever gamble?",
        "Have you ever been skydiving?", "Do you ever drive above the speed limit?",
        "Have you ever cheated on your significant other?", "Do you eat steak?")}},
    "limesurvey_998192.csv": {"Response ID": ID, "Date submitted": DATES, "Date started": DATES,
                              "Date last action": DATES, "Please describe your current mood.": TEXT,
                              "__startswith__Please read the points below": Q, "do you agree": Q},
    "odk_transportation.csv": {"_uuid": ID, "_submission_time": DATES},
    "spss_sample.sav": {"myord": Q, "mydate": DATES, "dtime": DATES},
    "spss_multiple_response.sav": {"y": DATES, "date": DATES},
    # fixtures shaped like each platform's export
    "qualtrics_current.csv": {"ResponseId": ID, "Q1": Q, "Q2_1": ("group",), "Q2_2": ("group",)},
    "qualtrics_legacy.csv": {"ResponseID": ID, "Q1": Q},
    "qualtrics_pydict.csv": {"ResponseID": ID, "Q1": Q},
    "qualtrics_side_by_side.csv": {"ResponseId": ID, **{f"Q5_{i} [QID5#{j}_{i}]": Q for i in (1, 2) for j in (1, 2)}},
    "qualtrics_legacy_matrix.csv": {"ResponseID": ID, **{f"Q3 [The staff listened-{w}]": Q
                                                         for w in ("Reception", "Nurses", "Doctors")}},
    "surveymonkey.csv": {"Respondent ID": ID, "How much influence on information?": Q,
                         "Which groups do you speak for? [Carers]": ("group",),
                         "Which groups do you speak for? [Older people]": ("group",)},
    "limesurvey.csv": {"Response ID": ID, "Date submitted": DATES, "Influence [Care environment]": Q,
                       "Influence [Information]": Q, "Comments": TEXT},
    "limesurvey_unnamed.csv": {"Response ID": ID, "Date submitted": DATES,
                               "How much influence on the care environment?": Q},
    "google_forms.csv": {"Timestamp": DATES, "Trust": ("organisation",), "How much influence on appointments?": Q},
    "odk.csv": {"_uuid": ID, "grp/influence": Q, "grp/groups/carers": ("group",),
                "grp/groups/older_people": ("group",)},
    "spss.sav": {"resp": ID, "infl": Q},
    "cp1252.csv": {"respondent_id": ID, "trust": ("organisation",), "Influence on café food": Q},
    "agree_survey.sav": {"resp_id": ID, **{f"q{i}": Q for i in range(1, 6)}},
    "fft_gp_practices.csv": {"Submitted": DATES, "Practice code": ("organisation",),
                             "Practice name": ("org_name", "ignore"), "Please tell us why you gave that answer": TEXT,
                             "How likely are you to recommend our GP practice to friends and family if they needed "
                             "similar care or treatment?": Q},
}
GUESS = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from analysis.ingest import mapping
out = {}
for path in sys.argv[2:]:
    p = Path(path)
    try:
        spec = mapping.guess(p.read_bytes(), p.name)
    except Exception as exc:
        out[p.name] = {"error": str(exc)}
        continue
    out[p.name] = {"columns": {c: {"role": e.get("role", "ignore"), "answers": e.get("answers", {}),
                                   "scale": e.get("scale", "")} for c, e in spec["columns"].items()},
                   "scales": list(spec.get("scales", {}))}
print(json.dumps(out))
"""


def _expected(truth: dict, column: str) -> tuple[str, ...]:
    for key, roles in truth.items():
        if key == column or (key.startswith("__startswith__") and column.startswith(key.removeprefix(
                "__startswith__"))):
            return roles
    return ("ignore",)


def edits(name: str, guessed: dict, labels: dict[str, list[str]]) -> tuple[int, int, int]:
    """Role changes, placements still to make, and the questions that matter, for one file's guess."""
    if "error" in guessed:  # the file could not be read at all: every role and every answer is to do
        truth = TRUTH.get(name, {})
        questions = [c for c in labels if "question" in _expected(truth, c)]
        return (sum(1 for c in labels if _expected(truth, c) != ("ignore",)),
                sum(len(labels[c]) + 1 for c in questions), len(questions))
    truth = TRUTH.get(name, {})
    roles = placements = questions = 0
    library = {"influence4", "importance4", "agree5", "fft6", "satisfaction5", "quality5", "frequency5", "yes_no"}
    for column, entry in guessed["columns"].items():
        expected = _expected(truth, column)
        roles += entry["role"] not in expected
        if "question" in expected:
            questions += 1
            answers = entry["answers"] if entry["role"] == "question" or entry["answers"] else {}
            known = set(labels.get(column, []))
            placements += sum(1 for label in known if not answers.get(label))
            placements += not (entry["scale"] in guessed["scales"] or entry["scale"] in library)
    return roles, placements, questions


def _labels(path: Path) -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT))
    from analysis.ingest.importers import read_export
    from analysis.views import import_steps

    try:
        return import_steps.column_labels(read_export(path.read_bytes(), path.name, keep_test_responses=True))
    except Exception:
        return {}


def run(base: str, real: Path) -> list[dict]:
    """One row per file: roles and placements to change, before and after."""
    files = sorted(p for p in FIXTURES.iterdir() if p.name in TRUTH) + sorted(
        p for p in real.glob("*") if p.name in TRUTH)
    commit = subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", base], capture_output=True, text=True,
                            check=True).stdout.strip()
    results = {}
    with tempfile.TemporaryDirectory() as old:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "analysis"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
        for label, code in (("before", old), ("after", str(ROOT))):
            script = for_tree(GUESS, Path(code))
            out = subprocess.run([sys.executable, "-c", script, code, *map(str, files)], capture_output=True,
                                 text=True, check=True).stdout
            results[label] = json.loads(out)
    rows = []
    for path in files:
        labels = _labels(path)
        before = edits(path.name, results["before"][path.name], labels)
        after = edits(path.name, results["after"][path.name], labels)
        rows.append({"file": path.name, "real": path.parent == real, "questions": after[2],
                     "roles_before": before[0], "placements_before": before[1],
                     "roles_after": after[0], "placements_after": after[1], "commit_before": commit[:10]})
    return rows


def table(rows: list[dict]) -> str:
    """The rows as a Markdown table with totals."""
    lines = ["| file | real export | questions that matter | roles to change (before → after) | "
             "placements to make (before → after) |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['file']} | {'yes' if r['real'] else 'fixture'} | {r['questions']} | "
                     f"{r['roles_before']} → {r['roles_after']} | {r['placements_before']} → {r['placements_after']} |")
    total = {k: sum(r[k] for r in rows) for k in ("roles_before", "roles_after", "placements_before",
                                                  "placements_after", "questions")}
    lines.append(f"| **all {len(rows)} files** | | {total['questions']} | {total['roles_before']} → "
                 f"{total['roles_after']} | {total['placements_before']} → {total['placements_after']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="main")
    parser.add_argument("--real", default=str(ROOT.parent / "shared" / "real-exports"))
    args = parser.parse_args()
    rows = run(args.base, Path(args.real))
    print(f"before = merge base {rows[0]['commit_before'] if rows else '?'}")
    print(table(rows))


if __name__ == "__main__":
    main()

"""`python -m analysis import-actions FILE`: add "you said, we did" issues from a CSV, all or nothing.

The CSV has the columns of docs/actions-template.csv: one issue a row; `groups` lists the seldom-heard group
ids it affects, separated by semicolons (stored one a row in action_groups, never as a list).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analysis.ingest import redact
from analysis.model import schema, vocab
from analysis.model.errors import Problem, UserError, problem
from analysis.storage import store

COLUMNS = ["action_id", "org_id", "wave", "domain", "issue", "raised_on", "action_taken", "acted_on", "feedback",
           "feedback_on", "groups"]
REQUIRED = ["action_id", "org_id", "domain", "issue", "raised_on"]
FREE_TEXT = ["issue", "action_taken", "feedback"]  # redacted of personal details before they are stored
DATES = ["raised_on", "acted_on", "feedback_on"]


class ActionsRefused(UserError):
    """The file was refused; `problems` lists each one with its row, column and value."""

    def __init__(self, message: str, problems: list[dict]) -> None:
        super().__init__(message)
        self.problems = problems


def _problem(row: int | None, column: str | None, value: object, message: str) -> Problem:
    return problem(message, row, column, value)


def _read(data: bytes, file_name: str) -> pd.DataFrame:
    """The CSV's columns of COLUMNS as stripped text; ActionsRefused when it cannot be read or lacks a column."""
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ActionsRefused(f"{file_name} could not be read as a UTF-8 CSV: {exc}", []) from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ActionsRefused(f"{file_name} is missing column(s) {', '.join(missing)}; start from "
                             "docs/actions-template.csv.", [_problem(1, c, "", "column missing") for c in missing])
    return raw[COLUMNS].apply(lambda col: col.str.strip())


def _row_dates(rec: dict, bad: Callable[[str, str], None]) -> dict[str, pd.Timestamp]:
    """A row's dates (NaT when empty or not a date, which is reported), checked against each other."""
    dates = {}
    for column in DATES:
        dates[column] = pd.NaT
        if rec[column]:
            try:
                dates[column] = pd.Timestamp(dt.date.fromisoformat(rec[column]))
            except ValueError:
                bad(column, "not a date in the form YYYY-MM-DD")
    for column, needs in (("acted_on", "action_taken"), ("feedback_on", "feedback")):
        if bool(rec[column]) != bool(rec[needs]):
            bad(column if rec[needs] else needs, f"{needs} and {column} go together: give both or neither")
        if pd.notna(dates[column]) and pd.notna(dates["raised_on"]) and dates[column] < dates["raised_on"]:
            bad(column, f"{column} is before raised_on ({rec['raised_on']})")
    return dates


def _row_groups(rec: dict, bad: Callable[[str, str], None]) -> list[str]:
    """The seldom-heard group ids a row lists (each once); an id that is not one is reported."""
    found: list[str] = []
    for group in filter(None, (g.strip() for g in rec["groups"].split(";"))):
        if group not in vocab.SELDOM_HEARD_GROUPS:
            bad("groups", f"{group!r} is not a seldom-heard group id; use ids from "
                          f"{', '.join(vocab.SELDOM_HEARD_GROUPS)}, separated by semicolons")
        elif group not in found:
            found.append(group)
    return found


def _check_ids(rec: dict, bad: Callable[[str, str], None], known_orgs: set[str], known_ids: set[str],
               seen: set[str]) -> None:
    """A row's required values and ids: filled in, not used before, naming an organisation and a domain we know."""
    for column in REQUIRED:
        if not rec[column]:
            bad(column, f"{column} is empty; every issue needs one")
    if rec["action_id"] in seen or rec["action_id"] in known_ids:
        bad("action_id", "this action_id is already used" + (" in the dataset" if rec["action_id"] in known_ids
                                                              else " higher up the file"))
    seen.add(rec["action_id"])
    if rec["org_id"] and rec["org_id"] not in known_orgs:
        bad("org_id", "no organisation with this org_id in the current dataset; import the survey data first")
    if rec["domain"] and rec["domain"] not in vocab.DOMAINS:
        bad("domain", f"not a domain id; use one of {', '.join(vocab.DOMAINS)}")


def parse(data: bytes, file_name: str, known_orgs: set[str],
          known_ids: set[str] = frozenset()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The actions and action_groups tables in a CSV; ActionsRefused listing every problem (row = line in the file)."""
    raw = _read(data, file_name)
    problems: list[dict] = []
    seen: set[str] = set()
    dates: dict[str, list] = {c: [] for c in DATES}
    groups: list[tuple[str, str]] = []
    for i, rec in enumerate(raw.to_dict("records")):
        line = i + 2  # the header is line 1

        def bad(column: str, message: str, rec: dict = rec, line: int = line) -> None:
            problems.append(_problem(line, column, rec[column], message))

        _check_ids(rec, bad, known_orgs, known_ids, seen)
        for column, value in _row_dates(rec, bad).items():
            dates[column].append(value)
        groups += [(rec["action_id"], g) for g in _row_groups(rec, bad) if (rec["action_id"], g) not in groups]
    if not len(raw):
        problems.append(_problem(None, None, "", "the file has no issues (no rows under the header)"))
    if problems:
        raise ActionsRefused(f"{file_name} was not imported: {len(problems)} problem(s); nothing was written.",
                             problems)
    actions = raw.drop(columns="groups").assign(**{c: pd.Series(v, dtype="datetime64[ns]") for c, v in dates.items()})
    year = actions["raised_on"].dt.year.astype(str)
    actions = actions.assign(wave=actions["wave"].where(actions["wave"] != "", year))
    actions = actions.assign(**{c: actions[c].map(redact.redact) for c in FREE_TEXT})
    actions = actions.replace({"action_taken": {"": None}, "feedback": {"": None}})
    return (schema.conform("actions", actions),
            schema.conform("action_groups", pd.DataFrame(groups, columns=["action_id", "group_id"])))


def import_actions(data: bytes, file_name: str, directory: Path, dry_run: bool = False,
                   dataset: str | None = None) -> str:
    """Check a CSV of issues and add them, atomically, to a named dataset (the default one unless given); the
    message says what happened."""
    if not store.has_dataset(directory):
        raise UserError(f"No dataset in {directory} to add actions to. Build or import one first.")
    target = store.resolve(directory, dataset or store.default_collection(directory) or "")
    manifest = store.manifest(directory, target["current"])
    tables = store.read_core(directory, target["current"])
    sha = hashlib.sha256(data).hexdigest()
    if any(p.get("sha256") == sha and p.get("kind") == "actions" for p in manifest.get("provenance", [])):
        return f"{file_name} was already imported (same sha256); nothing changed."
    actions, groups = parse(data, file_name, set(tables["organisations"]["org_id"].astype(str)),
                            set(tables["actions"]["action_id"].astype(str)))
    if dry_run:
        return f"{file_name} can be imported: {len(actions)} issues (dry run: nothing was written)."
    tables["actions"] = pd.concat([t for t in (tables["actions"], actions) if len(t)], ignore_index=True)
    tables["action_groups"] = pd.concat([t for t in (tables["action_groups"], groups) if len(t)] or [groups],
                                        ignore_index=True)
    entry = {"kind": "actions", "file": file_name, "sha256": sha, "actions": len(actions),
             "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    written = store.write_dataset(tables, directory, demo=bool(manifest.get("demo")),
                                  provenance=[*manifest.get("provenance", []), entry],
                                  description=manifest.get("description", ""), collection=target["name"])
    return (f"Imported {len(actions)} issues from {file_name} into dataset {target['title']!r} ({target['name']}), "
            f"version {written['dataset_id']}.")


def _run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"{args.file}: no such file")
    try:
        print(import_actions(path.read_bytes(), path.name, store.data_dir(args.data_dir), dry_run=args.dry_run,
                             dataset=args.dataset))
    except ActionsRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        for p in exc.problems:
            where = ", ".join(f"{k} {p[k]!r}" if k != "row" else f"row {p[k]}"
                              for k in ("row", "column", "value") if p.get(k) not in (None, ""))
            print(f"  problem{' (' + where + ')' if where else ''}: {p['message']}", file=sys.stderr)
        return 2
    return 0


def add_commands(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the import-actions command."""
    cmd = subparsers.add_parser("import-actions", parents=[common],
                                help="add 'you said, we did' issues from a CSV (docs/actions-template.csv)")
    cmd.add_argument("file", help="the CSV of issues")
    cmd.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    cmd.add_argument("--dataset", metavar="NAME", help="the dataset to add them to (default: the default dataset)")
    cmd.set_defaults(func=_run)

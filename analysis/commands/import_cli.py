"""Commands `mapping-template` and `import`: a starter mapping for an export, and the import itself."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analysis.ingest import importing, mapping, side_files
from analysis.ingest.importers import FileProblem, budgets
from analysis.model.errors import UserError, problem
from analysis.storage import store


def _read_file(path: str) -> bytes:
    file = Path(path)
    if not file.is_file():
        raise UserError(f"{path}: no such file")
    budgets.check_size(file.stat().st_size, file.name)  # before reading it into memory
    return file.read_bytes()


def _mapping_template(args: argparse.Namespace) -> int:
    data = _read_file(args.file)
    try:
        text = mapping.to_toml(mapping.guess(data, Path(args.file).name))
    except FileProblem as exc:
        raise UserError(str(exc)) from exc
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"Wrote a starter mapping for {Path(args.file).name} to {args.out}; review it, then run: "
              f"python -m analysis import {args.file} --mapping {args.out} --dry-run")
    else:
        sys.stdout.write(text)
    return 0


def _load(args: argparse.Namespace) -> importing.ImportReport:
    name = Path(args.file).name
    if not Path(args.file).is_file():
        raise UserError(f"{args.file}: no such file")
    map_path = Path(args.mapping)
    if not map_path.is_file():
        raise UserError(f"mapping {args.mapping}: no such file (make one with: python -m analysis "
                        f"mapping-template {args.file} --out MAP.toml)")
    try:
        spec = mapping.from_toml(map_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise UserError(f"{map_path.name}: {exc}") from exc
    side = side_files.from_paths(spec, map_path, {"org_lookup": args.org_lookup, "names_file": args.names_file})
    if side.problems:
        return side.refusal(name)
    lookup, names = side.lookup, side.names
    directory = store.data_dir(args.data_dir)
    target = importing.Target(dataset=args.dataset, title=args.new_dataset or "", description=args.description or "",
                              merge_unrelated=args.merge_unrelated)
    # A CSV file is read, checked and written in chunks (memory does not grow with it); XLSX and SPSS whole.
    return importing.run_file(Path(args.file), spec, directory, importing.Options(
        dry_run=args.dry_run, lookup=lookup, mapping_name=map_path.name, names=names, target=target))


def _import(args: argparse.Namespace) -> int:
    try:
        report = _load(args)
    except Exception as exc:  # every failure is reported as a problem, never as a traceback
        report = importing.ImportReport(file=Path(args.file).name, dry_run=args.dry_run)
        report.problems = getattr(exc, "problems", None) or [problem(str(exc))]
        report.message = f"{report.file} was not imported: {exc}"
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        out = sys.stdout if report.ok else sys.stderr
        print(report.message, file=out)
        if report.rows_read:
            print(f"  responses read: {report.rows_read}; respondents: {report.respondents}; answers: "
                  f"{report.answers}; free-text answers: {report.free_text_answers}", file=out)
        for item in report.renamed_columns:
            print(f"  renamed: column {item['column']} {item['from']!r} is read as {item['to']!r} ({item['why']})",
                  file=out)
        for item in report.excluded:
            print(f"  left out: {item['count']} {item['reason']}", file=out)
        for item in report.problems:
            where = ", ".join(f"{k} {item[k]!r}" if k != "row" else f"row {item[k]}"
                              for k in ("row", "column", "value") if item.get(k) not in (None, ""))
            print(f"  problem{' (' + where + ')' if where else ''}: {item['message']}", file=out)
    return 0 if report.ok else 2


def add_commands(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the mapping-template and import commands."""
    template = subparsers.add_parser("mapping-template", parents=[common],
                                     help="write a starter mapping (TOML) for a survey export")
    template.add_argument("file", help="the export: CSV, XLSX or SPSS .sav")
    template.add_argument("--out", help="where to write the mapping (default: standard output)")
    template.set_defaults(func=_mapping_template)

    imp = subparsers.add_parser("import", parents=[common], help="check and import a survey export")
    imp.add_argument("file", help="the export: CSV, XLSX or SPSS .sav")
    imp.add_argument("--mapping", required=True, help="the mapping (TOML) from mapping-template, reviewed")
    imp.add_argument("--org-lookup", help="an organisation lookup CSV (instead of org_lookup in the mapping)")
    imp.add_argument("--names-file", help="names to redact, one a line (instead of names_file in the mapping)")
    imp.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    imp.add_argument("--json", action="store_true", help="print one JSON object")
    into = imp.add_mutually_exclusive_group()
    into.add_argument("--dataset", metavar="NAME", help="add the file to this stored dataset (its name or title); "
                      "without it, the file goes into a new dataset")
    into.add_argument("--new-dataset", metavar="TITLE", help="the title of the new dataset (default: the file's name)")
    imp.add_argument("--description", help="a description of the new dataset")
    imp.add_argument("--merge-unrelated", action="store_true",
                     help="add the file to --dataset even when it shares no question with it")
    imp.set_defaults(func=_import)

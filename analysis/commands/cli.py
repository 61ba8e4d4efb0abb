"""The command line: `python -m analysis <command>`; exit 0 on success, 2 on bad input, never a traceback."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable

from analysis.commands import summary_cli
from analysis.model.errors import UserError
from analysis.storage import store
from analysis.synthetic import demo, national

# Modules that add their own subcommands: each has add_commands(subparsers, common_parent_parser);
# a command's func returns an exit code and raises UserError for bad input.
COMMAND_MODULES: tuple[str, ...] = ("analysis.commands.import_cli", "analysis.commands.briefing_cli",
                                     "analysis.commands.voices_cli", "analysis.commands.datasets_cli",
                                     "analysis.ingest.actions_import")


def _build(args: argparse.Namespace) -> int:
    if not args.demo:
        raise UserError("build needs --demo (imported data is added with: python -m analysis import FILE ...)")
    directory = store.data_dir(args.data_dir)
    if args.if_missing and store.has_dataset(directory):
        print(f"A dataset is already in {directory}; leaving it as it is.")
        return 0
    chunks = ()
    if args.respondents is None:
        tables, description = demo.demo_tables(), demo.DEMO_DESCRIPTION
        provenance = [{"kind": "demo", "generator": "analysis.synthetic.demo", "seed": demo.SEED}]
    else:
        if args.respondents < 1:
            raise UserError(f"--respondents must be a whole number of at least 1, not {args.respondents}")
        tables, chunks = national.national_parts(args.respondents)  # generated and written chunk by chunk
        description = national.DESCRIPTION.format(n=args.respondents)
        provenance = [{"kind": "demo", "generator": "analysis.synthetic.national", "seed": demo.SEED,
                       "respondents": args.respondents}]
    manifest = store.write_dataset(tables, directory, demo=True, description=description, provenance=provenance,
                                   chunks=chunks)
    print(f"Built the illustrative demo dataset {manifest['dataset_id']} in {directory}")
    return 0


def _summary(args: argparse.Namespace) -> int:
    directory = store.data_dir(args.data_dir)
    result = summary_cli.dataset_summary(directory)
    print(json.dumps(result, indent=2) if args.json else summary_cli.summary_text(result))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis",
                                     description="Engagement Explorer: build, import and summarise evidence.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help=f"data directory (default: ${store.ENV_VAR} or data/)")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", parents=[common], help="write the demo dataset")
    build.add_argument("--demo", action="store_true", help="the illustrative demo dataset")
    build.add_argument("--respondents", type=int, metavar="N",
                       help="a national-scale synthetic dataset of N respondents instead of the study's design")
    build.add_argument("--if-missing", action="store_true", help="only when the data directory has no dataset")
    build.set_defaults(func=_build)

    summ = sub.add_parser("summary", parents=[common], help="counts, dataset hash and headline influence")
    summ.add_argument("--json", action="store_true", help="print one JSON object")
    summ.set_defaults(func=_summary)

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_commands(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command; return its exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (UserError, store.NoDataset) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

"""The command line: `python -m analysis <command>`; exit 0 on success, 2 on bad input, never a traceback."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable

from analysis import demo, store, summary

log = logging.getLogger("analysis")


class UserError(Exception):
    """A problem the person running the command can fix; its message says how."""


def _build(args: argparse.Namespace) -> int:
    if not args.demo:
        raise UserError("build needs --demo (imported data is added with: python -m analysis import FILE ...)")
    directory = store.data_dir(args.data_dir)
    manifest = store.write_dataset(
        demo.demo_tables(), directory, demo=True, description=demo.DEMO_DESCRIPTION,
        provenance=[{"kind": "demo", "generator": "analysis.demo", "seed": demo.SEED}],
    )
    print(f"Built the illustrative demo dataset {manifest['dataset_id']} in {directory}")
    return 0


def _summary(args: argparse.Namespace) -> int:
    directory = store.data_dir(args.data_dir)
    result = summary.dataset_summary(directory)
    print(json.dumps(result, indent=2) if args.json else summary.summary_text(result))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis",
                                     description="Engagement Explorer: build, import and summarise evidence.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help=f"data directory (default: ${store.ENV_VAR} or data/)")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", parents=[common], help="write the demo dataset")
    build.add_argument("--demo", action="store_true", help="the illustrative demo dataset")
    build.set_defaults(func=_build)

    summ = sub.add_parser("summary", parents=[common], help="counts, dataset hash and headline influence")
    summ.add_argument("--json", action="store_true", help="print one JSON object")
    summ.set_defaults(func=_summary)
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

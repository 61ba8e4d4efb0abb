"""Command `redact`: text on standard input, written to standard output with personal details replaced."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.ingest import redact
from analysis.model.errors import UserError


def _redact(args: argparse.Namespace) -> int:
    names: list[str] = []
    if args.names:
        if not Path(args.names).is_file():
            raise UserError(f"names file {args.names}: no such file (one name a line)")
        names = redact.read_names(args.names)
    pattern = redact.names_pattern(names)
    for line in sys.stdin:
        sys.stdout.write(redact.redact(line, pattern))
    return 0


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the redact command."""
    cmd = sub.add_parser("redact", parents=[common], help="redact personal details from text on standard input",
                         description="Replaces people's names (found without a list, plus any listed), NHS "
                                     "numbers, National Insurance numbers, dates of birth, ages over 89, street "
                                     "addresses, hospital numbers, postcodes, phone numbers, emails, links and social "
                                     "handles with marks such as [name]. The same redaction runs at import and on "
                                     "import-actions. Works offline.")
    cmd.add_argument("--names", metavar="FILE", help="names to remove (staff and respondents), one a line")
    cmd.set_defaults(func=_redact)

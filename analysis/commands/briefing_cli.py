"""The `briefing` command: a briefing pack (PPTX or PDF) of a view, from the command line."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from analysis.model import filters as flt
from analysis.model import vocab
from analysis.model.errors import UserError
from analysis.outputs import briefing
from analysis.storage import store
from analysis.views import datasets, registry


def parse_filter_args(pairs: list[str], waves: list[str]) -> flt.Filters:
    """Filters from `key=value` arguments (URL parameter names); unknown keys or values are errors."""
    params: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not value.strip():
            raise UserError(f"--filter {pair!r} needs the form key=value, e.g. --filter sector=nhs")
        if key not in vocab.FILTER_KEYS:
            raise UserError(f"Unknown filter key {key!r}: use one of {', '.join(vocab.FILTER_KEYS)}.")
        params.setdefault(key, []).append(value)
    chosen = flt.parse(params, waves=waves)
    if chosen.ignored:
        bad = ", ".join(chosen.ignored)
        raise UserError(f"Unknown filter value {bad}. Known values: "
                        + "; ".join(f"{k}: {', '.join(vocab.filter_options(k) or waves)}"
                                    for k in sorted({i.split('=')[0] for i in chosen.ignored})))
    return chosen


def _briefing(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in briefing.FORMATS:
        raise UserError(f"Cannot tell the pack format from {out.name!r}: use --format pptx or --format pdf.")
    pages = briefing.pages_of(args.page)
    directory = store.data_dir(args.data_dir)
    entry = store.resolve(directory, args.dataset or store.default_collection(directory) or "")
    loaded = registry.store_sources(directory, entry["current"])
    cube = loaded[registry.CUBE]()
    cube = dataclasses.replace(cube, manifest=datasets.view_manifest(cube.manifest, entry))  # the pack names it
    sources = {**loaded, registry.CUBE: lambda: cube}
    filters = parse_filter_args(args.filter or [], cube.waves)
    panels = briefing.pack_panels(args.page, lambda page: registry.page_panels(page, sources, filters))
    data = briefing.build(panels, cube.manifest, filters, fmt, args.page)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    what = "the whole report" if args.page == briefing.ALL else f"the {registry.PAGES[pages[0]].title} page"
    print(f"Wrote a {fmt.upper()} briefing pack of {what} ({len(panels)} charts), {flt.describe(filters)}, "
          f"to {out}")
    return 0


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add `briefing` to the command line."""
    cmd = sub.add_parser("briefing", parents=[common], help="build a briefing pack (PPTX or PDF) of a view")
    cmd.add_argument("--out", required=True, help="file to write, e.g. pack.pptx or pack.pdf")
    cmd.add_argument("--page", default=briefing.ALL, metavar="PAGE",
                     help=f"the page whose charts the pack holds: {', '.join(registry.PAGES)}, or all (default: all, "
                          "the whole report)")
    cmd.add_argument("--format", choices=sorted(briefing.FORMATS), help="pptx or pdf (default: from --out)")
    cmd.add_argument("--filter", action="append", metavar="KEY=VALUE",
                     help=f"a filter as in the page address ({', '.join(vocab.FILTER_KEYS)}); repeatable")
    cmd.add_argument("--dataset", metavar="NAME", help="the dataset (name or title; default: the default dataset)")
    cmd.set_defaults(func=_briefing)

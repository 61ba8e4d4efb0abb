"""Every panel of the registry on the demo for a fixed set of views, written as text (title, base, summary,
method, table as CSV, figure as JSON), so two versions of the code can be compared: a refactoring that
changes no behaviour leaves the dump identical.

    python -m bench.panel_dump OUT.jsonl      # then: cmp OUT.jsonl OTHER.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from analysis.model.filters import Filters
from analysis.storage import store
from analysis.synthetic import demo
from analysis.views import registry

VIEWS = {
    "all": Filters(),
    "acute": Filters(org_type=("acute",)),
    "independent": Filters(sector=("independent",)),
    "london_workshops": Filters(region=("london",), source=("workshop",)),
    "hospice_pct": Filters(org_type=("hospice", "pct")),
    "wave_2008": Filters(wave=("2008",)),
    "wave_2009": Filters(wave=("2009",)),
    "ambulance_2009_small": Filters(org_type=("ambulance",), wave=("2009",)),  # mostly hidden cells
}


def panel_records(directory: Path) -> list[dict]:
    """One record per (view, page, panel): everything the panel shows, as text."""
    sources = registry.store_sources(directory)
    records = []
    for view_name, view in VIEWS.items():
        for page in registry.PAGES:
            for panel in registry.page_panels(page, sources, view):
                records.append({"view": view_name, "page": page, "chart_id": panel.chart_id,
                                "title": panel.title, "subtitle": panel.subtitle, "base": panel.base_text,
                                "summary": panel.summary, "method": panel.method,
                                "table": panel.table.to_csv(index=False), "figure": panel.figure.to_json()})
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        store.write_dataset(demo.demo_tables(), directory, demo=True, description=demo.DEMO_DESCRIPTION,
                            provenance=[{"kind": "demo", "generator": "analysis.synthetic.demo", "seed": demo.SEED}])
        records = panel_records(directory)
    with args.out.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, sort_keys=True) + "\n")
    print(f"{len(records)} panels over {len(VIEWS)} views written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

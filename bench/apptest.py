"""Server time of a whole page rerun after a filter change, through Streamlit's AppTest, for one dataset.

    python -m bench.apptest DATA_DIR [--repeats 3]     # prints {page: median ms} as JSON

Run by `python -m bench` in a fresh process per dataset size.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def times(directory: Path, repeats: int) -> dict[str, float]:
    """Median server time of a whole page rerun after a filter change (a view not seen before), via AppTest."""
    from streamlit.testing.v1 import AppTest

    os.environ["ENGAGEMENT_DATA_DIR"] = str(directory)
    result = {}
    from analysis.views import registry

    pages = {page: f"pages/{page}.py" for page in (*registry.PAGES, "data")}  # every page, the Data page too
    # Every rerun asks for a view not asked for before, so the panel cache never answers: each time is a
    # real recomputation (cached repeats would be far quicker).
    types = ["pct", "acute", "ambulance", "mental_health_ld", "independent_acute", "hospice",
             "independent_walk_in", "independent_mental_health"]
    views = [list(combo) for size in (1, 2, 3) for combo in itertools.combinations(types, size)]
    for offset, (page, script) in enumerate(pages.items()):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.switch_page(script).run()
        seconds = []
        start = offset * (5 * repeats + 1)
        for choice in itertools.islice(itertools.cycle(views), start, start + 5 * repeats + 1):  # distinct views
            if page != "data":  # the Data page has no sidebar filters: a plain rerun
                at.multiselect(key="filter_org_type").set_value(choice)
            start = time.perf_counter()
            at.run()
            seconds.append(time.perf_counter() - start)
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].message}")
        result[page] = 1000 * statistics.median(seconds[1:])
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.apptest", description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(times(args.data_dir, args.repeats)))

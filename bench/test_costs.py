"""What each test of the fast loop costs in CPU, and the list of the heavy ones `make check` leaves to `make test`.

    python -m bench.test_costs                 # measure, print the costliest, rewrite tests/slow_tests.txt
    python -m bench.test_costs --limit 0.5 --no-write

Runs the `make check` selection in one process (no xdist, so each test's CPU is its own: setup, call and
teardown, with the child processes it waited for) and writes every test that took more than `--limit` CPU-seconds
to tests/slow_tests.txt. tests/conftest.py marks those `slow`; `make check` deselects them, `make test` runs them.
CPU rather than wall time, so a busy machine changes the list less; run it on a quiet one all the same.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SLOW_LIST = ROOT / "tests" / "slow_tests.txt"
FAST_LOOP = "not browser and not server and not apptest"  # the Makefile's check selection, before `slow`
HEADER = """\
# The tests of `make check`'s selection that cost more than {limit:g} CPU-seconds each on the machine that measured
# them: tests/conftest.py marks them `slow`, `make check` leaves them to `make test`, which runs every test.
# Made by `python -m bench.test_costs` (a {total:.0f} CPU-s selection, {count} tests over the limit: {heavy:.0f} CPU-s);
# run it again after adding a heavy test.
"""


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Recorder:
    """A pytest plugin: the CPU-seconds of each test's setup, call and teardown."""

    def __init__(self) -> None:
        self.costs: dict[str, float] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        began = _cpu()
        try:
            return (yield)
        finally:
            self.costs[item.nodeid] = _cpu() - began


def measure(args: list[str]) -> dict[str, float]:
    """Each selected test's CPU-seconds (pytest arguments `args`); exits when a test fails."""
    recorder = Recorder()
    os.chdir(ROOT)  # pytest finds its settings (pyproject.toml) and the tests from the repository root
    code = pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-m", FAST_LOOP, *args],
                       plugins=[recorder])
    if code != 0:
        raise SystemExit(f"the tests did not all pass (pytest exit {code}): fix them before measuring")
    return recorder.costs


def slow_list(costs: dict[str, float], limit: float) -> str:
    """The text of tests/slow_tests.txt: a header, then the tests over the limit, costliest first."""
    heavy = sorted((c, n) for n, c in costs.items() if c > limit)[::-1]
    header = HEADER.format(limit=limit, total=sum(costs.values()), count=len(heavy), heavy=sum(c for c, _ in heavy))
    return header + "".join(f"{name}\n" for _, name in heavy)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.test_costs", description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=0.5, help="CPU-seconds over which a test is slow (0.5)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave tests/slow_tests.txt alone")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments (e.g. one test file)")
    args = parser.parse_args(argv)
    costs = measure(args.pytest_args)
    for name, cost in sorted(costs.items(), key=lambda kv: -kv[1])[:25]:
        print(f"{cost:6.2f}  {name}")
    text = slow_list(costs, args.limit)
    print(text.splitlines()[2])
    if not args.no_write:
        SLOW_LIST.write_text(text, encoding="utf-8")
        print(f"wrote {SLOW_LIST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The list of heavy tests `make check` leaves to `make test` (bench/test_costs.py, tests/slow_tests.txt)."""

from __future__ import annotations

from pathlib import Path

from conftest import slow_tests

from bench import test_costs

ROOT = Path(__file__).resolve().parent.parent


def test_the_slow_list_holds_the_tests_over_the_limit_costliest_first() -> None:
    costs = {"tests/test_a.py::quick": 0.1, "tests/test_a.py::heavy[1]": 2.5, "tests/test_b.py::middling": 0.7,
             "tests/test_b.py::at_the_limit": 0.5}
    text = test_costs.slow_list(costs, 0.5)
    listed = [line for line in text.splitlines() if not line.startswith("#")]
    assert listed == ["tests/test_a.py::heavy[1]", "tests/test_b.py::middling"]
    assert "a 4 CPU-s selection, 2 tests over the limit: 3 CPU-s" in text


def test_every_listed_slow_test_is_in_a_test_file() -> None:
    # A renamed file leaves its heavy tests in the fast loop: regenerate the list (python -m bench.test_costs).
    listed = slow_tests()
    gone = sorted(node for node in listed if not (ROOT / node.split("::")[0]).is_file())
    assert listed and not gone, f"tests/slow_tests.txt names tests whose files are gone: {gone}"

"""The concurrent-sessions benchmark's bookkeeping: percentiles and its section of BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import sessions


@pytest.mark.parametrize(("values", "pct", "expected"), [
    ([1.0], 95, 1.0), ([3.0, 1.0, 2.0], 50, 2.0), (list(map(float, range(1, 21))), 95, 19.0),
])
def test_percentile_is_nearest_rank(values: list[float], pct: float, expected: float) -> None:
    assert sessions.percentile(values, pct) == expected


def test_the_section_is_replaced_in_place_or_appended(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## Building\n\nx\n\n## Concurrent sessions\n\nold\n\n## Later\n\ny\n")
    sessions.write_section("## Concurrent sessions\n\nnew\n", path)
    assert path.read_text() == "# Benchmarks\n\n## Building\n\nx\n\n## Concurrent sessions\n\nnew\n\n## Later\n\ny\n"
    other = tmp_path / "other.md"
    other.write_text("# Benchmarks\n")
    sessions.write_section("## Concurrent sessions\n\nnew\n", other)
    assert other.read_text() == "# Benchmarks\n\n## Concurrent sessions\n\nnew\n"


def test_memory_is_read_from_proc() -> None:
    import os

    assert sessions.rss_mb(os.getpid()) > 1


def test_server_rerun_views_are_all_new() -> None:
    """Every rerun the real-server benchmark times asks for a view the caches have not seen."""
    from bench import server_rerun

    views = server_rerun._views()
    assert len(views) == 15 and all(views)
    assert len({tuple(sorted(v)) for v in views}) == len(views)

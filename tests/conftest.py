"""Shared fixtures: one demo dataset per test session, built the way `build --demo` builds it."""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from analysis.evidence import queries
from analysis.storage import store
from analysis.synthetic import demo
from analysis.views import registry
from bench import sessions


def build_demo(directory: Path, seed: int = demo.SEED) -> dict:
    """Write the demo dataset (of a seed) into a data directory; return its manifest."""
    return store.write_dataset(
        shared_demo_tables(seed), directory, demo=True, description=demo.DEMO_DESCRIPTION,
        provenance=[{"kind": "demo", "generator": "analysis.synthetic.demo", "seed": seed}],
    )


@functools.cache
def shared_demo_tables(seed: int = demo.SEED) -> dict[str, pd.DataFrame]:
    """The demo's core tables (of a seed), made once per test process (do not modify: shared; copy frames to
    change them)."""
    return demo.demo_tables(seed)


@pytest.fixture(scope="session")
def demo_tables() -> dict[str, pd.DataFrame]:
    """The demo's core tables (do not modify: shared by the session)."""
    return shared_demo_tables()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, demo_tables: dict[str, pd.DataFrame]) -> Path:
    """A data directory holding the demo dataset, built once per session."""
    directory = tmp_path_factory.mktemp("demo-data")
    store.write_dataset(
        demo_tables, directory, demo=True, description=demo.DEMO_DESCRIPTION,
        provenance=[{"kind": "demo", "generator": "analysis.synthetic.demo", "seed": demo.SEED}],
    )
    return directory


@pytest.fixture
def app_env(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo dataset as the app's data, run from the repository root (as AppTest page tests need)."""
    monkeypatch.setenv(store.ENV_VAR, str(demo_dir))
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    return demo_dir


@pytest.fixture(scope="session")
def demo_cube(demo_dir: Path) -> queries.Cube:
    """The demo dataset's count tables."""
    return queries.load_cube(demo_dir)


@pytest.fixture(scope="session")
def demo_sources(demo_dir: Path, demo_cube: queries.Cube) -> registry.Sources:
    """The demo dataset's panel sources, as the registry reads them (the cube shared with demo_cube)."""
    return {**registry.store_sources(demo_dir), registry.CUBE: lambda: demo_cube}


# ---- AppTest helpers ----

ROOT = Path(__file__).resolve().parent.parent


def open_page(page: str, timeout: float = 60):
    """A page as its own link opens it: the frame (dashboard.py) with that page chosen; run it with .run().
    A page always runs inside the frame (pages/_ui.within_frame), so tests open pages this way too."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout).switch_page(f"pages/{page}.py")

def table_keys(at) -> list[str]:
    """The session-state keys of the page's chart-table expanders (pages/_ui.TABLE_KEY + chart id)."""
    from pages._ui import TABLE_KEY

    return [key for key in at.session_state._state._state.filtered_state if key.startswith(TABLE_KEY)]


def open_tables(at):
    """Open every chart's table on an AppTest page (a table is drawn only once its expander is open)."""
    for key in table_keys(at):
        at.session_state[key] = True
    return at.run()


# ---- browser fixtures (shared by the browser test modules) ----

CHROMIUM = Path(sessions.CHROMIUM)
CHROMIUM_ARGS = sessions.CHROMIUM_ARGS


@contextlib.contextmanager
def serve_app(data_dir: Path, script: str = "serve.py") -> Iterator[str]:
    """A freshly started Streamlit server on a data directory; its base URL (the benchmarks' starter).
    serve.py is what `make run` starts; dashboard.py is the plain `streamlit run`, without the warm-up."""
    try:
        with sessions.serve(data_dir, script) as (base, _pid):
            yield base
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def server(demo_dir: Path) -> Iterator[str]:
    """The Streamlit server the browser tests share, on the demo data; its base URL."""
    with serve_app(demo_dir) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never downloads a browser); skipped when it is missing."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@contextlib.contextmanager
def new_tab(browser, height: int = 3000, **options: object) -> Iterator[object]:
    """A tab in a browser context of its own (nothing cached: a first-time visitor), closed afterwards;
    options go to the context (e.g. a phone's user_agent). A first visit costs Chromium 6-10 CPU-seconds a page
    (it fetches and compiles Streamlit's scripts); use `warm_tab` where the test is not about a first visit."""
    context = browser.new_context(viewport={"width": 1400, "height": height}, **options)
    try:
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        yield tab
    finally:
        context.close()


@pytest.fixture(scope="session")
def warm_context(browser) -> Iterator[object]:
    """One browser context the tests share where a first-time visitor is not the point: Streamlit's scripts
    stay in its cache, so a page costs Chromium 2-4 CPU-seconds, not 6-10. Every tab of it is still a new
    Streamlit session (its own websocket and session state); a test that needs no cache uses `new_tab`."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        yield context
    finally:
        context.close()


TALL_WINDOW = {"width": 1400, "height": 3000}


@contextlib.contextmanager
def warm_tab(context, width: int = 1400, height: int = 900) -> Iterator[object]:
    """A tab of a shared (warm) browser context at a window size, closed afterwards."""
    tab = context.new_page()
    try:
        tab.set_viewport_size({"width": width, "height": height})
        tab.set_default_timeout(30_000)
        yield tab
    finally:
        tab.close()


@pytest.fixture
def page(warm_context, server: str) -> Iterator[object]:
    """A new tab (a new Streamlit session, scripts cached) on the shared server, a laptop's window (a test that
    needs all of a page inside the window, for a full-page screenshot or axe's contrast checks, makes it
    TALL_WINDOW high: Chromium's software rendering of a tall window costs about twice as much)."""
    with warm_tab(warm_context) as tab:
        yield tab


# ---- markers: `make check` leaves out every test that needs a browser, a server or an AppTest page run ----

SLOW_TESTS = Path(__file__).parent / "slow_tests.txt"  # written by `python -m bench.test_costs`


def slow_tests() -> set[str]:
    """The node ids tests/slow_tests.txt lists (its lines that are not comments)."""
    lines = SLOW_TESTS.read_text(encoding="utf-8").splitlines() if SLOW_TESTS.exists() else []
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test whose fixtures start Chromium (Playwright's, or kaleido's image renderer) as `browser`, and one
    that starts the shared app server (or a Spark session) without a browser as `server`, so no such test can slip
    into the fast loop unmarked (a test that starts one some other way fails: see `pytest_runtest_call` below).
    A test tests/slow_tests.txt lists (measured over half a CPU-second) is marked `slow`: `make check` leaves it to
    `make test`. Under xdist the heavy tests are shared out first (`shared_out`)."""
    slow = slow_tests()
    for item in items:
        if item.nodeid in slow:
            item.add_marker(pytest.mark.slow)
        fixtures = getattr(item, "fixturenames", ())
        if "browser" in fixtures or "renderer" in fixtures:
            item.add_marker(pytest.mark.browser)
        elif "server" in fixtures or "spark" in fixtures:  # Spark starts a JVM: minutes on two cores
            item.add_marker(pytest.mark.server)
    items[:] = shared_out(items, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))


def _heavy(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(name) for name in ("browser", "server"))


def shared_out(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """The tests in the order that starts every worker on the heavy ones. xdist's worksteal gives each worker a
    contiguous share of this order (the first `len // workers`, then the rest) and lets a worker that runs out
    take the back half of another's queue. In file order one share held every browser test and the Spark test, and
    a long test left near its end was the run's tail, one core busy and the other idle. Here each share starts with
    its part of the browser and server tests (whole modules, which may share a server, dealt to the share with
    fewest; the Spark test, a JVM of 30-60 s, first of all) and is filled with the light tests in file order, so
    what is left to take at the end is short. With one process the order is left alone."""
    if workers < 2:
        return items
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        if _heavy(item):
            modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for module in sorted(modules.values(), key=len, reverse=True):
        min(shares, key=len).extend(module)
    for share in shares:
        share.sort(key=lambda item: "spark" not in getattr(item, "fixturenames", ()))
    light = [item for item in items if not _heavy(item)]
    size, start, ordered = len(items) // workers, 0, []
    for number, share in enumerate(shares):
        fill = len(light) - start if number == workers - 1 else max(0, size - len(share))
        ordered += share + light[start:start + fill]
        start += fill
    return ordered


# What a test started, seen where it happens (a process spawned, an AppTest script run), so a test that starts a
# server, a browser or an AppTest run without its marker fails however it started it.
STARTED: set[str] = set()
STARTERS = {"browser": ("chromium", "chrome", "headless_shell", "playwright"),
            "server": ("streamlit", "java", "spark-submit", "pyspark")}


def marker_for_command(args: object) -> str | None:
    """The marker a spawned command needs ('browser' or 'server'), or None for any other command."""
    words = [str(a) for a in args] if isinstance(args, list | tuple) else str(args).split()
    text = " ".join(words).lower()
    if any(name in text for name in STARTERS["browser"]):
        return "browser"
    if any(name in Path(words[0]).name.lower() for name in STARTERS["server"][1:]) or (
            "streamlit" in text and " run " in f" {text} "):
        return "server"
    return None


_execute_child = subprocess.Popen._execute_child  # type: ignore[attr-defined]


def _recording_execute_child(self, args, *rest, **options):  # the one place every subprocess starts
    kind = marker_for_command(args)
    if kind:
        STARTED.add(kind)
    return _execute_child(self, args, *rest, **options)


subprocess.Popen._execute_child = _recording_execute_child  # type: ignore[attr-defined]


def _recording_apptest_run():
    from streamlit.testing.v1 import app_test

    run = app_test.AppTest._run

    def recording_run(self, *args, **kwargs):
        STARTED.add("apptest")
        return run(self, *args, **kwargs)

    app_test.AppTest._run = recording_run


_recording_apptest_run()


def _scan_components_once() -> None:
    """Every new AppTest scans the metadata of every installed package for Streamlit components (0.3-0.8 s a
    test, 90 % of a cached page run); a server does it once at start. The installed packages do not change while
    the tests run, so the scan is made once per test process."""
    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


_scan_components_once()
SATISFIES = {"browser": {"browser"}, "server": {"browser", "server"}, "apptest": {"apptest", "browser", "server"}}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    STARTED.clear()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    marks = {mark.name for mark in item.iter_markers()}
    unmarked = sorted(kind for kind in STARTED if not SATISFIES[kind] & marks)
    if unmarked:
        pytest.fail(f"{item.nodeid} started {' and '.join(unmarked)} without its marker: mark it "
                    f"@pytest.mark.{unmarked[0]} (or give the module a pytestmark) so `make check` leaves it out",
                    pytrace=False)
    return result

"""Invariants of the codebase: logic never imports Streamlit, no HTML from data, pages stay thin."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ANALYSIS = sorted((ROOT / "analysis").rglob("*.py"))
APP_CODE = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py")), *ANALYSIS]
PAGE_SCRIPTS = [p for p in sorted((ROOT / "pages").glob("*.py")) if not p.name.startswith("_")]  # _*.py: helpers
MAX_PAGE_LINES = 70


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", [p for p in ANALYSIS if p.name != "cached.py" or p.parent.name != "analysis"],
                         ids=_rel)
def test_logic_never_imports_streamlit(path: Path) -> None:
    streamlit = {name for name in _imports(path) if name.split(".")[0] == "streamlit"}
    assert not streamlit, f"{_rel(path)} imports {streamlit}: move it to analysis/cached.py or a page"


def test_the_cached_module_is_where_streamlit_lives() -> None:
    assert "streamlit" in _imports(ROOT / "analysis" / "cached.py")


STYLESHEET = ROOT / "pages" / "_layout.css"


def _is_the_stylesheet(call: ast.Call) -> bool:
    """st.html(STYLESHEET): the one HTML call allowed, a static CSS file from the repository (test below)."""
    return ast.unparse(call) == "st.html(STYLESHEET)"


def test_the_one_stylesheet_is_static_css_rules_only() -> None:
    from pages import _ui

    assert _ui.STYLESHEET == STYLESHEET
    css = STYLESHEET.read_text(encoding="utf-8")
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # comments aside
    for banned in ("<", "url(", "@import", "expression", "javascript", "{{", "%s"):
        assert banned not in rules.lower(), f"{banned!r} in the stylesheet: CSS rules only, nothing loaded or built"
    assert re.fullmatch(r"(\s*@media[^{}]*\{(\s*[^{}]+\{[^{}]*\})+\s*\})+\s*", rules), "only width rules"


class _HtmlFinder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[str] = []

    def visit_Call(self, node: ast.Call) -> None:
        for kw in node.keywords:
            if kw.arg == "unsafe_allow_html" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                self.found.append(f"line {node.lineno}: unsafe_allow_html")
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "html" and not _is_the_stylesheet(node):
            self.found.append(f"line {node.lineno}: .html(")
        if isinstance(func, ast.Attribute) and func.attr in {"html", "iframe"} and "components" in ast.unparse(func):
            self.found.append(f"line {node.lineno}: components.{func.attr}(")
        self.generic_visit(node)


@pytest.mark.parametrize("path", APP_CODE, ids=_rel)
def test_no_html_is_built_from_data(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    finder = _HtmlFinder()
    finder.visit(ast.parse(source))
    assert not finder.found, f"{_rel(path)}: {finder.found}"
    assert "unsafe_allow_html=True" not in source and "st.html(" not in source.replace("st.html(STYLESHEET)", "")


@pytest.mark.parametrize("path", PAGE_SCRIPTS, ids=_rel)
def test_page_scripts_stay_thin(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    defs = [node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    assert not defs, f"{_rel(path)} defines {defs}: logic belongs in analysis/ where a plain test reaches it"
    assert len(source.splitlines()) < MAX_PAGE_LINES, f"{_rel(path)} has {len(source.splitlines())} lines"


def test_every_page_script_is_in_the_navigation() -> None:
    dashboard = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    for path in PAGE_SCRIPTS:
        assert f'"pages/{path.name}"' in dashboard, f"{_rel(path)} is not reachable from the navigation"


SERVER_STARTER = re.compile(r"serve_app|_serve\(|sessions\.serve\(|ThreadedMotoServer|\bimport serve\b")
BROWSER_FIXTURES = {"browser", "page", "server", "warm_context"}  # marked `browser` or `server` by tests/conftest.py


def _module_mark(tree: ast.Module) -> str:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in node.targets):
            return ast.unparse(node.value)
    return ""


TEST_MODULES = [p for p in sorted((ROOT / "tests").glob("test_*.py")) if p.name != Path(__file__).name]


@pytest.mark.parametrize("path", TEST_MODULES, ids=_rel)
def test_every_test_that_starts_a_server_is_marked(path: Path) -> None:
    """`make check` (the fast loop) runs `-m "not browser and not server"`: a server test left unmarked would
    slow it down or fail there."""
    source = path.read_text(encoding="utf-8")
    if not SERVER_STARTER.search(source):
        return
    tree = ast.parse(source)
    unmarked = [node.name for node in tree.body
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
                and not BROWSER_FIXTURES & {arg.arg for arg in node.args.args}]
    mark = _module_mark(tree)
    assert not unmarked or "browser" in mark or "server" in mark, (
        f"{_rel(path)} starts a server but {unmarked} carry no browser/server mark: add pytestmark")


def _private_imports(path: Path) -> list[str]:
    return [f"{node.module}.{alias.name}" for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(("analysis", "pages"))
            for alias in node.names if alias.name.startswith("_")]


@pytest.mark.parametrize("path", ANALYSIS, ids=_rel)
def test_no_module_imports_anothers_private_names(path: Path) -> None:
    assert not _private_imports(path), f"{_rel(path)} imports {_private_imports(path)}: make the name public"


def _assigned_names(path: Path) -> set[str]:
    targets = [node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
               for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
               if isinstance(node, ast.Assign | ast.AnnAssign)]
    return {t.id for t in targets if isinstance(t, ast.Name)}


@pytest.mark.parametrize("path", [*APP_CODE, *sorted((ROOT / "bench").glob("*.py"))], ids=_rel)
def test_one_registry_of_pages_and_panels(path: Path) -> None:
    # Two registries for one concept let a consumer (the packs) miss half of it: only analysis/views/registry.py
    # lists the pages' panels (dashboard.py's PAGES is st.navigation's list of scripts).
    if _rel(path) not in {"analysis/views/registry.py", "dashboard.py"}:
        assert "PAGES" not in _assigned_names(path), f"{_rel(path)} keeps its own PAGES: use analysis/views/registry.py"


# ---- layers: analysis/ is a stack of subpackages; a module imports only from its own layer or one below ----

LAYERS = ["model", "stats", "storage", "ingest", "evidence", "views", "outputs", "synthetic", "commands"]
TOP_LEVEL = {"__init__.py": "model", "__main__.py": "commands", "cached.py": "cached"}  # cached: above all
ORDER = {name: rank for rank, name in enumerate([*LAYERS, "cached"])}


def _layer(path: Path) -> str:
    parts = path.relative_to(ROOT / "analysis").parts
    return TOP_LEVEL.get(parts[0], "?") if len(parts) == 1 else parts[0]


def _analysis_imports(path: Path) -> set[str]:
    """The analysis modules and packages a file imports, as dotted names (lazy imports inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("analysis.")}
        elif isinstance(node, ast.ImportFrom) and node.module == "analysis":
            found |= {f"analysis.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis."):
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", ANALYSIS, ids=_rel)
def test_every_module_lives_in_a_layer(path: Path) -> None:
    assert _layer(path) in ORDER, (
        f"{_rel(path)} is in no layer: move it (git mv) into one of analysis/{{{','.join(LAYERS)}}}/")


@pytest.mark.parametrize("path", ANALYSIS, ids=_rel)
def test_imports_go_down_the_layers(path: Path) -> None:
    own = ORDER[_layer(path)]
    upward = sorted(name for name in _analysis_imports(path)
                    if ORDER.get(name.split(".")[1], own) > own)
    assert not upward, (f"{_rel(path)} ({_layer(path)}) imports {upward} from a higher layer; layers, lowest "
                        f"first: {' < '.join([*LAYERS, 'cached'])}")


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_says_what_it_owns(layer: str) -> None:
    package = ROOT / "analysis" / layer
    docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
    modules = {p.stem for p in package.glob("*.py") if p.name != "__init__.py"}
    modules |= {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    missing = sorted(m for m in modules if not re.search(rf"\b{m}\b", docstring))
    assert docstring and not missing, f"analysis/{layer}/__init__.py does not say what {missing} hold"


@pytest.mark.parametrize(("path", "imported", "allowed"), [
    ("analysis/model/vocab.py", "analysis.storage.store", False),
    ("analysis/views/panels.py", "analysis.evidence.queries", True),
    ("analysis/ingest/importing.py", "analysis.views.registry", False),
    ("analysis/cached.py", "analysis.commands.cli", True),
    ("analysis/commands/cli.py", "analysis.cached", False),
])
def test_the_layer_rule_itself(path: str, imported: str, allowed: bool) -> None:
    own, other = ORDER[_layer(ROOT / path)], ORDER[imported.split(".")[1]]
    assert (other <= own) is allowed


THRESHOLD_WORDS = re.compile(r"(under|fewer than|below|less than) (10|30)\b")


@pytest.mark.parametrize("path", [p for p in APP_CODE if p.name != "disclosure.py"], ids=_rel)
def test_the_disclosure_thresholds_are_said_from_disclosure(path: Path) -> None:
    """"Hidden (under 10)" written out would stay 10 when disclosure.MIN_BASE changes: build such words from
    disclosure.MIN_BASE / LOW_BASE (or FEWER_THAN_MIN, HIDDEN_COLUMN, LOW_BASE_COLUMN)."""
    found = THRESHOLD_WORDS.findall(path.read_text(encoding="utf-8"))
    assert not found, f"{_rel(path)} writes the thresholds out: {found}"


PRIVATE_STREAMLIT = re.compile(r"\bstreamlit\.(runtime|web|elements|commands|navigation)\b|sys\._getframe|"
                               r"get_script_run_ctx|PagesManager")


@pytest.mark.parametrize("path", [*APP_CODE, ROOT / "serve.py"], ids=_rel)
def test_the_app_uses_only_streamlits_public_api(path: Path) -> None:
    """Streamlit's internals change without notice: work with the framework through st.* (a page runs inside
    the frame by dashboard.py's structure, not by flipping a private flag or walking the call stack)."""
    found = PRIVATE_STREAMLIT.findall(path.read_text(encoding="utf-8"))
    assert not found, f"{_rel(path)} reaches into Streamlit's internals: {found}"


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _top_level_imports(path: Path, known: set[str], lazy: bool = False) -> set[str]:
    """The analysis modules a module imports as it loads (imports inside functions are lazy: counted only if
    `lazy`)."""
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree) if lazy else tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis"):
            found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                      for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found & known


def test_no_module_imports_itself_round_a_cycle_as_it_loads() -> None:
    """A cycle of imports at load time makes the import order matter; the few lazy cycles left (store and
    store_guard, importers' base and budgets: LAZY_CYCLES) import inside a function."""
    modules = {_module_name(p): p for p in ANALYSIS}
    graph = {name: _top_level_imports(path, set(modules)) - {name} for name, path in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in graph[start])

    cycles = sorted(name for name in graph if reaches(name, name, {name}))
    assert not cycles, f"modules on an import cycle at load time: {cycles}"


LAZY_CYCLES = {frozenset({"analysis.storage.store", "analysis.storage.store_guard"}),
               frozenset({"analysis.ingest.importers.base", "analysis.ingest.importers.budgets"})}


def test_the_only_lazy_import_cycles_are_the_known_pairs() -> None:
    """Two modules that import each other (one of them inside a function) are one concern in two files; the
    pairs left are listed here, so no new one (like the demo and its follow-up had) comes back unnoticed."""
    modules = {_module_name(p): p for p in ANALYSIS}
    graph = {name: _top_level_imports(path, set(modules), lazy=True) - {name} for name, path in modules.items()}
    pairs = {frozenset({a, b}) for a in graph for b in graph[a] if a in graph.get(b, set())}
    assert pairs <= LAZY_CYCLES, f"modules importing each other: {sorted(map(sorted, pairs - LAZY_CYCLES))}"


@pytest.mark.parametrize(("command", "marker"), [
    ([sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", "8600"], "server"),
    (["/usr/bin/chromium", "--headless", "--no-sandbox"], "browser"),
    (["/venv/lib/python3.11/site-packages/playwright/driver/node", "cli.js", "run-driver"], "browser"),
    (["/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "-cp", "spark.jar"], "server"),
    (["/venv/lib/python3.11/site-packages/pyspark/bin/spark-submit", "pyspark-shell"], "server"),
    ([sys.executable, "-m", "analysis", "build", "--demo"], None),  # the command line: a plain test
    ([sys.executable, "-c", "print('streamlit')"], None),  # names streamlit but runs no server
    ("git status", None),
])
def test_the_conftest_guard_knows_a_server_or_browser_command(command, marker) -> None:
    """tests/conftest.py fails a test that spawns one of these without its marker (so `make check` stays fast)."""
    from conftest import marker_for_command

    assert marker_for_command(command) == marker


CONFLICT_MARKER = re.compile(r"^(<{7} |={7}$|>{7} )", re.MULTILINE)


def test_no_file_keeps_a_merge_conflict() -> None:
    # A merge that left its markers in a document reads as two contradictory versions to a newcomer.
    import subprocess

    tracked = subprocess.run(["git", "ls-files", "*.py", "*.md", "*.toml", "*.txt", "*.cfg", "Makefile"],
                             cwd=ROOT, capture_output=True, text=True, check=False).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    marked = [name for name in tracked
              if (ROOT / name).is_file() and CONFLICT_MARKER.search((ROOT / name).read_text(encoding="utf-8"))]
    assert not marked, f"merge conflict markers left in {marked}: resolve them"


HEX_COLOUR = re.compile(r"""["']#[0-9A-Fa-f]{6}["']""")


@pytest.mark.parametrize("path", [p for p in APP_CODE if _rel(p) != "analysis/views/colour.py"], ids=_rel)
def test_colours_come_from_the_one_palette(path: Path) -> None:
    # A colour written where it is used escapes the colour-blindness and contrast checks (tests/test_colour.py).
    found = HEX_COLOUR.findall(path.read_text(encoding="utf-8"))
    assert not found, f"{_rel(path)} writes colours {found}: name them in analysis/views/colour.py"

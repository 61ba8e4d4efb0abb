"""The docs cover what a person can set: every command and option, every environment variable the code
reads, every server setting in .streamlit/config.toml, every `make` target and every runnable benchmark
(`python -m bench.NAME`) is named in the README, docs/ or BENCHMARKS.md (benchmarks)."""

from __future__ import annotations

import argparse
import ast
import re
import tomllib
from pathlib import Path

import pytest

from analysis.commands import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
CODE = [ROOT / "dashboard.py", ROOT / "serve.py", *sorted((ROOT / "pages").glob("*.py")),
        *sorted((ROOT / "analysis").rglob("*.py")), *sorted((ROOT / "bench").glob("*.py"))]
BENCH_DOCS = DOCS + (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
OUR_VARIABLE = re.compile(r"ENGAGEMENT_[A-Z0-9_]+")


def _commands() -> dict[str, list[str]]:
    """Each subcommand of `python -m analysis` and its long options."""
    parser = cli._parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {name: sorted({s for a in command._actions for s in a.option_strings if s.startswith("--")} - {"--help"})
            for name, command in sub.choices.items()}


def _environment_variables() -> set[str]:
    """Names passed to os.environ.get / os.getenv / os.environ[...] as literals, or held in *ENV* constants."""
    names: set[str] = set()
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Assign) and any("ENV" in getattr(t, "id", "") for t in node.targets)
                    and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
                names.add(node.value.value)
            # What the call or subscript starts with (what is called, or what is indexed): all the match looks at.
            call_text = (ast.unparse(node.func) + "(" if isinstance(node, ast.Call) else
                         ast.unparse(node.value) + "[" if isinstance(node, ast.Subscript) else "")
            if re.match(r"os\.(environ\.get|getenv|environ\[)", call_text):
                first = node.args[0] if isinstance(node, ast.Call) and node.args else getattr(node, "slice", None)
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names.add(first.value)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and OUR_VARIABLE.fullmatch(node.value):
                names.add(node.value)  # our own variables however they are read (e.g. budgets._limit("ENGAGEMENT_…"))
    return names


def _make_targets() -> list[str]:
    """The Makefile's targets a person types (`make NAME`), not its file targets."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.M)))


def _benchmarks() -> list[str]:
    """The benchmark modules a person runs (`python -m bench.NAME`): those with a command line of their own."""
    return sorted(f"bench.{p.stem}" for p in (ROOT / "bench").glob("*.py")
                  if not p.stem.startswith("_") and '__name__ == "__main__"' in p.read_text(encoding="utf-8"))


def _settings() -> list[str]:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    return [f"{section}.{option}" for section, options in config.items() for option in options]


@pytest.mark.parametrize(("command", "options"), list(_commands().items()))
def test_every_command_and_option_is_documented(command: str, options: list[str]) -> None:
    assert f"python -m analysis {command}" in DOCS, f"`python -m analysis {command}` is in no doc"
    missing = [option for option in options if option not in DOCS]
    assert not missing, f"{command}: {missing} are in no doc (README.md or docs/)"


@pytest.mark.parametrize("name", sorted(_environment_variables()))
def test_every_environment_variable_is_documented(name: str) -> None:
    assert name in DOCS, f"the code reads ${name}, which no doc names"


@pytest.mark.parametrize("setting", _settings())
def test_every_server_setting_is_documented(setting: str) -> None:
    assert setting in DOCS, f".streamlit/config.toml sets {setting}, which no doc names"


@pytest.mark.parametrize("target", _make_targets())
def test_every_make_target_is_documented(target: str) -> None:
    assert f"make {target}" in DOCS, f"`make {target}` is in no doc (README.md or docs/)"


@pytest.mark.parametrize("module", _benchmarks())
def test_every_benchmark_is_documented(module: str) -> None:
    assert re.search(rf"python -m {re.escape(module)}\b", BENCH_DOCS), f"`python -m {module}` is in no doc"


def test_the_lists_are_not_empty() -> None:
    assert "import" in _commands() and _settings()
    assert {"ENGAGEMENT_DATA_DIR", "ENGAGEMENT_MAX_SHEETS"} <= _environment_variables()  # the second via _limit()
    assert {"check", "test", "run"} <= set(_make_targets()) and "bench.sessions" in _benchmarks()

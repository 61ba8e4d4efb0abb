"""The command line: names and JSON keys other tools rely on; exit 2 with a plain message on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.commands import cli
from analysis.model import vocab
from analysis.storage import store

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != store.ENV_VAR}
    extra = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([sys.executable, "-m", "analysis", *args, *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def summary_json(demo_dir: Path) -> dict:
    done = _run("summary", "--json", data_dir=demo_dir)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(("key", "kind"), [
    ("schema_version", int), ("dataset_hash", str), ("demo", bool), ("organisations", dict),
    ("users_groups", int), ("workshops", int), ("workshop_participants", int), ("respondents", int),
    ("answers", int), ("influence_positive_pct_by_domain", dict),
])
def test_summary_json_keys(summary_json: dict, key: str, kind: type) -> None:
    assert isinstance(summary_json[key], kind)


def test_summary_json_values(summary_json: dict, demo_dir: Path, demo_tables: dict) -> None:
    orgs = summary_json["organisations"]
    assert (orgs["nhs"], orgs["independent"]) == (47, 31)
    assert set(orgs["by_type"]) == set(vocab.STUDY_ORG_TYPES) and sum(orgs["by_type"].values()) == 78
    assert summary_json["demo"] is True
    assert summary_json["dataset_hash"] == store.manifest(demo_dir)["dataset_hash"]
    assert summary_json["respondents"] == len(demo_tables["respondents"])
    assert summary_json["answers"] == len(demo_tables["answers"])
    assert (summary_json["users_groups"], summary_json["workshops"]) == (42, 20)


def test_summary_influence_is_keyed_by_the_six_domains(summary_json: dict) -> None:
    pct = summary_json["influence_positive_pct_by_domain"]
    assert set(pct) == set(vocab.DOMAINS)
    assert all(0 <= v <= 100 for v in pct.values())


def test_summary_text_for_people(demo_dir: Path) -> None:
    done = _run("summary", data_dir=demo_dir)
    assert done.returncode == 0, done.stderr
    assert "Organisations: 47 NHS, 31 independent" in done.stdout
    assert "illustrative demo data" in done.stdout


def test_the_summary_reads_no_long_table_whole(summary_json: dict, demo_dir: Path, monkeypatch) -> None:
    """At national size the answers alone are 240 million rows: the summary reads only the columns it counts."""
    from analysis.commands import summary_cli

    read = store.read_table

    def small_tables_only(directory, name, *args, **kwargs):
        assert name not in ("answers", "respondents", "memberships"), f"read the whole {name} table"
        return read(directory, name, *args, **kwargs)

    monkeypatch.setattr(store, "read_table", small_tables_only)
    assert summary_cli.dataset_summary(demo_dir) == summary_json


# (arguments, words the message must contain): bad input exits 2 with a plain message, never a traceback.
BAD_INPUT = {
    "summary without a dataset": (["summary", "--json"], "build --demo"),
    "summary text without a dataset": (["summary"], "No dataset"),
    "build without --demo": (["build"], "--demo"),
    "no command": ([], "usage"),
    "unknown command": (["frobnicate"], "invalid choice"),
}


@pytest.mark.parametrize(("args", "words"), list(BAD_INPUT.values()), ids=list(BAD_INPUT))
def test_bad_input_exits_2_with_a_plain_message(tmp_path: Path, args: list[str], words: str) -> None:
    done = _run(*args, data_dir=tmp_path / "empty") if args else _run()
    assert done.returncode == 2
    assert words in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "empty" / "CURRENT").exists()


@pytest.mark.parametrize("command", [[], ["build"], ["summary"]], ids=["main", "build", "summary"])
def test_help_works_for_each_command(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "usage:" in out
    if command:
        assert "--data-dir" in out


def test_build_if_missing_leaves_a_dataset_alone(tmp_path: Path) -> None:
    first = _run("build", "--demo", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    current = store.current_id(tmp_path)
    again = _run("build", "--demo", "--if-missing", data_dir=tmp_path)
    assert again.returncode == 0 and "leaving it" in again.stdout
    assert store.current_id(tmp_path) == current

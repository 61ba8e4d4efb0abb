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


def _main(*args: str, data_dir: Path | None = None, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """The command run in this process (as `python -m analysis` runs it, without the interpreter's start-up):
    its exit code, standard output and standard error."""
    monkeypatch.delenv(store.ENV_VAR, raising=False)
    extra = ["--data-dir", str(data_dir)] if data_dir else []
    try:
        code = cli.main([*args, *extra])
    except SystemExit as exc:  # argparse exits on a usage error
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


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


def test_summary_text_for_people(demo_dir: Path, capsys, monkeypatch) -> None:
    code, out, err = _main("summary", data_dir=demo_dir, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    assert "Organisations: 47 NHS, 31 independent" in out
    assert "illustrative demo data" in out


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
def test_bad_input_exits_2_with_a_plain_message(tmp_path: Path, args: list[str], words: str, capsys,
                                               monkeypatch) -> None:
    data_dir = tmp_path / "empty" if args else None
    code, out, err = _main(*args, data_dir=data_dir, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2
    assert words in err
    assert "Traceback" not in err + out
    assert not (tmp_path / "empty" / "CURRENT").exists()


@pytest.mark.parametrize("case", ["summary without a dataset", "no command"])
def test_bad_input_exits_2_from_the_shell(tmp_path: Path, case: str) -> None:
    """The same, as its own process (`python -m analysis`): the exit code other tools see, for a refusal and a
    usage error."""
    args, words = BAD_INPUT[case]
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


def test_build_if_missing_leaves_a_dataset_alone(tmp_path: Path, capsys, monkeypatch) -> None:
    code, _, err = _main("build", "--demo", data_dir=tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, err
    current = store.current_id(tmp_path)
    again = _run("build", "--demo", "--if-missing", data_dir=tmp_path)
    assert again.returncode == 0 and "leaving it" in again.stdout
    assert store.current_id(tmp_path) == current

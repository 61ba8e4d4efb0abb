"""The same redaction at every entry point: the import (command line and browser share importing.run),
import-actions, and the redact command give the same text for the same input."""

from __future__ import annotations

import csv
import io
import shutil
import sys
from pathlib import Path

import pytest

from analysis.commands import cli
from analysis.ingest import actions_import, mapping, redact
from analysis.storage import store
from analysis.views import datasets

TEXTS = [
    "Dr Patel on Ward 7 was rude to my mum Mrs Joan Hughes.",
    "My NI number is QQ 12 34 56 C and DOB 03/04/1951.",
    "I live at 14 Acacia Avenue, Leeds LS2 9JT",
    "Nurse Kelly and Sister O'Brien were lovely",
    "hospital number RJ1234567, NHS no 943 476 5919",
    "Thanks to Sarah on reception, call 07700 900123 or jo@example.org",
]
SPEC = {"import": {"source": "users_group_survey", "wave": "2024", "unit": "users_group"},
        "columns": {"respondent_id": {"role": "respondent_id"}, "organisation": {"role": "organisation"},
                    "org_type": {"role": "org_type"},
                    "comment": {"role": "free_text", "domain": "funding", "theme": "no_feedback"}}}


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _survey() -> bytes:
    return _csv(["respondent_id", "organisation", "org_type", "comment"],
                [[f"A{i}", "RX1", "acute", text] for i, text in enumerate(TEXTS)])


def test_the_redact_command(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(t + "\n" for t in TEXTS)))
    assert cli.main(["redact"]) == 0
    assert capsys.readouterr().out.splitlines() == [redact.redact(t) for t in TEXTS]


def test_the_import_command(tmp_path: Path, capsys) -> None:
    (tmp_path / "survey.csv").write_bytes(_survey())
    (tmp_path / "map.toml").write_text(mapping.to_toml(SPEC), encoding="utf-8")
    assert cli.main(["import", str(tmp_path / "survey.csv"), "--mapping", str(tmp_path / "map.toml"),
                     "--data-dir", str(tmp_path / "d")]) == 0
    stored = store.read_table(tmp_path / "d", "stories").sort_values("respondent_id")["text"].tolist()
    assert stored == [redact.redact(t) for t in TEXTS]


def test_the_browser_import(tmp_path: Path) -> None:  # the Data page's Import button calls datasets.import_file
    report = datasets.import_file(_survey(), "survey.csv", SPEC, tmp_path / "d")
    assert report.ok, report.message
    stored = store.read_table(tmp_path / "d", "stories").sort_values("respondent_id")["text"].tolist()
    assert stored == [redact.redact(t) for t in TEXTS]


def test_import_actions(demo_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(demo_dir, tmp_path / "d")
    rows = [[f"R{i}", "ACU015", "2024", "information", text, "2024-01-01", text, "2024-02-01", text, "2024-03-01", ""]
            for i, text in enumerate(TEXTS)]
    (tmp_path / "actions.csv").write_bytes(_csv(actions_import.COLUMNS, rows))
    assert cli.main(["import-actions", str(tmp_path / "actions.csv"), "--data-dir", str(tmp_path / "d")]) == 0
    stored = store.read_table(tmp_path / "d", "actions").set_index("action_id").loc[[f"R{i}" for i in range(6)]]
    for column in actions_import.FREE_TEXT:
        assert stored[column].tolist() == [redact.redact(t) for t in TEXTS]
    raw = b"".join(p.read_bytes() for p in (tmp_path / "d").rglob("*.parquet"))
    assert b"Acacia" not in raw and b"O'Brien" not in raw

"""Privacy and leaks: names_file and org_lookup used (never ignored), paths confined, no server paths shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import open_page
from streamlit.testing.v1 import AppTest

from analysis.commands import cli
from analysis.ingest import mapping
from analysis.storage import store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
STORY = b"Dr Quimby listened to us about the ward."
EXPORT = (FIXTURES / "template.csv").read_bytes().replace(b"Felt listened to about the ward.", STORY)
SECRET = "root:x:0:0:secret-line"


def _spec(**settings: str) -> dict:
    spec = mapping.guess(EXPORT, "template.csv")
    spec["columns"]["notes"] = {"role": "free_text"}
    spec["import"].update(settings)
    return spec


def _page(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(store.ENV_VAR, str(data_dir))
    at = open_page("data").run()
    at.file_uploader(key="export_file").upload("template.csv", EXPORT, "text/csv").run()
    return at


def _upload(at: AppTest, key: str, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=key).upload(name, data, "application/octet-stream").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.apptest
def test_a_names_file_the_mapping_names_must_be_uploaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _upload(_page(tmp_path, monkeypatch), "mapping_file", "saved.toml",
                 mapping.to_toml(_spec(names_file="staff.txt")).encode())
    shown = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "names_file" in shown and "staff.txt" in shown, "refused, never ignored"
    assert at.button(key="import").disabled
    at = _upload(at, "names_file", "staff.txt", b"# our staff\nQuimby\n")
    assert not at.button(key="import").disabled
    at.button(key="import").click().run()
    assert not at.exception
    stories = store.read_table(tmp_path, "stories")["text"].tolist()
    assert stories and not [s for s in stories if "Quimby" in s], "the uploaded names were redacted"


@pytest.mark.apptest
def test_an_uploaded_names_file_is_used_even_when_the_mapping_names_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _upload(_page(tmp_path, monkeypatch), "mapping_file", "saved.toml", mapping.to_toml(_spec()).encode())
    at = _upload(at, "names_file", "names.txt", b"Quimby\n")
    at.button(key="import").click().run()
    assert not [s for s in store.read_table(tmp_path, "stories")["text"] if "Quimby" in s]


@pytest.mark.apptest
def test_an_uploaded_organisation_lookup_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _spec(org_lookup="orgs.csv")
    at = _upload(_page(tmp_path, monkeypatch), "mapping_file", "saved.toml", mapping.to_toml(spec).encode())
    assert at.button(key="import").disabled, "the lookup the mapping names is missing: refused"
    at = _upload(at, "lookup_file", "orgs.csv", b"org_id,org_name,org_type,region\nRX1,Lookup name,acute,london\n")
    at.button(key="import").click().run()
    assert store.read_table(tmp_path, "organisations")["org_name"].tolist() == ["Lookup name"]


@pytest.mark.apptest
def test_a_broken_lookup_upload_is_refused_without_quoting_it(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    at = _upload(_page(tmp_path, monkeypatch), "lookup_file", "orgs.csv", f"{SECRET},b\n1,2\n".encode())
    shown = " ".join(w.value for w in at.warning) + " ".join(str(df.value.to_numpy()) for df in at.dataframe)
    assert "orgs.csv" in shown.replace("\\", "") and "secret-line" not in shown
    assert at.button(key="import").disabled


# ---- the command line ----

def _cli(tmp_path: Path, spec: dict, *extra: str, capsys) -> tuple[int, dict]:
    folder = tmp_path / "maps"
    folder.mkdir(exist_ok=True)
    (folder / "map.toml").write_text(mapping.to_toml(spec), encoding="utf-8")
    (tmp_path / "export.csv").write_bytes(EXPORT)
    code = cli.main(["import", str(tmp_path / "export.csv"), "--mapping", str(folder / "map.toml"), "--json",
                     "--data-dir", str(tmp_path / "data"), *extra])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("named", ["../outside.txt", "/etc/passwd", "sub/../../outside.txt", "{outside}"])
@pytest.mark.parametrize("key", ["names_file", "org_lookup"])
def test_a_mapping_cannot_name_a_file_outside_its_folder(tmp_path: Path, capsys, key: str, named: str) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(f"{SECRET}\n", encoding="utf-8")
    code, report = _cli(tmp_path, _spec(**{key: named.format(outside=outside)}), capsys=capsys)
    assert (code, report["ok"]) == (2, False)
    assert "outside its own folder" in report["message"] and "secret-line" not in json.dumps(report)
    assert not (tmp_path / "data").exists(), "nothing written"


def test_a_file_given_on_the_command_line_may_be_anywhere(tmp_path: Path, capsys) -> None:
    outside = tmp_path / "staff.txt"
    outside.write_text("Quimby\n", encoding="utf-8")
    code, report = _cli(tmp_path, _spec(names_file="../staff.txt"), "--names-file", str(outside), capsys=capsys)
    assert (code, report["ok"]) == (0, True), report["message"]
    assert not [s for s in store.read_table(tmp_path / "data", "stories")["text"] if "Quimby" in s]


def test_a_lookup_beside_the_mapping_still_works_and_errors_never_quote_it(tmp_path: Path, capsys) -> None:
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "orgs.csv").write_text(f"{SECRET},b\n1,2\n", encoding="utf-8")
    code, report = _cli(tmp_path, _spec(org_lookup="orgs.csv"), capsys=capsys)
    assert code == 2 and "orgs.csv" in report["message"] and "secret-line" not in json.dumps(report)
    (tmp_path / "maps" / "orgs.csv").write_text("org_id,org_type\nRX1,acute\n", encoding="utf-8")
    code, report = _cli(tmp_path, _spec(org_lookup="orgs.csv"), capsys=capsys)
    assert (code, report["ok"]) == (0, True), report["message"]


# ---- no server paths in front of people ----

@pytest.mark.apptest
@pytest.mark.parametrize("page", ["overview", "domains", "voices", "actions"])
def test_no_dataset_is_said_without_the_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      page: str) -> None:
    data_dir = tmp_path / "srv-secret-folder"
    data_dir.mkdir()
    monkeypatch.setenv(store.ENV_VAR, str(data_dir))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    shown = " ".join(e.value for kind in ("warning", "error", "info", "markdown", "caption") for e in getattr(at, kind))
    assert "No data to show yet" in shown and "srv-secret-folder" not in shown.replace("\\", "")


@pytest.mark.apptest
def test_an_unexpected_failure_on_the_data_page_shows_no_server_path(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.ingest import importing

    def boom(*args, **kwargs):
        raise OSError(f"[Errno 28] No space left: '{tmp_path}/datasets/.staging-abc/answers.parquet'")
    monkeypatch.setattr(importing, "_run", boom)
    at = _page(tmp_path, monkeypatch)
    shown = " ".join(e.value for kind in ("warning", "error", "success") for e in getattr(at, kind))
    shown += " ".join(str(df.value.to_numpy()) for df in at.dataframe)
    assert "incident id" in shown and ".staging" not in shown.replace("\\", "") and str(tmp_path) not in shown

"""You said, we did: shares of issues by hand, the demo's actions, and the all-or-nothing import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.commands import cli
from analysis.evidence import actions
from analysis.ingest import actions_import
from analysis.model import filters as flt
from analysis.model import schema, vocab
from analysis.stats import metrics
from analysis.storage import store

ROOT = Path(__file__).resolve().parent.parent
ORGS = pd.DataFrame({"org_id": ["O1", "O2"], "org_name": ["One", "Two"], "org_type": ["acute", "hospice"],
                     "sector": ["nhs", "independent"], "region": ["london", "london"]})


def _data() -> actions.ActionData:
    day = pd.Timestamp("2009-01-01")
    rows = []
    for i in range(12):  # 12 issues about information at O1: 6 acted on (after 10 days), 3 of them fed back
        acted = i < 6
        told = i < 3
        rows.append({"action_id": f"I{i}", "org_id": "O1", "wave": "2009", "domain": "information", "issue": "x",
                     "raised_on": day, "action_taken": "done" if acted else None,
                     "acted_on": day + pd.Timedelta(days=10 + i) if acted else pd.NaT,
                     "feedback": "told" if told else None,
                     "feedback_on": day + pd.Timedelta(days=30) if told else pd.NaT})
    for i in range(4):  # 4 issues about funding at O2: too few to show
        rows.append({"action_id": f"F{i}", "org_id": "O2", "wave": "2009", "domain": "funding", "issue": "y",
                     "raised_on": day, "action_taken": None, "acted_on": pd.NaT, "feedback": None,
                     "feedback_on": pd.NaT})
    tables = {"organisations": ORGS, "actions": schema.conform("actions", pd.DataFrame(rows)),
              "action_groups": pd.DataFrame({"action_id": ["I0", "I0", "F1"], "group_id": ["carers", "bme", "bme"]}),
              "assessments": schema.empty("assessments")}
    return actions.action_data(tables)


def test_shares_of_issues_by_hand() -> None:
    out = actions.action_shares(_data(), flt.Filters(), "domain").set_index("domain")
    info = out.loc["information"]
    assert (info["base_n"], info["acted_n"], info["told_n"]) == (12, 6, 3)
    assert (info["acted_pct"], info["told_pct"]) == (50, 25)
    low, high = metrics.wilson_interval([6], [12])
    assert (info["acted_ci_low_pct"], info["acted_ci_high_pct"]) == pytest.approx((100 * low[0], 100 * high[0]))
    assert info["median_days_to_act"] == 12.5  # 10..15 days
    assert info["median_days_to_tell"] == 30
    assert out.loc["funding", "suppressed"] and pd.isna(out.loc["funding", "acted_pct"])  # 4 issues: hidden
    assert list(out.index) == list(vocab.DOMAINS)


def test_issues_by_group_use_one_row_per_group() -> None:
    out = actions.action_shares(_data(), flt.Filters(), "group_id").set_index("group_id")
    assert out.loc["carers", "suppressed"]  # 1 issue: hidden
    assert len(out) == len(vocab.SELDOM_HEARD_GROUPS)


def test_filters_apply_and_the_source_filter_is_ignored() -> None:
    view = flt.Filters(org_type=("hospice",), source=("workshop",))
    out = actions.action_shares(_data(), view, "domain").set_index("domain")
    assert out["base_n"].fillna(0).sum() == 0  # the only hospice domain (funding, 4 issues) is hidden


def test_open_issues_are_those_without_an_action() -> None:
    still = actions.open_issues(_data(), flt.Filters())
    assert len(still) == 6 + 4
    groups = still.set_index("Issue id")["Seldom-heard groups affected"]
    assert groups["F1"] == "Black and minority ethnic communities"


def test_the_demo_has_a_few_hundred_illustrative_actions(demo_tables: dict[str, pd.DataFrame]) -> None:
    acts, groups = demo_tables["actions"], demo_tables["action_groups"]
    assert 200 <= len(acts) <= 500 and acts["action_id"].is_unique
    assert acts["org_id"].isin(demo_tables["organisations"]["org_id"]).all()
    assert groups["action_id"].isin(acts["action_id"]).all() and not groups.duplicated().any()
    assert not groups["group_id"].str.contains(",|;").any()
    acted = acts.groupby("domain")["acted_on"].apply(lambda s: s.notna().mean())
    assert min(acted[["care_environment", "information"]]) > max(acted[["funding", "quality_safety"]])
    told = acts["feedback_on"].notna()
    assert (acts.loc[told, "feedback_on"] >= acts.loc[told, "raised_on"]).all()


# ---- the import ----

GOOD = (ROOT / "docs" / "actions-template.csv").read_bytes()
HEADER = ",".join(actions_import.COLUMNS)


@pytest.fixture
def data_dir(demo_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(demo_dir, target)
    return target


def test_the_template_imports(data_dir: Path, demo_dir: Path) -> None:
    before = len(store.read_table(data_dir, "actions"))
    message = actions_import.import_actions(GOOD, "actions-template.csv", data_dir)
    assert "Imported 3 issues" in message
    after = store.read_table(data_dir, "actions").set_index("action_id")
    assert len(after) == before + 3
    assert after.loc["YS-0002", "acted_on"] == pd.Timestamp("2024-05-01")
    assert pd.isna(after.loc["YS-0003", "action_taken"])
    groups = store.read_table(data_dir, "action_groups")
    assert set(groups.loc[groups["action_id"] == "YS-0001", "group_id"]) == {"older_people", "carers"}
    manifest = store.manifest(data_dir)
    assert manifest["provenance"][-1]["kind"] == "actions" and manifest["demo"] is True
    pd.testing.assert_frame_equal(store.read_table(data_dir, "respondents"), store.read_table(demo_dir, "respondents"))


@pytest.mark.parametrize(("line", "column", "value"), [
    ("Z1,NOPE,2024,information,x,2024-01-01,,,,,", "org_id", "NOPE"),
    ("Z1,ACU015,2024,money,x,2024-01-01,,,,,", "domain", "money"),
    ("Z1,ACU015,2024,information,x,2024-02-30,,,,,", "raised_on", "2024-02-30"),
    ("Z1,ACU015,2024,information,x,2024-02-01,done,2024-01-01,,,", "acted_on", "2024-01-01"),
    ("Z1,ACU015,2024,information,x,2024-02-01,done,,,,", "acted_on", ""),
    ("Z1,ACU015,2024,information,x,2024-02-01,,,,,older_people; martians", "groups", "older_people; martians"),
    ("A2008-0001,ACU015,2024,information,x,2024-02-01,,,,,", "action_id", "A2008-0001"),
    (",ACU015,2024,information,x,2024-02-01,,,,,", "action_id", ""),
])
def test_a_bad_file_is_refused_naming_row_column_and_value_and_nothing_is_written(
        data_dir: Path, line: str, column: str, value: str) -> None:
    before = (store.current_id(data_dir), sorted(p.name for p in (data_dir / "datasets").iterdir()))
    body = f"{HEADER}\nOK1,ACU015,2024,information,fine,2024-01-01,,,,,\n{line}\n".encode()
    with pytest.raises(actions_import.ActionsRefused) as refused:
        actions_import.import_actions(body, "bad.csv", data_dir)
    assert "bad.csv" in str(refused.value) and "nothing was written" in str(refused.value)
    assert {"row": 3, "column": column, "value": value} in [
        {k: p[k] for k in ("row", "column", "value")} for p in refused.value.problems]
    assert (store.current_id(data_dir), sorted(p.name for p in (data_dir / "datasets").iterdir())) == before


def test_a_file_missing_columns_is_refused(data_dir: Path) -> None:
    with pytest.raises(actions_import.ActionsRefused, match="missing column"):
        actions_import.import_actions(b"action_id,org_id\nX,ACU015\n", "short.csv", data_dir)


def test_the_command_line_exits_2_with_the_problems(data_dir: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nZ1,NOPE,2024,information,x,2024-01-01,,,,,\n", encoding="utf-8")
    assert cli.main(["import-actions", str(bad), "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'org_id', value 'NOPE'" in err
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    assert cli.main(["import-actions", str(good), "--data-dir", str(data_dir)]) == 0


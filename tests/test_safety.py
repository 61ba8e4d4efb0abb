"""What people see when something fails (an incident id, no traceback), and sign-in before imports."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from conftest import open_page
from streamlit.testing.v1 import AppTest

from analysis import cached
from analysis.storage import store

ROOT = Path(__file__).resolve().parent.parent
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "test-only-not-a-secret",
        "client_id": "id", "client_secret": "secret",
        "server_metadata_url": "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"}


@pytest.fixture
def app_env(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(store.ENV_VAR, str(demo_dir))
    monkeypatch.chdir(ROOT)
    return demo_dir


def _fail(*args, **kwargs):
    raise RuntimeError("disk on fire: /secret/path/table.parquet")


@pytest.mark.apptest
@pytest.mark.parametrize("page", ["domains", "groups", "trust_types", "overview"])
def test_a_failing_page_shows_an_incident_id_and_logs_the_details(
        app_env: Path, page: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(cached, "page_panels", _fail)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, "no traceback in front of people"
    shown = " ".join(e.value for e in at.error)
    match = re.search(r"incident id: \*\*([0-9A-F]{6})\*\*", shown)
    assert match, shown
    assert "disk on fire" not in shown and "/secret/path" not in shown
    logged = [r for r in caplog.records if r.name == "engagement_explorer" and match.group(1) in r.getMessage()]
    assert logged and logged[-1].exc_info, "the traceback goes to the server log with the same incident id"
    assert at.sidebar.multiselect, "the frame (filters, navigation) still works"


@pytest.mark.apptest
def test_without_sign_in_configured_the_data_page_is_open(app_env: Path) -> None:
    at = open_page("data", timeout=30).run()
    assert not at.exception
    assert at.get("file_uploader"), "the import controls are shown"
    assert not [b for b in at.button if b.key == "sign_in"]


@pytest.mark.apptest
def test_with_sign_in_configured_imports_wait_for_sign_in(app_env: Path) -> None:
    at = open_page("data", timeout=30)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert at.button(key="sign_in").label == "Sign in"
    assert not at.get("file_uploader"), "no import controls before sign-in"
    assert not at.main.selectbox, "no dataset switching on the page before sign-in (the sidebar's is the view's)"


@pytest.mark.apptest
def test_signed_in_people_can_import(app_env: Path) -> None:
    at = open_page("data", timeout=30)
    at.secrets["auth"] = {"microsoft": AUTH, "redirect_uri": AUTH["redirect_uri"],
                          "cookie_secret": AUTH["cookie_secret"]}
    at.user = {"is_logged_in": True, "name": "A [Tester](http://x)", "email": "a@example.nhs.uk"}
    at.run()
    assert not at.exception
    assert at.get("file_uploader")
    assert any("Signed in as" in c.value and "](http" not in c.value for c in at.caption)


def test_incidents_are_logged_not_swallowed_by_a_silent_logger() -> None:
    assert logging.getLogger("engagement_explorer").isEnabledFor(logging.ERROR)

"""The server settings that keep the app safe stay in .streamlit/config.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("section", "option", "expected"), [
    ("server", "enableXsrfProtection", True),   # uploads and other requests carry an XSRF token
    ("server", "enableCORS", True),             # Streamlit's CORS protection on (no cross-origin requests)
    ("browser", "gatherUsageStats", False),     # no usage statistics sent anywhere
    ("client", "showErrorDetails", "none"),     # users see a plain message; tracebacks stay in the log
    ("client", "toolbarMode", "viewer"),        # no developer menu for people using the app
    ("server", "headless", True),
    ("server", "runOnSave", False),
])
def test_security_settings(section: str, option: str, expected: object) -> None:
    assert CONFIG.get(section, {}).get(option) == expected, f"[{section}] {option} should be {expected!r}"


def test_uploads_have_a_size_limit() -> None:
    limit = CONFIG["server"].get("maxUploadSize")
    assert isinstance(limit, int) and 0 < limit <= 200, "server.maxUploadSize (MB) must be set and modest"


def test_secrets_are_kept_out_of_the_repository() -> None:
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_streamlit_reads_our_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit itself agrees (catches a misspelt option that it would silently ignore)."""
    from streamlit import config

    monkeypatch.chdir(ROOT)

    config.get_config_options(force_reparse=True, options_from_flags={})
    assert config.get_option("server.enableXsrfProtection") is True
    assert config.get_option("server.enableCORS") is True
    assert config.get_option("browser.gatherUsageStats") is False
    assert config.get_option("client.showErrorDetails") == "none"
    assert config.get_option("server.maxUploadSize") == CONFIG["server"]["maxUploadSize"]

"""Who may do what, and what people see when a page fails: the incident guard and the optional sign-in."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator

import streamlit as st

from analysis.model.safe_text import escape_markdown
from analysis.storage.store import DamagedTable

LOG = logging.getLogger("engagement_explorer")


@contextlib.contextmanager
def incident_guard() -> Iterator[None]:
    """Run a page: an unexpected error goes to the server log with an incident id; people see a plain message."""
    try:
        yield
    except DamagedTable as exc:  # names the table, never a path: people can switch dataset on the Data page
        st.error(escape_markdown(exc), icon=":material/broken_image:")
    except Exception:  # Streamlit's stop and rerun are BaseExceptions and pass straight through
        incident = uuid.uuid4().hex[:6].upper()
        LOG.exception("Incident %s: the page failed", incident)
        st.error("Something went wrong showing this page. Try again, or change the filters. If it keeps "
                 f"happening, tell us this incident id: **{escape_markdown(incident)}**.", icon=":material/error:")


def sign_in_provider() -> str | None:
    """The sign-in provider set in .streamlit/secrets.toml [auth] ('' for a single unnamed one); None when off."""
    if not st.secrets.load_if_toml_exists():
        return None
    auth = st.secrets.get("auth")
    if not auth:
        return None
    if "client_id" in auth:
        return ""
    return next((name for name, value in auth.items() if hasattr(value, "keys")), "")


def require_sign_in_for_imports() -> None:
    """When sign-in is configured, only signed-in people get past this point; others get a sign-in button."""
    provider = sign_in_provider()
    if provider is None:
        return
    if st.user.is_logged_in:
        left, right = st.columns([4, 1])
        left.caption(f"Signed in as {escape_markdown(st.user.get('name') or st.user.get('email') or '')}.")
        right.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")
        return
    st.info("Importing data and choosing the dataset every page shows are open to signed-in people only.",
            icon=":material/lock:")
    st.button("Sign in", type="primary", icon=":material/login:", key="sign_in", on_click=st.login,
              args=(provider or None,))
    st.stop()


def reviewer() -> str:
    """Who is signed in (email, else name), for the record of a review decision; empty when sign-in is off."""
    if sign_in_provider() is None or not st.user.is_logged_in:
        return ""
    return str(st.user.get("email") or st.user.get("name") or "")

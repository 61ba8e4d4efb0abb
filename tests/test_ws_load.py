"""The websocket load benchmark's pure helpers: HTTP head parsing, markdown unescaping, summaries."""

from __future__ import annotations

import math

from bench import ws_load


def test_the_xsrf_cookie_is_read_from_the_response_head() -> None:
    raw = (b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n"
           b"set-cookie: _streamlit_xsrf=2|ab|cd|17; Path=/; SameSite=Lax\r\n\r\nok")
    assert ws_load.parse_response_head(raw) == (200, {"_streamlit_xsrf": "2|ab|cd|17"})
    assert ws_load.parse_response_head(b"") == (0, {})


def test_markdown_escapes_are_removed() -> None:
    assert ws_load.unescape_markdown(r"All waves\. Base\: 1,078 answers") == "All waves. Base: 1,078 answers"


def _measured() -> dict:
    return {"sessions": [
        {"render_s": 1.0, "reruns_s": [0.5, 0.7], "errors": []},
        {"render_s": 3.0, "reruns_s": [0.9], "errors": ["exception: ValueError boom"]},
        {"render_s": math.nan, "reruns_s": [], "errors": ["TimeoutError: "]},
    ]}


def test_a_session_with_an_error_or_no_render_is_not_counted_as_rendered() -> None:
    summary = ws_load.summarise(_measured())
    assert summary["rendered"] == 1
    assert summary["reruns"] == 3
    assert summary["render_median_s"] == 2.0 and summary["rerun_p95_s"] == 0.9
    assert len(summary["errors"]) == 2


def test_the_markdown_section_has_a_row_per_run_and_lists_errors() -> None:
    result = {"when": "2026-01-01", "sessions": 3, "respondents": 1_000_000, "changes": 3, "cores": 2,
              "load": 0.5, "start_mb": 70.0, "baseline_mb": math.nan, "peak_mb": 300.0, "open_mb": 250.0,
              "after_mb": 220.0, "settle_s": 30.0, **ws_load.summarise(_measured())}
    section = ws_load.markdown_section([result], "python -m bench.ws_load --sessions 3")
    assert section.startswith(ws_load.SECTION + "\n")
    assert "| 2026-01-01 | 1,000,000 respondents; changes back to back | 3 | 1/3 |" in section
    assert "| 70 | – | 300 | 250 | 220 |" in section
    assert "Errors seen: TimeoutError: ; exception: ValueError boom" in section

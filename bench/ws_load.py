"""Concurrent sessions over Streamlit's own websocket protocol: N simulated browsers, no Chromium.

    python -m bench.ws_load                          # 25 sessions on the demo data
    python -m bench.ws_load --sessions 10 --respondents 1000000

bench/sessions.py drives real browsers, which take the 2 cores themselves; this client speaks the
protocol a browser speaks so nearly all the CPU is left to the server. Each session does what the
frontend does: GET the page and /_stcore/health (which sets the _streamlit_xsrf cookie), open the
websocket /_stcore/stream with subprotocols ["streamlit", <xsrf token>] and the cookie, send a
BackMsg.rerun_script for the page "domains", and read ForwardMsgs until script_finished (the first
render). It then changes the "Organisation type" multiselect `changes` times (a rerun_script with the
widget states, multiselect values being the option labels) and times each from send to
script_finished. A session fails on an exception element, the app's "went wrong" message, page not
found, a run that does not finish successfully, or a missing chart caption. The server's resident
memory is sampled at start, after a warm-up session (baseline), throughout (peak), with every session
open, and `settle` seconds after all closed. Loopback only; bounded in sessions (50) and time.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import math
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.sessions import (
    CHOICES,
    MAX_SESSIONS,
    build_dataset,
    errors_note,
    load_arguments,
    rss_mb,
    sample_rss,
    serve,
    summarise,
)

SECTION = "## Concurrent sessions (websocket protocol)"
XSRF_COOKIE = "_streamlit_xsrf"
FILTER_LABEL = "Organisation type"
CAPTION_MARK = "Base:"


async def http_get(host: str, port: int, path: str, cookie: str | None = None) -> tuple[int, dict[str, str]]:
    """A minimal HTTP/1.1 GET on loopback; its status and the cookies it sets."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        headers = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        if cookie:
            headers += f"Cookie: {cookie}\r\n"
        writer.write((headers + "\r\n").encode())
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    return parse_response_head(raw)


def parse_response_head(raw: bytes) -> tuple[int, dict[str, str]]:
    """The status code and the Set-Cookie name=value pairs of a raw HTTP response."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1]) if head and len(head[0].split()) > 1 else 0
    cookies: dict[str, str] = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            pair = value.strip().split(";", 1)[0]
            key, _, val = pair.partition("=")
            cookies[key.strip()] = val.strip()
    return status, cookies


def unescape_markdown(text: str) -> str:
    """Markdown text with Streamlit's backslash escapes removed ("Base\\: 5" -> "Base: 5")."""
    return re.sub(r"\\(.)", r"\1", text)


def rerun_msg(page: str, page_hash: str, query: str, widgets: dict[str, list[str]], url: str):
    """A BackMsg.rerun_script as the frontend sends it (multiselect values as string arrays of labels)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = query
    if page_hash:
        state.page_script_hash = page_hash
    else:
        state.page_name = page
    for widget_id, values in widgets.items():
        widget = state.widget_states.widgets.add()
        widget.id = widget_id
        widget.string_array_value.data.extend(values)
    state.context_info.timezone = "Europe/London"
    state.context_info.timezone_offset = 0
    state.context_info.locale = "en-GB"
    state.context_info.url = url
    state.context_info.is_embedded = False
    state.context_info.color_scheme = "light"
    return msg


class Run:
    """What one script run sent back: errors, the filter widgets, the chart caption, the page state."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.multiselects: dict[str, str] = {}  # label -> widget id
        self.caption = ""
        self.status = None
        self.early = 0


async def read_run(ws, run: Run, state: dict) -> Run:
    """Read ForwardMsgs until script_finished, collecting what matters into `run` and `state`."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            state["page_hash"] = msg.new_session.page_script_hash or state.get("page_hash", "")
        elif kind == "navigation":
            state["page_hash"] = msg.navigation.page_script_hash or state.get("page_hash", "")
        elif kind == "page_info_changed":
            state["query"] = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            run.errors.append("page not found")
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            what = element.WhichOneof("type")
            if what == "exception":
                run.errors.append(f"exception: {element.exception.type} {element.exception.message[:120]}")
            elif what == "alert" and "went wrong" in element.alert.body:
                run.errors.append("went wrong: " + element.alert.body[:120])
            elif what == "multiselect":
                run.multiselects[element.multiselect.label] = element.multiselect.id
            elif what == "markdown" and not run.caption and msg.metadata.delta_path[:1] == [0]:
                text = unescape_markdown(element.markdown.body)
                if CAPTION_MARK in text:  # the first chart's caption in the main area: the view shown
                    run.caption = text
        elif kind == "script_finished":
            run.status = msg.script_finished
            if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                # The first run of a page by name on a fresh session stops once st.navigation has resolved
                # the page and reruns it: the frontend waits for the next run's end, and so do we.
                run.early += 1
                continue
            if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                run.errors.append(f"script finished with status {msg.script_finished}")
            return run


async def open_page(base: str, path: str):
    """Open a page as a browser does: GET it, take the XSRF cookie from the health check, connect the websocket
    and run the page once. (websocket, page state, page URL, the first run, problems seen); the caller closes
    the websocket."""
    from websockets.asyncio.client import connect

    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    problems = []
    status, _ = await http_get(host, port, f"/{path}")
    if status != 200:
        problems.append(f"GET /{path}: HTTP {status}")
    _, cookies = await http_get(host, port, "/_stcore/health")
    token = cookies.get(XSRF_COOKIE, "")
    ws = await connect(f"ws://{host}:{port}/_stcore/stream", subprotocols=["streamlit", token],
                       origin=base, additional_headers={"Cookie": f"{XSRF_COOKIE}={token}"} if token else None,
                       max_size=None, open_timeout=120, ping_interval=None)
    try:
        state: dict = {"page_hash": "", "query": ""}
        url = f"{base}/{path}"
        await ws.send(rerun_msg(path, "", "", {}, url).SerializeToString())
        return ws, state, url, await read_run(ws, Run(), state), problems
    except BaseException:
        await ws.close()
        raise


async def change_widgets(ws, path: str, state: dict, url: str, values: dict[str, list[str]]) -> Run:
    """Send the widgets' new values as the frontend does and read the rerun they cause."""
    await ws.send(rerun_msg(path, state["page_hash"], state["query"], values,
                            url + ("?" + state["query"] if state["query"] else "")).SerializeToString())
    return await read_run(ws, Run(), state)


async def _session(base: str, path: str, changes: int, ready: list, hold: asyncio.Event,
                   think: float = 0.0, seed: int = 0) -> dict:
    """One session: load, connect, render the page, change the filter `changes` times, timing each.

    `think` is a person's pause before each change (seconds, varied 0.5x to 1.5x); 0 fires them back to back.
    """
    pauses = random.Random(seed)
    result: dict = {"render_s": math.nan, "reruns_s": [], "errors": []}
    ws = None
    try:
        start = time.perf_counter()
        ws, state, url, first, problems = await open_page(base, path)
        result["render_s"] = time.perf_counter() - start
        result["errors"] += problems + first.errors
        result["early_runs"] = first.early
        if not first.caption:
            result["errors"].append("no chart caption on the first render")
        widget = first.multiselects.get(FILTER_LABEL)
        if widget is None:
            result["errors"].append(f"no '{FILTER_LABEL}' multiselect")
        else:
            values: dict[str, list[str]] = {wid: [] for wid in first.multiselects.values()}
            caption = first.caption
            for choice in CHOICES[:changes]:
                if think:
                    await asyncio.sleep(think * pauses.uniform(0.5, 1.5))
                values[widget] = [*values[widget], choice]
                started = time.perf_counter()
                run = await change_widgets(ws, path, state, url, values)
                result["reruns_s"].append(time.perf_counter() - started)
                result["errors"] += run.errors
                if not run.caption or run.caption == caption:
                    result["errors"].append(f"the view did not change after choosing {choice!r}")
                caption = run.caption
    except Exception as exc:  # a session that fails is a finding, not a crash of the benchmark
        result["errors"].append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}")
    ready.append(1)
    try:
        await hold.wait()
    finally:
        if ws is not None:
            await ws.close()
    return result


@dataclass(frozen=True)
class Load:
    """One run's load: `sessions` at once on page `path`, each changing a filter `changes` times (`think` seconds
    apart on average, 0: back to back), on the demo or `respondents` national respondents; held open `hold_s`
    seconds, then `settle` seconds for memory to fall; `timeout` for the whole run; `warmup`: one session first."""

    sessions: int = 25
    respondents: int | None = None
    changes: int = 3
    path: str = "domains"
    settle: float = 30.0
    hold_s: float = 2.0
    timeout: float = 600.0
    warmup: bool = True
    think: float = 0.0


async def _run_sessions(base: str, pid: int, load: Load) -> dict:
    sessions, changes, path, settle, think = load.sessions, load.changes, load.path, load.settle, load.think
    start_mb = rss_mb(pid)
    samples, stop, sampler = sample_rss(pid)
    warm: dict | None = None
    baseline_mb = math.nan
    if load.warmup:  # one session opened and closed first: imports and caches are then in the baseline
        released = asyncio.Event()
        released.set()
        warm = await _session(base, path, changes, [], released)
        await asyncio.sleep(2.0)
        baseline_mb = rss_mb(pid)
    hold, ready = asyncio.Event(), []
    began = time.perf_counter()
    tasks = [asyncio.create_task(_session(base, path, changes, ready, hold, think, seed=i)) for i in range(sessions)]
    while len(ready) < sessions:  # every session has rendered and rerun; hold them open to read memory
        await asyncio.sleep(0.1)
    wall = time.perf_counter() - began
    await asyncio.sleep(load.hold_s)
    open_mb = rss_mb(pid)
    hold.set()
    results = await asyncio.gather(*tasks)
    closed_mb = rss_mb(pid)
    await asyncio.sleep(settle)
    stop.set()
    await sampler
    after_mb = rss_mb(pid)
    return {"sessions": results, "warmup": warm, "wall_s": wall, "start_mb": start_mb, "baseline_mb": baseline_mb,
            "peak_mb": max(samples, default=math.nan), "open_mb": open_mb, "closed_mb": closed_mb,
            "after_mb": after_mb, "settle_s": settle}


def run(load: Load = Load()) -> dict:
    """Build a dataset, start a fresh server and drive `load.sessions` concurrent websocket sessions against it.

    With `load.warmup`, one session is opened and closed before the others (the memory baseline); without it,
    the N sessions arrive on a server that has just started.
    """
    load = dataclasses.replace(load, sessions=max(1, min(load.sessions, MAX_SESSIONS)),
                               changes=max(0, min(load.changes, len(CHOICES))))
    with tempfile.TemporaryDirectory(prefix="bench-ws-") as tmp:
        build_s = build_dataset(Path(tmp), load.respondents)
        with serve(Path(tmp)) as (base, pid):
            measured = asyncio.run(asyncio.wait_for(_run_sessions(base, pid, load), load.timeout))
    warm = measured["warmup"]
    return {
        "when": dt.date.today().isoformat(), "sessions": load.sessions, "respondents": load.respondents,
        "changes": load.changes, "think_s": load.think, "page": load.path, "build_s": build_s,
        "cores": os.cpu_count(), "load": os.getloadavg()[0],
        "warmup": load.warmup, "warmup_render_s": warm["render_s"] if warm else math.nan,
        "warmup_errors": warm["errors"] if warm else [],
        **summarise(measured),
        **{k: measured[k] for k in ("wall_s", "start_mb", "baseline_mb", "peak_mb", "open_mb", "closed_mb",
                                    "after_mb", "settle_s")},
    }


def _mb(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.0f}"


def summary_line(r: dict) -> str:
    """One run as a markdown table row."""
    data = f"{r['respondents']:,} respondents" if r["respondents"] else "demo (study design)"
    think = r.get("think_s", 0.0)
    data += f"; changes {think * 0.5:g} to {think * 1.5:g} s apart" if think else "; changes back to back"
    return (f"| {r['when']} | {data} | {r['sessions']} | {r['rendered']}/{r['sessions']} | "
            f"{r['render_median_s']:.2f} / {r['render_p95_s']:.2f} | {r['reruns']} | "
            f"{r['rerun_median_s']:.2f} / **{r['rerun_p95_s']:.2f}** | {_mb(r['start_mb'])} | "
            f"{_mb(r['baseline_mb'])} | {_mb(r['peak_mb'])} | {_mb(r['open_mb'])} | {_mb(r['after_mb'])} | "
            f"{r['load']:.1f} |")


def markdown_section(runs: list[dict], command: str = "python -m bench.ws_load") -> str:
    """A markdown section for one or more runs (not written to BENCHMARKS.md by this script)."""
    first = runs[0]
    lines = [
        SECTION, "",
        f"`{command}`: a freshly started server; after one warm-up session (opened and closed: the memory "
        "baseline), N simulated browsers speaking Streamlit's websocket protocol open the Influence by "
        f"domain page at once, then change the organisation-type filter {first['changes']} times. First "
        "render is timed from the page request to script_finished; a rerun from sending the widget change "
        "to script_finished, so it includes queueing for the server's "
        f"{first['cores']} cores but no browser drawing. Server memory is VmRSS: at start, after the warm-up, "
        f"peak, with every session open, and {first['settle_s']:.0f} s after the last closed. Target: every "
        "session renders, 95th-percentile rerun under 2 s.", "",
        "| date | data | sessions | rendered without error | first render median / p95 (s) | reruns | "
        "rerun median / p95 (s) | RSS start (MB) | baseline (MB) | peak (MB) | all open (MB) | "
        "after close (MB) | load average |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(summary_line(r) for r in runs),
        *errors_note(runs),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the websocket concurrent-sessions benchmark; print the figures as JSON and a markdown section."""
    parser = argparse.ArgumentParser(prog="python -m bench.ws_load", description=__doc__.splitlines()[0])
    load_arguments(parser)
    parser.add_argument("--no-warmup", action="store_true", help="no warm-up session: all N arrive on a cold server")
    parser.add_argument("--think", type=float, default=0.0,
                        help="a person's pause before each filter change, seconds (0: back to back, the worst case)")
    args = parser.parse_args(argv)
    result = run(Load(args.sessions, args.respondents, args.changes, settle=args.settle, timeout=args.timeout,
                      warmup=not args.no_warmup, think=args.think))
    print(json.dumps(result, indent=2, default=str))
    command = "python -m bench.ws_load " + " ".join(argv if argv is not None else sys.argv[1:])
    print()
    print(markdown_section([result], command.strip()))
    return 0 if result["rendered"] == result["sessions"] else 1


if __name__ == "__main__":
    sys.exit(main())

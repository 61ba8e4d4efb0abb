"""The review queue: which stories are held, decisions as an append-only record, and what is shown."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import open_page

from analysis.evidence import voices
from analysis.ingest import review
from analysis.storage import store

HELD = "I was seen by Zorbanek in the end"          # a capitalised word the detector could not place
ALSO_HELD = "we asked for Grace at the desk"          # an ordinary word used like a name
CLEAR = "The nurse was kind and explained everything"


def _stories(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"story_id": [f"S{i}" for i in range(len(texts))], "text": list(texts)})


@pytest.fixture
def data_dir(demo_dir: Path, tmp_path: Path) -> Path:
    """The demo plus three stories of our own: two held for review, one clear."""
    target = tmp_path / "data"
    shutil.copytree(demo_dir, target)
    tables = store.read_core(target)
    stories = store.read_table(target, "stories")
    teller = stories.iloc[0].to_dict()
    extra = pd.DataFrame([{**teller, "story_id": f"R{i}", "text": t} for i, t in enumerate([HELD, ALSO_HELD, CLEAR])])
    tables["stories"] = pd.concat([stories, extra], ignore_index=True)
    manifest = store.manifest(target)
    store.write_dataset(tables, target, demo=True, provenance=manifest["provenance"],
                        description=manifest.get("description", ""))
    return target


@pytest.mark.parametrize(("text", "held"), [(HELD, True), (ALSO_HELD, True), (CLEAR, False),
                                              ("Dr [name] on Ward 7 was rude", False)])
def test_which_stories_are_held(text: str, held: bool) -> None:
    flagged = review.flag(_stories(text))
    assert (flagged["review_reasons"].iloc[0] != "") is held
    shown, held_n = review.publish(flagged, _decisions())
    assert held_n == int(held) and len(shown) == 1 - int(held)


def _decisions(*rows: tuple[str, str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame([{"story_id": sid, "text_sha": review.text_sha(text), "decision": d, "text": new,
                          "reviewer": "r", "decided_at": f"2026-01-0{i + 1}T00:00:00+00:00"}
                         for i, (sid, text, d, new) in enumerate(rows)], columns=review._DECISION_COLUMNS)


@pytest.mark.parametrize(("decisions", "shown_texts", "held_n"), [
    ([], [CLEAR], 2),
    ([("S0", HELD, "approve", None)], [HELD, CLEAR], 1),
    ([("S0", HELD, "hide", None)], [CLEAR], 1),
    ([("S0", HELD, "approve", None), ("S0", HELD, "hide", None)], [CLEAR], 1),   # the latest decision wins
    ([("S0", HELD, "edit", "I was seen in the end")], ["I was seen in the end", CLEAR], 1),
    ([("S2", CLEAR, "hide", None)], [], 2),                                        # any story can be hidden
    ([("S0", "an older text of S0", "approve", None)], [CLEAR], 2),               # a decision is for one text
])
def test_what_is_shown_after_decisions(decisions, shown_texts, held_n) -> None:
    shown, held = review.publish(review.flag(_stories(HELD, ALSO_HELD, CLEAR)), _decisions(*decisions))
    assert shown["text"].tolist() == shown_texts and held == held_n


def test_decisions_are_appended_never_changing_the_story(data_dir: Path) -> None:
    dataset_id = store.current_id(data_dir)
    before = (data_dir / "datasets" / dataset_id / "stories.parquet").read_bytes()
    found = voices.load_voices(data_dir)
    assert found.held_n == 2 and HELD not in set(found.stories["text"]) and CLEAR in set(found.stories["text"])
    stories = review.flag(store.read_table(data_dir, "stories"))
    items = review.queue(stories, review.read_decisions(data_dir, dataset_id))
    target = items[items["text"] == HELD]
    assert review.record(data_dir, dataset_id, target, "approve", reviewer="jo@example.org") == 1
    assert HELD in set(voices.load_voices(data_dir).stories["text"])
    review.record(data_dir, dataset_id, target, "edit", text="Seen by Dr Zorbanek, phone 07700 900123")
    shown = set(voices.load_voices(data_dir).stories["text"])
    assert "Seen by Dr [name], phone [phone number]" in shown  # an edit is redacted again
    review.record(data_dir, dataset_id, target, "hide", reviewer="sam")
    found = voices.load_voices(data_dir)
    assert not {HELD, "Seen by Dr [name], phone [phone number]"} & set(found.stories["text"]) and found.held_n == 1
    lines = (data_dir / "datasets" / dataset_id / review.FILE).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["decision"] for line in lines] == ["approve", "edit", "hide"]
    assert json.loads(lines[0])["reviewer"] == "jo@example.org" and json.loads(lines[0])["decided_at"]
    assert (data_dir / "datasets" / dataset_id / "stories.parquet").read_bytes() == before


def test_a_decision_carries_to_a_later_dataset_with_the_same_story(data_dir: Path) -> None:
    first = store.current_id(data_dir)
    stories = store.read_table(data_dir, "stories")
    review.record(data_dir, first, stories[stories["text"] == HELD], "approve")
    manifest = store.manifest(data_dir)
    tables = store.read_core(data_dir)
    tables["stories"] = pd.concat([stories, stories.tail(1).assign(story_id="NEW", text=CLEAR + ".")])
    later = store.write_dataset(tables, data_dir, demo=True, description="again",
                                provenance=[*manifest["provenance"], {"kind": "again"}])
    assert later["dataset_id"] != first
    assert HELD in set(voices.load_voices(data_dir).stories["text"])


def test_a_torn_line_is_skipped(data_dir: Path) -> None:
    dataset_id = store.current_id(data_dir)
    stories = store.read_table(data_dir, "stories")
    review.record(data_dir, dataset_id, stories[stories["text"] == HELD], "approve")
    with (data_dir / "datasets" / dataset_id / review.FILE).open("a", encoding="utf-8") as handle:
        handle.write('{"story_id": "R1", "decis')
    assert len(review.read_decisions(data_dir, dataset_id)) == 1


@pytest.mark.parametrize(("decision", "text", "words"), [("publish", None, "one of"), ("edit", "  ", "new text")])
def test_bad_decisions_are_refused(data_dir: Path, decision: str, text, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        review.record(data_dir, store.current_id(data_dir), _stories(HELD), decision, text=text)


def test_concurrent_reviewers_never_interleave_lines(data_dir: Path) -> None:
    """Four reviewer processes record 20 decisions of 3 long lines each at the same moment. The processes run
    review.record itself, so they import only what a decision needs (not this test module and its fixtures)."""
    dataset_id = store.current_id(data_dir)
    calls = []
    for worker in range(4):
        frame = pd.DataFrame({"story_id": [f"W{worker}-{i}" for i in range(50)], "text": ["x" * 2000] * 50})
        calls += [(data_dir, dataset_id, frame.iloc[i:i + 3], "approve", f"worker{worker}") for i in range(20)]
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        pool.starmap(review.record, calls, chunksize=5)
    lines = (data_dir / "datasets" / dataset_id / review.FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 * 20 * 3
    assert all(json.loads(line)["decision"] == "approve" for line in lines)


@pytest.mark.parametrize(("status", "search", "n"), [("held", "", 2), ("all", "", 2), ("held", "zorb", 1),
                                                      ("approve", "", 0)])
def test_the_review_table_filters(status: str, search: str, n: int) -> None:
    items = review.queue(review.flag(_stories(HELD, ALSO_HELD, CLEAR)), _decisions())
    table = review.review_table(items, status, search)
    assert len(table) == n and list(table.columns)[:3] == ["Story", "Quote", "Why it was held"]


@pytest.mark.parametrize(("n", "words"), [(1, "1 quote is held"), (3, "3 quotes are held")])
def test_the_voices_note(n: int, words: str) -> None:
    assert review.held_note(n).startswith(words)


def test_the_version_changes_with_every_decision(data_dir: Path) -> None:
    dataset_id = store.current_id(data_dir)
    stories = store.read_table(data_dir, "stories")
    seen = {review.version(data_dir, dataset_id)}
    for decision in ("approve", "hide", "approve"):
        review.record(data_dir, dataset_id, stories[stories["text"] == HELD], decision)
        seen.add(review.version(data_dir, dataset_id))
    assert len(seen) == 4


# ---- the Data page's review section (AppTest) ----

@pytest.fixture
def page_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(store.ENV_VAR, str(data_dir))
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    return data_dir


def _data_page():
    at = open_page("data").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _captions(at) -> str:
    return " ".join(c.value for c in at.caption).replace("\\", "")  # captions are Markdown-escaped


@pytest.mark.apptest
@pytest.mark.parametrize(("button", "decision", "held_after"), [("review_approve", "approve", 1),
                                                                  ("review_hide", "hide", 1),
                                                                  ("review_bulk", "approve", 0)])
def test_the_data_page_records_a_decision(page_env: Path, button: str, decision: str, held_after: int) -> None:
    at = _data_page()
    assert "Held for review: 2" in _captions(at)
    at.button(key=button).click().run()
    assert not at.exception, [e.message for e in at.exception]
    dataset_id = store.current_id(page_env)
    decisions = review.read_decisions(page_env, dataset_id)
    assert set(decisions["decision"]) == {decision} and len(decisions) == 2 - held_after
    assert voices.load_voices(page_env).held_n == held_after
    assert f"Held for review: {held_after}" in _captions(at)


@pytest.mark.apptest
def test_the_data_page_saves_an_edit_redacted_again(page_env: Path) -> None:
    at = _data_page()
    story = at.selectbox(key="review_story").value
    at.text_area(key=f"review_text_{story}").input("Seen by Nurse Zorbanek on 07700 900123").run()
    at.button(key="review_edit").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Seen by Nurse [name] on [phone number]" in set(voices.load_voices(page_env).stories["text"])

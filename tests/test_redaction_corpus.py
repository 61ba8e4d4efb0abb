"""The labelled redaction corpus: its marks parse, it is big enough, and the tuned part meets the targets.
The held-out parts are scored by bench/redaction.py (BENCHMARKS.md), not asserted here."""

from __future__ import annotations

import pytest

from bench import redaction


@pytest.mark.parametrize(("line", "text", "spans"), [
    ("Dr {name:Patel} on Ward 7", "Dr Patel on Ward 7", (("name", 3, 8),)),
    ("{phone:0113 496 0000} or {email:a@b.org}", "0113 496 0000 or a@b.org", (("phone", 0, 13), ("email", 17, 24))),
    ("plain text", "plain text", ()),
])
def test_marks_parse(line: str, text: str, spans: tuple) -> None:
    assert redaction.parse(line) == redaction.Line(text, spans)


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        redaction.parse("{shoe:size 9}")


def test_the_corpus_has_at_least_300_sentences_in_every_style() -> None:
    lines = [line for part in redaction.PARTS for line in redaction.corpus(part)]
    assert len(lines) >= 300
    assert sum(1 for line in lines if not line.spans) >= 100  # ordinary text, for precision
    assert {kind for line in lines for kind, _, _ in line.spans} == set(redaction.redact.MARKS)


def test_the_tuned_part_meets_the_targets() -> None:
    result = redaction.score(redaction.corpus("held_in"))
    names, numbered, precision = result["recall"]["name"], result["numbered"], result["precision"]
    assert names[0] / names[1] >= 0.95, result["missed"]
    assert numbered[0] / numbered[1] >= 0.99, result["missed"]
    assert precision[0] / precision[1] >= 0.90, result["wrong"]

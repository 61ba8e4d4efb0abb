"""Answer labels matched to the library of scales, and a proposed scale for labels no library scale fits."""

from __future__ import annotations

import pytest

from analysis.model import scales, vocab
from analysis.views import colour

AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
FFT = ["Extremely likely", "Likely", "Neither likely nor unlikely", "Unlikely", "Extremely unlikely", "Don't know"]


@pytest.mark.parametrize(("labels", "scale_id"), [
    (AGREE, "agree5"),
    (AGREE[::-1], "agree5"),  # reversed order
    ([f"{i} - {label}" for i, label in enumerate(AGREE, 1)], "agree5"),  # numbering
    ([f"{label} ({i})" for i, label in enumerate(AGREE, 1)], "agree5"),
    ([label.upper() + "." for label in AGREE], "agree5"),  # case and punctuation
    ([*AGREE, "Don’t know", "N/A", "Prefer not to say"], "agree5"),  # extra non-substantive answers
    (FFT, "fft6"),
    (["Very good", "Good", "Neither good nor poor", "Poor", "Very poor", "Don't know"], "quality5"),
    (["Very satisfied", "Satisfied", "Dissatisfied"], "satisfaction5"),
    (["Never", "Sometimes", "Always"], "frequency5"),
    (["Yes", "No", "Not sure"], "yes_no"),
    (["No influence", "A little", "Some", "A lot", "Don't know", "Not applicable"], "influence4"),
    (["Not important to have a say", "Very important"], "importance4"),
    (["Some", "Don't know"], "influence4"),
])
def test_labels_match_a_library_scale(labels, scale_id):
    found = scales.match(labels)
    assert found is not None and found.scale_id == scale_id
    levels = set(vocab.SCALES[scale_id]["levels"]) | set(vocab.NON_SUBSTANTIVE_LEVELS)
    assert set(found.answers) == set(labels) and set(found.answers.values()) <= levels


@pytest.mark.parametrize(("label", "level"), [
    ("1 - Strongly disagree", "strongly_disagree"), ("Don’t know", "dont_know"), ("N/A", "not_applicable"),
    ("prefer not to say", "prefer_not_to_say"), ("5. Strongly agree", "strongly_agree"),
])
def test_each_label_gets_its_level(label, level):
    labels = [label, "Agree", "Disagree"]
    assert scales.match(labels).answers[label] == level


@pytest.mark.parametrize("labels", [
    ["Lottery A", "Lottery B"], ["Male", "Female"], ["1", "2", "3"], ["Agree", "Banana"], ["Some"] * 0,
])
def test_no_match_for_what_is_not_a_library_scale(labels):
    assert scales.match(labels) is None


def test_a_lone_ambiguous_word_is_no_match_but_a_distinctive_one_is():
    assert scales.match(["Some"]).scale_id == "influence4"


@pytest.mark.parametrize(("labels", "levels"), [
    (["3 = high", "1 = low", "2 = medium"], ["low", "medium", "high"]),  # numbered: the numbers give the order
    (["Loads", "A bit", "Don't know"], ["loads", "a_bit"]),
])
def test_unknown_labels_get_a_proposed_scale(labels, levels):
    found = scales.propose("q9", labels)
    assert found.proposed["levels"] == levels
    assert set(found.proposed["positive"]) <= set(levels)
    assert all(found.answers[label] for label in labels)


@pytest.mark.parametrize("labels", [["1", "2", "3"], ["only one"], ["x" * 80, "y"], [str(i) + "a" for i in range(20)]])
def test_no_proposal_for_what_does_not_look_like_a_scale(labels):
    assert scales.propose("q9", labels) is None


@pytest.mark.parametrize("count", range(1, 9))
def test_diverging_colours_run_from_negative_to_positive(count):
    colours = colour.diverging_colours(count)
    assert len(colours) == count and colours[-1] == colour.PALETTE["blue"]
    assert count == 1 or colours[0] == colour.PALETTE["vermilion"]


@pytest.mark.parametrize(("measure", "scale_id", "labels", "words"), [
    ("agreement", "agree5", ["Agree", "Strongly agree"], "agree or strongly agree"),
    ("recommendation", "fft6", ["Likely", "Extremely likely"], "extremely likely or likely to recommend"),
    ("influence", "influence4", ["Some", "A lot"], "some or a lot of influence"),
    ("experience", "frequency5", ["Often", "Always"], "always or often"),
    ("my_own", "low3", ["Medium", "High"], "high or medium"),
])
def test_measure_wording(measure, scale_id, labels, words):
    assert vocab.measure_wording(measure, scale_id, labels) == words


@pytest.mark.parametrize(("code", "org_type"), [
    ("A81001", "gp_practice"), ("U12345", "gp_practice"), ("QWE", "icb"), ("RX1", ""), ("rx1ra", ""),
    ("Bramble Surgery", None), ("12", None),
])
def test_ods_codes_are_recognised(code, org_type):
    assert vocab.ods_org_type(code) == org_type


@pytest.mark.parametrize(("text", "org_type"), [
    ("GP practice", "gp_practice"), ("Primary care network", "gp_practice"), ("Community trust", "community"),
    ("Integrated care board", "icb"), ("social_enterprise", "social_enterprise"), ("Acute hospital trust", "acute"),
    ("clinic", ""),
])
def test_org_type_names(text, org_type):
    assert vocab.org_type_id(text) == org_type

"""Redaction: what must go and what must stay, the NHS check digit, the command, and no network."""

from __future__ import annotations

import io
import socket
import sys

import pytest

from analysis import cli, redact

NAMES = ["Jo Bloggs", "Priya", "Dr Okafor", "Smith"]

MUST_GO = [  # (text, what it becomes)
    ("NHS number 943 476 5919 please", "NHS number [NHS number] please"),
    ("nhs no. 943-476-5919", "nhs no. [NHS number]"),
    ("9434765919", "[NHS number]"),
    ("my number is 401 023 2137.", "my number is [NHS number]."),
    ("(4010232137)", "([NHS number])"),
    ("postcode SW1A 1AA", "postcode [postcode]"),
    ("postcode sw1a1aa", "postcode [postcode]"),
    ("lives at M1 1AE now", "lives at [postcode] now"),
    ("LS2 9JT, Leeds", "[postcode], Leeds"),
    ("b33 8th", "b33 8th"),  # a lower-case ordinal is kept (see MUST_STAY); upper case below is a postcode
    ("B33 8TH", "[postcode]"),
    ("ec1a 1bb", "[postcode]"),
    ("GIR 0AA", "[postcode]"),
    ("call 07700 900123", "call [phone number]"),
    ("call 07700900123 today", "call [phone number] today"),
    ("mobile 07700-900-456", "mobile [phone number]"),
    ("+44 7700 900123", "[phone number]"),
    ("+447700900123", "[phone number]"),
    ("+44 (0)20 7946 0018", "[phone number]"),
    ("(020) 7946 0018", "[phone number]"),
    ("0161 496 0000", "[phone number]"),
    ("0161-496-0000", "[phone number]"),
    ("tel: 0113 496 0123.", "tel: [phone number]."),
    ("0044 20 7946 0018", "[phone number]"),
    ("01632 960123", "[phone number]"),
    ("ring 0800 123 4567 free", "ring [phone number] free"),
    ("email jo@example.org", "email [email]"),
    ("Jo.Bloggs+nhs@trust.nhs.uk wrote", "[email] wrote"),
    ("write to a_b@c-d.co.uk.", "write to [email]."),
    ("Jo Bloggs said", "[name] said"),
    ("jo bloggs said", "[name] said"),
    ("JO  BLOGGS said", "[name] said"),
    ("thanks to Priya.", "thanks to [name]."),
    ("Dr Okafor was kind", "[name] was kind"),
    ("Mrs Smith's ward", "Mrs [name]'s ward"),
    ("Priya (07700 900123, SW1A 1AA)", "[name] ([phone number], [postcode])"),
]

MUST_STAY = [
    "on 12/03/2008 we met",
    "12-03-2008",
    "2008-03-12",
    "Ward 10 was closed",
    "ward 10, bed 4",
    "it cost £1,200.50",
    "£1200",
    "£12,000,000 budget",
    "ref 1234567890",            # fails the NHS check digit (check would be 10)
    "order 9434765918",          # wrong check digit
    "at 10:30 or 14:45",
    "from 9am to 5pm",
    "1,234,567,890 people",
    "version 3.12.1",
    "room B2 4th floor",
    "123 456",
    "Priyanka came",             # not a whole-word match of Priya
    "Smithfield market",
    "the year 2009",
    "7 out of 10 people",
    "47 NHS trusts and 31 organisations",
    "call 999",
    "extension 4321",
    "20 workshops, nearly 500 people",
    "rated 4.5/5",
    "11-digit ref 12345678901",
    "section 17 of the Act",
    "A1 road",
    "the M25",
    "plain text with <b>tags</b>",
]


@pytest.mark.parametrize(("text", "expected"), MUST_GO)
def test_personal_details_go(text: str, expected: str) -> None:
    assert redact.redact(text, NAMES) == expected


@pytest.mark.parametrize("text", MUST_STAY)
def test_ordinary_text_stays(text: str) -> None:
    assert redact.redact(text, NAMES) == text


@pytest.mark.parametrize(("digits", "valid"), [
    ("9434765919", True),
    ("4010232137", True),
    ("9434765918", False),
    ("1234567890", False),   # check digit would be 10: never valid
    ("0000000000", True),    # 11 - 0 = 11 reads as 0
    ("123456789", False),
    ("94347659190", False),
    ("94347659a9", False),
])
def test_nhs_check_digit(digits: str, valid: bool) -> None:
    assert redact.nhs_number_valid(digits) is valid


def test_no_names_means_names_stay() -> None:
    assert redact.redact("Jo Bloggs said", None) == "Jo Bloggs said"
    assert redact.redact("", NAMES) == ""


def test_names_from_a_file(tmp_path) -> None:
    path = tmp_path / "names.txt"
    path.write_text("# staff\nJo Bloggs\n\n  Priya  \n", encoding="utf-8")
    assert redact.read_names(path) == ["Jo Bloggs", "Priya"]


def test_redaction_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("redaction tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    text = "Jo Bloggs, 943 476 5919, SW1A 1AA, 07700 900123, jo@example.org"
    assert redact.redact(text, NAMES) == "[name], [NHS number], [postcode], [phone number], [email]"


def test_the_redact_command(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("Jo Bloggs\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("Jo Bloggs on 07700 900123\nWard 10 on 12/03/2008\n"))
    assert cli.main(["redact", "--names", str(names)]) == 0
    assert capsys.readouterr().out == "[name] on [phone number]\nWard 10 on 12/03/2008\n"


def test_the_redact_command_refuses_a_missing_names_file(monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("text\n"))
    assert cli.main(["redact", "--names", str(tmp_path / "none.txt")]) == 2
    assert "no such file" in capsys.readouterr().err

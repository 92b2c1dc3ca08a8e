import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.answering.personal_data import PersonalDataGuard, _nhs_valid

GUARD = PersonalDataGuard([r"\bCR-?\d{6}\b"])


@pytest.mark.parametrize(
    ("question", "kind", "gone"),
    [
        (
            "can Jayden Smith, DOB 03/04/2015, go on a second plan?",
            "name with date of birth",
            ["Jayden", "Smith", "03/04/2015"],
        ),
        (
            "is Mary Ann Jones (born 3 April 2015) too old for MST",
            "name with date of birth",
            ["Mary", "Jones", "2015"],
        ),
        ("nhs no 943 476 5919 second plan?", "NHS number", ["943 476 5919"]),
        ("NHS 9434765919", "NHS number", ["9434765919"]),
        ("her NI number is AB 12 34 56 C", "National Insurance number", ["AB 12 34 56 C"]),
        ("family moved to S1 2HH last week", "postcode", ["S1 2HH"]),
        ("ring mum on 07700 900123", "phone number", ["07700 900123"]),
        ("or +44 114 273 4567", "phone number", ["273 4567"]),
        ("email jo.bloggs@example.org about it", "email address", ["jo.bloggs@example.org"]),
        ("case CR-123456 needs an ICPC", "case reference", ["CR-123456"]),
    ],
)
def test_personal_data_is_found_and_removed(question: str, kind: str, gone: list[str]) -> None:
    redaction = GUARD.redact(question)
    assert kind in redaction.found
    for part in gone:
        assert part not in redaction.text


@pytest.mark.parametrize(
    "question",
    [
        "can a child have a second CP plan?",
        "assessment within 45 working days of the referral",
        "ICPC within 15 working days of the strategy discussion, s47 of the Children Act 1989",
        "first review within 20 working days, then 3 months, then 6 months",
        "is 943 476 5910 an NHS number",  # fails the modulus-11 check
        "what did the 2018 letter say about the DCS",
    ],
)
def test_practice_questions_are_left_alone(question: str) -> None:
    assert GUARD.redact(question).text == question


def test_the_nhs_check_digit_is_modulus_11() -> None:
    valid = re.match(r"(\d{3})(\d{3})(\d{4})", "9434765919")
    invalid = re.match(r"(\d{3})(\d{3})(\d{4})", "9434765918")
    assert valid and invalid and _nhs_valid(valid) and not _nhs_valid(invalid)


@given(st.text(max_size=2000))
def test_redaction_never_fails_and_leaves_no_valid_nhs_number(text: str) -> None:
    redacted = GUARD.redact(text).text
    for match in re.finditer(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)", redacted):
        assert not _nhs_valid(match)

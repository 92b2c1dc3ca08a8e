import re
import time
from pathlib import Path
from typing import cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.answerer import Answerer
from bot.answering.personal_data import PersonalDataGuard, Redaction, _nhs_valid
from bot.answering.policy import AnswerPolicy
from bot.answering.templates import Templates
from bot.retrieval.retriever import Retriever

# CPU seconds for 50,000 adversarial characters: about 0.3 s on a quiet machine, 0.6 s on a
# loaded one; a pattern gone quadratic takes tens of seconds, so this bound still catches it.
CPU_BOUND = 2.0

GUARD = PersonalDataGuard([r"\bCR-?\d{6}\b"])
TEMPLATES = Templates.load(Path(__file__).resolve().parents[2] / "prompts")


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
        "what did the 2018 letter say about the DCS",
    ],
)
def test_practice_questions_are_left_alone(question: str) -> None:
    assert GUARD.redact(question).text == question


@pytest.mark.parametrize("number", ["943 476 5910", "943-476-5910", "943.476.5910", "9434765910"])
def test_an_nhs_shaped_number_is_removed_whatever_its_check_digit(number: str) -> None:
    # A mistyped NHS number still points at one child; issue 11 asks for every one to go.
    redaction = GUARD.redact(f"is {number} an NHS number")
    assert number not in redaction.text and "NHS number" in redaction.found


def test_the_nhs_check_digit_is_modulus_11() -> None:
    valid = re.match(r"(\d{3})(\d{3})(\d{4})", "9434765919")
    invalid = re.match(r"(\d{3})(\d{3})(\d{4})", "9434765918")
    assert valid and invalid and _nhs_valid(valid) and not _nhs_valid(invalid)


@given(st.text(max_size=2000))
def test_redaction_never_fails_and_leaves_no_valid_nhs_number(text: str) -> None:
    redacted = GUARD.redact(text).text
    for match in re.finditer(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)", redacted):
        assert not _nhs_valid(match)


# --- issue 11: every pattern runs in linear time -------------------------------------------

# Pieces that each pattern's quantifiers could fight over: the characters of an email, a phone
# number, a date, an NHS number, a street address, a name with its cues.
_ADVERSARIAL = [".", "_", "-", "@", "+", "0", "7", "1", " ", "a", "Z", "é", "'", "(", ")", "/"]
_ADVERSARIAL_WORDS = ["_.", "a@", "@a.", "a.", "0 ", "1/", "1.1.", "12 ", "Aa ", "mum ", "called "]


def _cpu_seconds(text: str) -> float:
    GUARD.redact("Jo Bloggs 01/02/2013")  # the name lists load once, before the clock starts
    started = time.process_time()
    GUARD.redact(text)
    return time.process_time() - started


def test_a_long_run_of_email_characters_is_quick() -> None:
    assert _cpu_seconds("_._._." * 7000) < 0.5


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    unit=st.lists(st.sampled_from(_ADVERSARIAL + _ADVERSARIAL_WORDS), min_size=1, max_size=6),
    length=st.integers(20_000, 50_000),
)
def test_no_repeated_input_makes_the_guard_slow(unit: list[str], length: int) -> None:
    text = ("".join(unit) * (length // len("".join(unit)) + 1))[:length]
    assert _cpu_seconds(text) < CPU_BOUND


def test_the_question_is_cut_before_the_guard_sees_it() -> None:
    seen: list[int] = []

    class Spy(PersonalDataGuard):
        def redact(self, text: str) -> Redaction:
            seen.append(len(text))
            return super().redact(text)

    answerer = Answerer(
        cast(Retriever, None), TEMPLATES, AnswerPolicy(max_question_chars=100), guard=Spy()
    )
    text, notices, _ = answerer.clean("review conference timescale " + "_._._. " * 5000)
    assert seen == [len(text)] and len(text) <= 100 and notices


# --- issue 11: coverage of the ways staff write identifying details -------------------------


@pytest.mark.parametrize(
    ("question", "gone"),
    [
        ("Harvey Lomax 03/11/2013 - can he stay with his nan", ["Harvey", "Lomax", "03/11/2013"]),
        ("her brother was born in June 2017, can he come", ["June 2017"]),
        ("dob is the 2nd of October 2014 if that matters", ["2nd of October 2014"]),
        ("sixteenth of August 2012 is when she was born", ["sixteenth of August 2012"]),
        ("olivia-grace pemberton (7) at brookfield primary", ["olivia", "pemberton", "brookfield"]),
        ("MOLLY HENDERSON WAS MISSING AGAIN LAST NIGHT", ["MOLLY", "HENDERSON"]),
        ("Zoë Kowalczyk-Brown says she will not go home", ["Zoë", "Kowalczyk-Brown"]),
        ("his sister Maddison and brother Kai are placed apart", ["Maddison", "Kai"]),
        ("the family live at 7 Rowan Crescent now", ["7 Rowan Crescent"]),
        ("moved to flat 12, 40 Quarry Street last week", ["flat 12, 40 Quarry Street"]),
        ("nhs 412.345.6781 on the form", ["412.345.6781"]),  # check digit wrong
        ("nhs 4123456781 on the form", ["4123456781"]),
        ("her gran is on (0161) 496 0123", ["(0161) 496 0123"]),
        ("dad rang from 0044 7700 900 111", ["7700 900 111"]),
        ("her insta is jaz_xo_2010 and older lads message her", ["jaz_xo_2010"]),
        ("follow @jaz.xo.2010 on tiktok", ["@jaz.xo.2010"]),
        ("Ms Fenwick the childminder rang", ["Fenwick"]),
        ("child is 4471902 on the system", ["4471902"]),
        ("uncle is called Jordan Pryor, can he have contact", ["Jordan", "Pryor"]),
        ("the head at St Aidan's C of E says she is scared", ["St Aidan's"]),
    ],
)
def test_identifying_details_written_in_many_ways_are_removed(
    question: str, gone: list[str]
) -> None:
    redacted = GUARD.redact(question).text
    for part in gone:
        assert part.lower() not in redacted.lower(), redacted


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("Will the IRO need to know about the move", "Will the IRO"),
        ("May I share the plan with the school", "May I share"),
        ("how do i mark the referral as closed", "mark the referral"),
        ("is there a grace period for late reviews", "grace period"),
        ("Faith groups want safeguarding training", "Faith groups"),
        ("i hope this is ok, can dad attend", "hope this"),
        ("no joy with CAMHS again", "no joy"),
        ("can parents sue us over a s20", "sue"),
        ("how to have a frank talk with mum", "frank talk"),
        ("what changed in April 2024 for kinship carers", "April 2024"),
        ("what is Clare's Law", "Clare's Law"),
        ("does the virtual school head sign the PEP", "virtual school head"),
        ("what does the Munro review say about forms", "Munro review"),
        ("can a child aged 8 give evidence", "child aged 8"),
        ("can mum sue the council", "mum sue the council"),
        ("record what the child said and did", "child said and did"),
        ("see Core Groups and Child Protection Plans", "Child Protection Plans"),
        ("as the IRO Handbook (2010) says", "IRO Handbook (2010)"),
        ("whats the max caseload for an iro", "max caseload"),
        ("core group cancelled cos school cant make it", "cos school"),
        ("a high-quality assessment", "high-quality"),
        ("is 16 and close to 17 a care leaver", "16 and close to 17"),
    ],
)
def test_everyday_words_that_are_also_names_are_kept(question: str, kept: str) -> None:
    assert kept in GUARD.redact(question).text


def test_the_name_lists_load_when_the_guard_is_made() -> None:
    # The runtime makes its guard at start-up: no answering thread imports faker's modules.
    from bot.answering.name_words import lexicon

    lexicon.cache_clear()
    PersonalDataGuard()
    assert lexicon.cache_info().currsize == 1


# --- issue 18: shapes the first rules missed, each removed with no part left behind ---------

# The guard as the runtime makes it: no reference pattern configured, the glossary's words.
PLAIN = PersonalDataGuard(glossary_words={"tac", "cic", "slcn"})


def _assert_gone(question: str, gone: list[str], kind: str) -> str:
    redaction = PLAIN.redact(question)
    for part in gone:
        assert part.lower() not in redaction.text.lower(), redaction.text
    assert kind in redaction.found, redaction
    return redaction.text


@pytest.mark.parametrize(
    ("question", "gone"),
    [
        ("JT (age 7) told her teacher dad hit her, is that a s47", ["JT"]),
        ("is MB aged 11 too young to be interviewed on her own", ["MB"]),
        ("R.K. (9) has disclosed at school, who leads the strat", ["R.K"]),
        ("DLW, 14, keeps going missing from placement", ["DLW"]),
        ("ok to share with the GP? AS 10yo", [" AS "]),
        ("PW is 9 and has disclosed at school", ["PW"]),
        ("TH 9yrs is refusing to go home", ["TH"]),
    ],
)
def test_initials_beside_an_age_are_removed(question: str, gone: list[str]) -> None:
    _assert_gone(question, gone, "initials")


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("can a YP aged 17 stay on a CP plan past 18", "YP aged 17"),
        ("SGO (age 4) - do the carers get an allowance", "SGO (age 4)"),
        ("the TAC (6 weeks) review is overdue", "TAC (6 weeks)"),
        ("a LAC aged 15 wants to see her file", "LAC aged 15"),
        ("a child with ASD aged 7 is refusing school", "ASD aged 7"),
        ("the QRT is 2 weeks late with the report", "QRT is 2 weeks"),
    ],
)
def test_acronyms_beside_an_age_are_kept(question: str, kept: str) -> None:
    assert kept in PLAIN.redact(question).text


@pytest.mark.parametrize(
    ("question", "gone"),
    [
        ("case CP/2023/1182 has been reallocated, do I need a new assessment", ["CP/2023/1182"]),
        ("Mosaic id 773104 wont let me upload the plan", ["773104"]),
        ("LCS 45233 - the closing summary wont save", ["45233"]),
        ("ref 2023/40871 - IRO has raised an escalation", ["2023/40871"]),
        ("EHM ref EH-55120 was closed in error", ["EH-55120"]),
        ("file no. 88213 is the older sibling", ["88213"]),
        ("SC-23-004512 needs a transfer in conference", ["SC-23-004512"]),
        ("the referral went on as QF88214 by mistake", ["QF88214"]),
    ],
)
def test_case_references_are_removed_with_no_pattern_configured(
    question: str, gone: list[str]
) -> None:
    text = _assert_gone(question, gone, "case reference")
    for part in re.split(r"[/-]", gone[0]):
        if any(c.isdigit() for c in part):
            assert part not in text, text  # no "CP/[reference]/1182"


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("what changed in Working Together 2023 about case transfers", "Working Together 2023"),
        ("the Children Act 1989 guidance, SI 2010/959", "SI 2010/959"),
        ("what were our 2023-24 figures for repeat plans", "2023-24"),
        ("is the 16-19 bursary counted as income", "16-19"),
        ("s.31(2)(a) threshold for case 3 of the audit", "s.31(2)(a)"),
        ("visits between 10:30-11:30 only", "10:30-11:30"),
        ("the LCS 2024 upgrade moved the forms", "LCS 2024"),
        ("Re B-S [2013] EWCA Civ 1146 on adoption", "[2013] EWCA Civ 1146"),
    ],
)
def test_numbers_that_are_not_case_references_are_kept(question: str, kept: str) -> None:
    assert kept in PLAIN.redact(question).text


@pytest.mark.parametrize(
    ("question", "gone"),
    [
        ("the Nowakowski family have refused entry again", ["Nowakowski"]),
        ("can we close the Abernethy-Cole family to CIN", ["Abernethy-Cole"]),
        ("how many visits for the O'Rourke household", ["O'Rourke"]),
    ],
)
def test_a_surname_before_family_is_removed(question: str, gone: list[str]) -> None:
    _assert_gone(question, gone, "name")


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("the foster family want to adopt", "foster family"),
        ("does the Family Court need a viability", "Family Court"),
        ("the adoptive family have moved", "adoptive family"),
        ("the Troubled Families programme ended", "Troubled Families"),
        ("the Polish family need an interpreter", "Polish family"),
        ("the Sudanese family are NRPF", "Sudanese family"),
    ],
)
def test_words_before_family_that_are_not_surnames_are_kept(question: str, kept: str) -> None:
    assert kept in PLAIN.redact(question).text


@pytest.mark.parametrize(
    ("question", "gone"),
    [
        ('"Bubba" (6) keeps missing nursery, is that neglect', ["Bubba"]),
        ("‘Tink’ aged 4 was found wandering the street", ["Tink"]),
        ("'Little Man' (3) has a bruise on his cheek", ["Little Man"]),
    ],
)
def test_a_quoted_nickname_with_an_age_is_removed(question: str, gone: list[str]) -> None:
    _assert_gone(question, gone, "name")


@pytest.mark.parametrize(
    ("question", "gone"),
    [
        ("Sky 7 y/o has a burn on his arm", ["Sky"]),
        ("Rocky (6 y/o) keeps wetting the bed", ["Rocky"]),
        ("Storm 5 years old was left alone overnight", ["Storm"]),
        ("seen Wiktoria 9yo at home today", ["Wiktoria"]),
    ],
)
def test_a_name_before_an_age_in_years_old_is_removed(question: str, gone: list[str]) -> None:
    _assert_gone(question, gone, "name")


@pytest.mark.parametrize(
    ("question", "gone", "kind"),
    [
        (
            "born on the ninth of October twenty sixteen",
            ["ninth", "October", "sixteen"],
            "date of birth",
        ),
        (
            "dob twelfth of june two thousand and nine",
            ["twelfth", "june", "thousand"],
            "date of birth",
        ),
        ("third of may twenty twelve is her birthday", ["third", "may", "twelve"], "date"),
        ("seen on March fourth twenty twenty", ["March", "fourth", "twenty"], "date"),
        ("seen on June the ninth, twenty nineteen", ["June", "ninth", "nineteen"], "date"),
        ("born in April nineteen ninety nine", ["April", "ninety"], "date of birth"),
    ],
)
def test_dates_written_in_words_are_removed(question: str, gone: list[str], kind: str) -> None:
    _assert_gone(question, gone, kind)


@pytest.mark.parametrize(
    ("question", "gone"),
    [
        ("the family live on the Broadwater Estate, can I visit alone", ["Broadwater"]),
        ("they moved into Ravenscroft Court last month", ["Ravenscroft"]),
        ("mum is in flat 14 now, no answer at the door", ["flat 14"]),
        ("Lindley House flat 6B has no heating", ["Lindley", "6B"]),
        ("Block D, Marlowe Towers - the lift is broken", ["Block D", "Marlowe"]),
        ("youths hang around the kingsmead estate at night", ["kingsmead"]),
        ("mum lives at Oakfield flats now", ["Oakfield"]),
    ],
)
def test_estates_and_blocks_of_flats_are_removed(question: str, gone: list[str]) -> None:
    _assert_gone(question, gone, "address")


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("does the Family Court need a viability", "Family Court"),
        ("what does the High Court say about it", "High Court"),
        ("is the Court of Protection involved at 16", "Court of Protection"),
        ("the House of Lords ruled on it in 2008", "House of Lords"),
        ("moved into a flat 2 weeks ago, is it a s17", "flat 2 weeks"),
        ("can we use a block contract for placements", "block contract"),
        ("on the estate where she lives there is a gang", "on the estate"),
        ("the council estate is known for county lines", "council estate"),
        ("a referral to the Family Drug and Alcohol Court", "Family Drug and Alcohol Court"),
        ("Housing estate ASB - is it contextual harm", "Housing estate"),
    ],
)
def test_courts_and_ordinary_words_are_not_estates(question: str, kept: str) -> None:
    assert kept in PLAIN.redact(question).text


@pytest.mark.parametrize(
    ("question", "gone"),
    [
        ("spoke to grace Whitfield about the plan", ["grace", "Whitfield"]),
        ("met with jade Kowalczyk and her nan", ["jade", "Kowalczyk"]),
        ("her brother will Brady has been excluded too", ["will", "Brady"]),
    ],
)
def test_a_lower_case_first_name_before_a_capitalised_surname_is_removed(
    question: str, gone: list[str]
) -> None:
    text = PLAIN.redact(question).text
    for part in gone:
        assert not re.search(rf"\b{part}\b", text), text


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("i hope Leeds will take the transfer", "hope Leeds will"),
        ("when will Brady be moved to his new placement", "when will"),
    ],
)
def test_a_verb_before_a_capitalised_word_is_kept(question: str, kept: str) -> None:
    assert kept in PLAIN.redact(question).text


def test_the_word_dob_is_not_taken_for_a_name() -> None:
    assert (
        PLAIN.redact("her dob 03/04/2015 is on the form").text
        == "her dob [date of birth] is on the form"
    )


_ADVERSARIAL_ISSUE_18 = [
    "CR/" * 3, "1/", "a-1", "ref ", "id 1", "AB", " (age 9)", "'a", '"Aa" ', "twenty ",
    "fifth of ", "march ", "Aa ", "Estate ", "flat 1", "the Aa family ", "grace ", "1 y/o ",
]  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    unit=st.lists(st.sampled_from(_ADVERSARIAL_ISSUE_18), min_size=1, max_size=6),
    length=st.integers(20_000, 50_000),
)
def test_no_repeated_input_makes_the_new_rules_slow(unit: list[str], length: int) -> None:
    text = ("".join(unit) * (length // len("".join(unit)) + 1))[:length]
    assert _cpu_seconds(text) < CPU_BOUND

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.retrieval.glossary import Glossary, Term

GLOSSARY = Glossary(
    [
        Term(term="CP", means="child protection"),
        Term(term="LBP", means="letter before proceedings", also=("pre-proceedings letter",)),
        Term(term="s47", means="section 47 enquiry", also=("s.47", "section 47")),
    ]
)


def test_acronym_is_explained_inline_for_the_model_and_appended_for_bm25() -> None:
    expansion = GLOSSARY.expand("can a child have a second cp plan?")
    assert expansion.dense == "can a child have a second cp (child protection) plan?"
    assert expansion.lexical.endswith("child protection")
    assert expansion.matched == ("CP",)


def test_terms_match_whole_words_only() -> None:
    assert GLOSSARY.expand("is a cpp the same thing").matched == ()


def test_any_spelling_matches_including_hyphen_and_space_variants() -> None:
    assert GLOSSARY.expand("what goes in a pre proceedings letter").matched == ("LBP",)
    assert GLOSSARY.expand("timescale for s.47 enquiries").matched == ("s47",)


def test_a_meaning_already_in_the_question_is_not_repeated_inline() -> None:
    q = "child protection (CP) plans"
    assert GLOSSARY.expand(q).dense == q


def test_concepts_group_a_term_with_its_spellings_and_keep_other_words_alone() -> None:
    concepts = GLOSSARY.expand("LBP contents").concepts
    assert (None, ("contents",)) in concepts
    assert (
        "LBP",
        ("LBP", "LBP", "letter before proceedings", "pre-proceedings letter"),
    ) in concepts


def test_missing_glossary_file_means_no_expansion(tmp_path: Path) -> None:
    assert Glossary.load(tmp_path / "none.yaml").terms == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("terms: [unclosed", "not valid YAML"),
        ("words: []", "needs a top-level 'terms:' list"),
        ("terms:\n  - term: CP\n", "entry 1 .*means"),
        (
            "terms:\n  - term: CP\n    means: child protection\n    colour: red\n",
            "entry 1 .*colour",
        ),
    ],
)
def test_a_broken_glossary_is_refused_naming_the_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        Glossary.load(path)


def test_the_shipped_glossary_loads_and_covers_the_acronyms_staff_use() -> None:
    glossary = Glossary.load(Path(__file__).resolve().parents[2] / "knowledge" / "glossary.yaml")
    names = {t.term for t in glossary.terms}
    assert {
        "CP",
        "CPP",
        "CIN",
        "ICPC",
        "RCPC",
        "s47",
        "s17",
        "s20",
        "CLA",
        "IRO",
        "PLO",
        "LBP",
        "PPM",
        "FGC",
        "MST",
        "MASH",
    } <= names


def test_the_glossary_words_are_every_word_of_every_spelling_in_lower_case() -> None:
    assert {"cp", "lbp", "letter", "pre", "proceedings", "s", "section"} <= GLOSSARY.words
    assert "47" not in GLOSSARY.words  # digits are never typo-corrected anyway

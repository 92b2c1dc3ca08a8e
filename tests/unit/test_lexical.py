from bot.index.lexical import LexicalIndex

INDEX = LexicalIndex.build(
    [
        "The assessment is completed within 45 working days.",
        "An initial child protection conference is held within 15 working days.",
        "Notes on topic0 and topic1.",
    ]
)


def test_misspelt_words_are_corrected_to_the_corpus_own_words() -> None:
    assert (
        INDEX.fix_spelling("asessment timescale for a confrence")
        == "assessment timescale for a conference"
    )


def test_known_words_short_words_and_words_with_digits_are_left_alone() -> None:
    assert INDEX.fix_spelling("Working days for the ICPC") == "Working days for the ICPC"
    assert INDEX.fix_spelling("topic0 and topc") == "topic0 and topc"


def test_bm25_scores_every_chunk_and_unknown_words_score_nothing() -> None:
    scores = INDEX.scores(["assess", "day"])
    assert scores.shape == (3,) and scores[0] > scores[1] > 0 == scores[2]
    assert not INDEX.scores(["weather"]).any()
    assert INDEX.idf("weather") > INDEX.idf("day")


def test_words_the_glossary_knows_are_not_corrected_into_corpus_words() -> None:
    index = LexicalIndex.build(["Children who leave care to return home are supported."])
    assert index.fix_spelling("care leaver") == "care leave"
    assert index.fix_spelling("care leaver", keep={"leaver"}) == "care leaver"

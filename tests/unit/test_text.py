from bot.text import split_sentences, terms


def test_sentences_do_not_break_at_abbreviations() -> None:
    text = "Under s. 47 the duty applies, e.g. when harm is suspected. Then a conference is held."
    assert split_sentences(text) == [
        "Under s. 47 the duty applies, e.g. when harm is suspected.",
        "Then a conference is held.",
    ]


def test_sentences_split_before_numbers_and_quotes() -> None:
    assert split_sentences('It ends here. 26 weeks is the limit. "Quoted" too.') == [
        "It ends here.",
        "26 weeks is the limit.",
        '"Quoted" too.',
    ]


def test_terms_are_stemmed_content_words_without_possessives() -> None:
    assert terms("What's in the LBP's assessments?") == ["lbp", "assess"]
    assert terms("the of and") == []

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


def test_without_controls_drops_terminal_codes_and_keeps_lines_where_asked() -> None:
    from bot.text import without_controls

    hostile = "a\x1b[31mred\x07 \x9b2J\x00b\x7f\r\u202egnp.exe\u2066x\u2069 \u00e9\U0001f44d\u200d"
    assert without_controls(hostile) == "a[31mred 2Jbgnp.exex \u00e9\U0001f44d\u200d"
    assert without_controls("one\n\ttwo\r\n") == "one\n\ttwo\n"
    assert without_controls("one\n\ttwo\x0bthree", lines=False) == "one  twothree"

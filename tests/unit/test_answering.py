import datetime as dt

import pytest

from bot.cli.render_text import render_answer
from bot.errors import QuestionError
from bot.records import Kind
from bot.runtime import Runtime, start
from bot.settings import Settings
from tests.fakes.embedder import FakeEmbedder


def test_a_covered_question_is_answered_with_guidance_and_the_finding(runtime: Runtime) -> None:
    answer = runtime.current().answer("can a child have a second CP plan?")
    assert answer.answered
    kinds = [p.hit.chunk.kind for p in answer.passages]
    assert kinds[0] is Kind.GUIDANCE and Kind.FINDINGS in kinds
    assert [p.marker for p in answer.passages] == list(range(1, len(answer.passages) + 1))
    finding = next(p for p in answer.passages if p.hit.chunk.kind is Kind.FINDINGS)
    assert finding.hit.chunk.section == "Findings, para 1"
    assert "Nothing in national guidance prevents a child" in answer.text
    assert (
        'Inspectors found (Focused visit letter, 22 November 2018): "Inspectors also identified'
        "" in answer.text
    )
    assert answer.text.rstrip().endswith(f"[{finding.marker}]")


def test_the_lead_quotes_the_sentence_that_matches_not_the_first_one(runtime: Runtime) -> None:
    answer = runtime.current().answer("second plan confusion")
    finding = next(p for p in answer.passages if p.hit.chunk.kind is Kind.FINDINGS)
    assert finding.lead_sentence.startswith("Inspectors also identified")


def test_a_long_passage_is_quoted_around_its_best_sentence(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    filler = [
        f"Visits in week {n} were recorded on the day with the child's words." for n in range(12)
    ]
    filler.insert(6, "Chronologies must be updated after every significant event.")
    (settings.knowledge_dir / "guidance" / "long.md").write_text(
        "# Recording\n\n## Notes\n\n" + " ".join(filler), encoding="utf-8"
    )
    answer = (
        start(settings, embedder=fake_embedder, progress=False)
        .current()
        .answer("when must chronologies be updated")
    )
    passage = answer.passages[0]
    assert passage.lead_sentence == "Chronologies must be updated after every significant event."
    assert passage.quote.startswith("… ") and passage.quote.endswith(" …")
    assert passage.lead_sentence in passage.quote
    assert len(passage.quote.split()) <= 75


@pytest.mark.parametrize(
    "question",
    [
        "how do I claim mileage expenses",
        "what is the weather in Sheffield",
        "what is the LADO threshold",
    ],
)
def test_questions_the_sources_do_not_cover_are_not_answered(
    runtime: Runtime, question: str
) -> None:
    answer = runtime.current().answer(question)
    assert not answer.answered
    assert answer.passages == ()
    assert answer.text.startswith("Not found in the findings or guidance")
    assert "principal social worker" in answer.text


def test_the_place_the_findings_are_about_is_not_searched_for(runtime: Runtime) -> None:
    retrieval = runtime.current().retriever.retrieve("Sheffield's review conference timescale")
    assert "Sheffield" not in retrieval.expanded
    assert retrieval.hits[0].chunk.section == "Review conferences, para 1"


@pytest.mark.parametrize("question", ["", "   \n\t "])
def test_an_empty_question_is_refused_clearly(runtime: Runtime, question: str) -> None:
    with pytest.raises(QuestionError, match="The question is empty"):
        runtime.current().answer(question)


def test_a_long_question_is_cut_with_a_notice(runtime: Runtime) -> None:
    answer = runtime.current().answer("review conference timescale " + "word " * 1000)
    assert len(answer.question) <= runtime.settings.max_question_chars
    assert answer.notices == (
        "The question was longer than 2000 characters, so only the first 2000 were used.",
    )


def test_guidance_past_its_review_date_is_flagged(runtime: Runtime) -> None:
    answer = runtime.current().answer("what must a letter before proceedings contain?")
    citation = answer.to_json()["citations"][0]
    assert citation["source"] == "guidance/letters.md"
    assert citation["review_overdue"] is True
    assert "Due for review since 1 June 2025" in render_answer(answer, runtime.templates)


def test_the_json_contract(runtime: Runtime) -> None:
    data = runtime.current().answer("RCPC timescale").to_json()
    assert {"question", "answered", "answer", "citations"} <= set(data)
    assert data["answered"] is True
    first = data["citations"][0]
    assert {"title", "section", "text", "score", "kind", "source", "chunk_id"} <= set(first)
    assert first["section"] == "Review conferences, para 1"
    assert first["date"] == "2026-01-10"
    scores = [c["score"] for c in data["citations"]]
    assert scores == sorted(scores, reverse=True)


def test_rendering_labels_findings_and_guidance(runtime: Runtime) -> None:
    text = render_answer(runtime.current().answer("second cp plan"), runtime.templates)
    assert "Inspection finding · letter of 22 November 2018" in text
    assert "Guidance · reviewed 10 January 2026 · review due 10 January 2027" in text
    assert "findings/letter.md" in text


def test_today_is_injectable_for_review_dates(runtime: Runtime) -> None:
    runtime.current()._today = lambda: dt.date(2025, 1, 1)
    data = runtime.current().answer("what must a letter before proceedings contain?").to_json()
    assert data["citations"][0]["review_overdue"] is False


def _knowledge_with(settings: Settings, guidance: str, glossary: str) -> None:
    (settings.knowledge_dir / "guidance" / "extra.md").write_text(guidance, encoding="utf-8")
    with (settings.knowledge_dir / "glossary.yaml").open("a", encoding="utf-8") as fh:
        fh.write(glossary)


POLICE_TERM = """  - term: police protection
    means: police powers of protection
    also: [s46, s.46, section 46]
"""


def test_a_glossary_term_whose_words_only_appear_apart_counts_as_not_covered(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    _knowledge_with(
        settings,
        "# Strategy\n\n## Who attends\n\nThe police attend every strategy discussion about "
        "protection of a child, and section 47 enquiries last 15 working days.\n",
        POLICE_TERM,
    )
    runtime = start(settings, embedder=fake_embedder, progress=False)
    retriever = runtime.current().retriever
    assert not retriever.mentions(("polic", "protect"))  # both words, never side by side
    assert not retriever.mentions(("46",)) and not retriever.mentions(("15",))  # bare numbers
    answer = runtime.current().answer("how long does police protection last")
    assert not answer.answered and answer.passages == ()


def test_a_glossary_term_the_sources_mention_is_answered(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    _knowledge_with(
        settings,
        "# Police protection\n\n## How long it lasts\n\nPolice protection lasts no longer "
        "than 72 hours, and the police tell the local authority at once.\n",
        POLICE_TERM,
    )
    runtime = start(settings, embedder=fake_embedder, progress=False)
    assert runtime.current().retriever.mentions(("polic", "protect"))
    answer = runtime.current().answer("how long does police protection last")
    assert answer.answered
    assert answer.passages[0].hit.chunk.title == "Police protection"


def test_a_question_about_now_is_not_answered_from_a_dated_finding(runtime: Runtime) -> None:
    then = runtime.current().answer("is supervision regular for social workers")
    assert then.answered and then.passages[0].hit.chunk.kind is Kind.FINDINGS
    now = runtime.current().answer("is supervision regular for social workers now")
    assert not now.answered and now.passages == ()
    assert "inspection findings dated 22 November 2018" in now.text
    assert "not what is true now" in now.text


def test_a_question_about_now_led_by_guidance_is_still_answered(runtime: Runtime) -> None:
    answer = runtime.current().answer("when is the first review conference held now")
    assert answer.answered
    assert answer.passages[0].hit.chunk.section == "Review conferences, para 1"


def test_current_figures_are_never_guessed_from_documents(runtime: Runtime) -> None:
    question = "how many children are subject to a child protection plan a second time"
    assert runtime.current().answer(question).answered
    answer = runtime.current().answer(question + " right now")
    assert not answer.answered and answer.passages == ()
    assert "hold no current figures" in answer.text
    # A number of days is a timescale, not a figure about the service.
    assert (
        runtime.current().answer("how many months until the first review conference now").answered
    )

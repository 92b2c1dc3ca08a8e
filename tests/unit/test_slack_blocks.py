import datetime as dt
import json

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bot.answering.templates import Templates
from bot.index.manifest import DocumentEntry
from bot.records import Answer, Chunk, Hit, Kind, Outcome, Passage
from bot.slack.blocks import (
    MAX_BLOCKS,
    MAX_SECTION_CHARS,
    answer_message,
    more_sources_message,
)
from bot.slack.home import home_view
from bot.slack.markup import escape, question_from_slack
from tests.fakes.knowledge import REPO

TEMPLATES = Templates.load(REPO / "prompts")


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


def _passage(
    n: int, text: str, *, kind: Kind = Kind.GUIDANCE, review_due: dt.date | None = None
) -> Passage:
    chunk = Chunk(
        f"id{n}",
        text,
        "guidance/x.md",
        "Title <b> & co",
        kind,
        ("Title", "Section"),
        "1",
        dt.date(2026, 1, 1),
        review_due,
    )
    return Passage(n, Hit(chunk, 1.0, 0.8, 2.0), text, text)


def _answer(*passages: Passage, text: str = "Lead [1]", answered: bool = True) -> Answer:
    return Answer(
        question="question?",
        outcome=Outcome.ANSWERED if answered else Outcome.NOT_FOUND,
        text=text,
        passages=passages,
        today=dt.date(2026, 11, 26),
    )


def test_question_markup_is_stripped_before_retrieval() -> None:
    assert (
        question_from_slack("<@U123> can a child have a <#C1|cp-team> plan?")
        == "can a child have a #cp-team plan?"
    )
    assert (
        question_from_slack("<!channel> see <https://x.test/a|the PLO page> &amp; <https://y.test>")
        == "see the PLO page & https://y.test"
    )
    assert question_from_slack("<@U123>") == ""


def test_document_text_is_escaped_not_executed() -> None:
    passage = _passage(1, "Say <!channel> & <@U1> to <https://evil.test|click>")
    _, blocks = answer_message(_answer(passage), TEMPLATES, answer_id="a1")
    dumped = _dump(blocks)
    assert "<!channel>" not in dumped and "<@U1>" not in dumped
    assert "&lt;!channel&gt; &amp; &lt;@U1&gt;" in dumped
    assert "*[1] Title &lt;b&gt; &amp; co*" in dumped


def test_findings_and_guidance_get_their_badges_and_overdue_reviews_a_warning() -> None:
    finding = _passage(1, "Inspectors saw drift.", kind=Kind.FINDINGS)
    overdue = _passage(2, "Old guidance.", review_due=dt.date(2025, 6, 1))
    _, blocks = answer_message(_answer(finding, overdue), TEMPLATES, answer_id="a1")
    _, more = more_sources_message(_answer(finding, overdue), TEMPLATES)
    dumped = _dump(blocks) + _dump(more)  # the second passage is behind "1 more source"
    assert "*Inspection finding* · letter of 1 January 2026" in dumped
    assert (
        "*Guidance* · reviewed 1 January 2026 · :warning: Due for review since 1 June 2025"
        in dumped
    )


def _buttons(blocks: list[dict]) -> dict[str, str]:
    return {
        e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]
    }


def _feedback(blocks: list[dict]) -> dict:
    (block,) = [b for b in blocks if b["type"] == "context_actions"]
    (element,) = block["elements"]
    return element


def test_an_abstention_has_feedback_but_no_more_sources_or_share() -> None:
    _, blocks = answer_message(
        _answer(text="Not found.", answered=False), TEMPLATES, answer_id="a1", share=True
    )
    assert _buttons(blocks) == {}
    assert _feedback(blocks)["type"] == "feedback_buttons"


def test_buttons_carry_only_the_answer_id_never_the_question() -> None:
    # A shared answer's buttons travel with the message in the channel: the question (which
    # may hold details the personal-data guard missed) is looked up by id, never carried.
    passages = [_passage(n, "x") for n in (1, 2, 3)]
    _, blocks = answer_message(_answer(*passages), TEMPLATES, answer_id="a1", share=True)
    assert _buttons(blocks) == {"more_sources": "a1", "share_answer": "a1"}
    feedback = _feedback(blocks)
    assert feedback["action_id"] == "answer_feedback"
    assert feedback["positive_button"]["value"] == "helpful:a1"
    assert feedback["negative_button"]["value"] == "unhelpful:a1"


def test_an_answer_shows_the_lead_and_best_quote_the_rest_behind_more_sources() -> None:
    passages = [_passage(n, f"Quote number {n}.") for n in (1, 2, 3)]
    _, blocks = answer_message(_answer(*passages), TEMPLATES, answer_id="a1")
    dumped = _dump(blocks)
    assert "Quote number 1." in dumped
    assert "Quote number 2." not in dumped and "Quote number 3." not in dumped
    more = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [e["text"]["text"] for e in more] == ["2 more sources"]
    assert [b["type"] for b in blocks] == [
        "section",  # the lead
        "section",  # the best quote
        "context",  # its source, date and link
        "actions",  # 2 more sources
        "context_actions",  # helpful / not helpful
        "context",  # Answer id
    ]
    assert blocks[-1]["elements"][0]["text"] == "Answer id: `a1`"
    text, extra = more_sources_message(_answer(*passages), TEMPLATES)
    assert text == "2 more sources"
    assert "Quote number 2." in _dump(extra) and "Quote number 1." not in _dump(extra)


def test_one_further_source_is_one_more_source() -> None:
    passages = [_passage(n, "x") for n in (1, 2)]
    _, blocks = answer_message(_answer(*passages), TEMPLATES, answer_id="a1")
    (more,) = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert more["text"]["text"] == "1 more source"
    assert more_sources_message(_answer(*passages), TEMPLATES)[0] == "1 more source"


def test_a_related_answer_is_never_offered_for_sharing() -> None:
    related = Answer(
        question="q",
        outcome=Outcome.RELATED,
        text="Related.",
        passages=(_passage(1, "x"), _passage(2, "y")),
    )
    _, blocks = answer_message(related, TEMPLATES, answer_id="a1", share=True)
    assert _buttons(blocks) == {"more_sources": "a1"}


def test_home_view_lists_documents_and_flags_overdue_reviews() -> None:
    docs = [
        DocumentEntry(
            source="a.md",
            sha256="0",
            title="Plans & conferences",
            kind="guidance",
            date=dt.date(2026, 1, 1),
            review_due=dt.date(2026, 2, 1),
            chunks=3,
        )
    ]
    view = home_view(
        docs, TEMPLATES, {"For managers": ["what makes a good audit?"]}, today=dt.date(2026, 11, 26)
    )
    dumped = _dump(view)
    assert "Plans &amp; conferences" in dumped and "Due for review since 1 February 2026" in dumped
    assert "what makes a good audit?" in dumped
    assert "*Prepare for supervision*" in dumped
    for topic in ("supervision", "pre-proceedings", "strategy discussions"):
        assert f"`/brief {topic}`" in dumped


def _within_limits(blocks: list[dict]) -> None:
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= MAX_SECTION_CHARS
        for element in block.get("elements", []):
            assert (
                len(element.get("text", "") if isinstance(element.get("text"), str) else "")
                <= MAX_SECTION_CHARS
            )
            assert len(element.get("value", "")) <= 2000


@hsettings(max_examples=60, deadline=None)
@given(st.text(max_size=6000), st.integers(min_value=0, max_value=60))
def test_any_text_renders_within_block_kit_limits_and_never_pings(text: str, n: int) -> None:
    passages = [_passage(i + 1, text) for i in range(n)]
    fallback, blocks = answer_message(
        _answer(*passages, text=text), TEMPLATES, answer_id="a1", share=True
    )
    _within_limits(blocks)
    # the buttons, the feedback and the id survive any cut
    assert [b["type"] for b in blocks[-2:]] == ["context_actions", "context"]
    assert blocks[-1]["elements"][0]["text"] == "Answer id: `a1`"
    for rendered in (fallback, json.dumps(blocks, ensure_ascii=False)):
        assert "<!channel>" not in rendered and "<!here>" not in rendered


@given(st.text(max_size=3000))
def test_escaping_leaves_no_raw_angle_brackets(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped


@hsettings(max_examples=40, deadline=None)
@given(st.text(max_size=5000), st.integers(min_value=0, max_value=12))
def test_rendered_blocks_are_accepted_by_slack_sdk_block_kit_models(text: str, n: int) -> None:
    from slack_sdk.models.blocks import Block

    passages = [_passage(i + 1, text) for i in range(n)]
    _, blocks = answer_message(_answer(*passages, text=text), TEMPLATES, answer_id="a1", share=True)
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.to_dict()  # runs slack_sdk's validators (lengths, counts); raises if broken


# No deadline: the guard's first redact in a process loads its word lists (about 0.3 s).
@hsettings(deadline=None)
@given(st.text(max_size=40_000))
def test_the_question_cleaner_accepts_anything(text: str) -> None:
    from bot.answering.personal_data import PersonalDataGuard

    cleaned = question_from_slack(text)  # mentions and pings removed, entities decoded
    assert isinstance(PersonalDataGuard().redact(cleaned).text, str)


def test_a_related_answer_labels_its_passages_and_links_to_the_document() -> None:
    import dataclasses

    passage = _passage(1, "Core groups meet.")
    chunk = dataclasses.replace(
        passage.hit.chunk, url="https://westmere.example/core|groups>x", status="starter"
    )
    hit = dataclasses.replace(passage.hit, chunk=chunk)
    related = Answer(
        question="q",
        outcome=Outcome.RELATED,
        text="Related.",
        passages=(dataclasses.replace(passage, hit=hit),),
    )
    _, blocks = answer_message(related, TEMPLATES, answer_id="a1")
    context = _dump([b for b in blocks if b["type"] == "context"])
    assert "Related, not an answer" in context
    assert "starter note" in context
    assert "<https://westmere.example/core%7Cgroups%3Ex|Open the document>" in context
    assert "guidance/x.md" not in context  # the link replaces the file path

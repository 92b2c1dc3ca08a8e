"""Three outcomes (issue 13): answered, related (the sources discuss the topic but do not
answer), not found; and a lead that answers."""

from __future__ import annotations

import json

from bot.answering.answerer import _lead, _lead_passages, _passage
from bot.answering.asks import Ask, asks, supplies
from bot.answering.policy import AnswerPolicy
from bot.cli.render_text import render_answer
from bot.records import Chunk, Concept, Hit, Kind, Outcome, Retrieval
from bot.runtime import Runtime, start
from bot.settings import Settings
from tests.fakes.embedder import FakeEmbedder


def _hit(text: str, similarity: float, kind: Kind = Kind.GUIDANCE, cid: str = "c") -> Hit:
    chunk = Chunk(cid, text, "guidance/x.md", "X", kind, ("X", "Core groups"), "1", None, None)
    return Hit(chunk=chunk, score=similarity, similarity=similarity, lexical=0.0)


def _retrieval(similarity: float, coverage: float, *, unmentioned: bool = False) -> Retrieval:
    concepts = (Concept((("lado",),), 3.0, "LADO", in_corpus=False),) if unmentioned else ()
    return Retrieval("q", "q", (_hit("Text.", similarity),), concepts, coverage, similarity)


def test_the_decision_has_three_outcomes() -> None:
    policy = AnswerPolicy()  # strong 0.65, fair 0.42 with coverage 0.15, related 0.40

    def outcome(retrieval: Retrieval) -> Outcome:
        return policy.decide("q", retrieval).outcome

    assert outcome(_retrieval(0.70, 0.0)) is Outcome.ANSWERED
    assert outcome(_retrieval(0.50, 0.30)) is Outcome.ANSWERED
    assert outcome(_retrieval(0.50, 0.05)) is Outcome.RELATED
    assert outcome(_retrieval(0.41, 0.90)) is Outcome.RELATED
    assert outcome(_retrieval(0.30, 0.90)) is Outcome.NOT_FOUND
    assert outcome(Retrieval("q", "q", (), (), 0.0, 0.0)) is Outcome.NOT_FOUND


def test_a_named_uncovered_topic_is_not_found_unless_the_safety_net_is_off() -> None:
    named = _retrieval(0.9, 1.0, unmentioned=True)
    assert AnswerPolicy().decide("q", named).outcome is Outcome.NOT_FOUND
    off = AnswerPolicy(refuse_unmentioned=False)
    assert off.decide("q", named).outcome is Outcome.ANSWERED


def test_a_related_outcome_shows_two_passages_labelled_and_is_not_answered(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    # Every passage is "related" here: nothing is similar enough to answer.
    tuned = settings.model_copy(
        update={"strong_similarity": 0.99, "min_similarity": 0.99, "related_similarity": 0.01}
    )
    runtime = start(tuned, embedder=fake_embedder, progress=False)
    answer = runtime.current().answer("review conferences held within three months")
    assert (answer.outcome, answer.answered) == (Outcome.RELATED, False)
    assert 1 <= len(answer.passages) <= 2
    assert "do not answer it" in answer.text
    data = json.loads(json.dumps(answer.to_json()))
    assert (data["answered"], data["outcome"]) == (False, "related")
    assert "RELATED, NOT AN ANSWER" in render_answer(answer, runtime.templates)


def test_not_found_json_says_so(runtime: Runtime) -> None:
    data = runtime.current().answer("what is the weather on mars").to_json()
    assert (data["answered"], data["outcome"], data["citations"]) == (False, "not_found", [])


def test_guidance_leads_and_a_finding_follows_whichever_ranked_first() -> None:
    concepts = (Concept((("plan",),), 1.0),)
    finding = _passage(1, _hit("A plan was late.", 0.8, Kind.FINDINGS, "f"), concepts, Ask.OTHER)
    rule = _passage(2, _hit("A plan is reviewed.", 0.6, Kind.GUIDANCE, "g"), concepts, Ask.OTHER)
    assert [p.hit.chunk.kind for p in _lead_passages([finding, rule], concepts, Ask.OTHER)] == [
        Kind.GUIDANCE,
        Kind.FINDINGS,
    ]


def test_a_guidance_lead_is_never_a_reported_belief_or_leaning_on_the_sentence_before() -> None:
    concepts = (Concept((("second",),), 1.0), Concept((("plan",),), 1.0))
    text = (
        "Some workers thought a child could not have a second plan. "
        "That belief is wrong: a second plan is allowed. "
        "Nothing prevents a second plan for a child."
    )
    passage = _passage(1, _hit(text, 0.7), concepts, asks("can a child have a second plan"))
    assert passage.lead_sentence == "Nothing prevents a second plan for a child."


def test_a_lead_that_leans_on_the_sentence_before_takes_it_along() -> None:
    parts = [
        "The team meets weekly.",
        "A letter before proceedings goes to both parents.",
        "It must set out the concerns in plain words.",
    ]
    assert _lead(parts, 2, Kind.GUIDANCE) == " ".join(parts[1:])
    assert _lead(parts, 1, Kind.GUIDANCE) == parts[1]  # stands alone: nothing taken along
    too_long = ["The letter goes " + "very " * 60 + "quickly.", parts[2]]
    assert _lead(too_long, 1, Kind.GUIDANCE) == parts[2]


def test_a_lead_judging_a_reported_belief_leads_with_what_it_says_not_the_belief() -> None:
    concepts = (Concept((("second",),), 1.0), Concept((("plan",),), 1.0))
    text = (
        "Some workers thought a child could not have a second plan. "
        "That belief is wrong: a second plan is allowed for the DfE."
    )
    passage = _passage(1, _hit(text, 0.7), concepts, asks("can a child have a second plan"))
    assert passage.lead_sentence == "A second plan is allowed for the DfE."


def test_a_finding_that_reports_a_belief_is_still_its_own_lead() -> None:
    concepts = (Concept((("second",),), 1.0), Concept((("plan",),), 1.0))
    text = "Visits were timely. Some social workers thought there could be no second plan."
    passage = _passage(1, _hit(text, 0.7, Kind.FINDINGS), concepts, Ask.OTHER)
    assert passage.lead_sentence == "Some social workers thought there could be no second plan."


def test_the_lead_prefers_the_sentence_that_states_what_was_asked() -> None:
    concepts = (Concept((("core",), ("group",)), 1.0),)
    text = "The core group carries out the plan. The core group meets every 6 weeks."
    passage = _passage(1, _hit(text, 0.7), concepts, asks("how often does the core group meet"))
    assert passage.lead_sentence == "The core group meets every 6 weeks."


def test_what_a_question_asks_for_and_what_a_sentence_supplies() -> None:
    assert asks("how often do CG meetings happen") is Ask.FREQUENCY
    assert asks("whats the timescale for an icpc") is Ask.TIMESCALE
    assert asks("who takes the minutes at a core group") is Ask.ROLE
    assert asks("wot goes in an LBP") is Ask.CONTENTS
    assert asks("can a kid go on a 2nd CP plan") is Ask.PERMISSION
    assert asks("tell me about core groups") is Ask.OTHER
    assert supplies(Ask.FREQUENCY, "Core groups meet at least every 6 weeks.")
    assert not supplies(Ask.FREQUENCY, "The core group carries out the plan.")
    assert supplies(Ask.TIMESCALE, "It is held within 15 working days.")

"""A few end-to-end checks with the real all-MiniLM-L6-v2 model (bundled; loads in seconds)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.devtools.evaluation import DEFAULT_SET, load_cases, run_eval
from bot.records import Kind
from bot.runtime import Runtime
from tests.fakes.cli import run_cli

REPO = Path(__file__).resolve().parents[2]

# Floors a little under the figures measured when the abstention rule was tuned (README);
# a change that makes retrieval or abstention worse fails here.
FLOORS = {
    "hit@1": 0.72,
    "hit@3": 0.85,
    "mrr": 0.83,
    "in_scope_answered": 0.94,
    "general_out_of_scope_abstained": 1.0,
    "near_domain_abstained": 1.0,
}
# The held-out set was written apart from the tuning set and the code (docs/RETRIEVAL.md says
# what was changed after its first run); floors a little under its figures.
HOLDOUT = REPO / "tests/eval/holdout.yaml"
HOLDOUT_FLOORS = {
    "hit@1": 0.74,
    "hit@3": 0.82,
    "in_scope_answered": 0.92,
    "general_out_of_scope_abstained": 1.0,
    "near_domain_abstained": 0.9,
}


# The held-out set as served by default, with the shipped reader (measured 2026-12-02: hit@1
# 0.58, hit@3 0.64, answered 0.82, familiar not answered 1.0; on the tuning set 0.585, 0.681,
# 0.80, 0.93). Floors a little under: a change that makes the reader's answers worse fails.
READER_HOLDOUT_FLOORS = {
    "hit@1": 0.54,
    "hit@3": 0.60,
    "in_scope_answered": 0.78,
    "general_out_of_scope_abstained": 1.0,
    "familiar_not_answered": 0.9,
}
FAMILIAR = REPO / "tests/eval/starter_familiar.yaml"


def test_the_reader_meets_its_held_out_floors(real_reader: Runtime) -> None:
    summary = run_eval(real_reader.current(), load_cases(HOLDOUT)).summary()
    below = {
        k: round(summary[k], 3) for k, floor in READER_HOLDOUT_FLOORS.items() if summary[k] < floor
    }
    assert not below, f"below the floor: {below}"


def test_the_reader_declines_what_the_starter_does_not_say(
    real: Runtime, real_reader: Runtime
) -> None:
    # Questions made of the starter's own words that it does not answer: the rule answers
    # most of them, the reader declines most (shown as related at most).
    cases = load_cases(FAMILIAR)
    rule = run_eval(real.current(), cases).summary()["familiar_not_answered"]
    read = run_eval(real_reader.current(), cases).summary()["familiar_not_answered"]
    assert read >= 0.6 and read > rule + 0.25, (rule, read)


def test_the_reader_leads_a_second_plan_with_the_rule_not_the_belief(
    real_reader: Runtime,
) -> None:
    answer = real_reader.current().answer("can a kid go on a 2nd CP plan")
    assert answer.answered
    lead = answer.text.splitlines()[0]
    assert "believed" not in lead and "repeat plan" in lead, lead


def test_second_plan_question_cites_the_guidance_and_the_finding(real: Runtime) -> None:
    answer = real.current().answer("can a child have a second CP plan?")
    assert answer.answered
    cited = {(p.hit.chunk.kind, p.hit.chunk.section) for p in answer.passages}
    assert (Kind.FINDINGS, "Findings, para 4") in cited
    assert any(k is Kind.GUIDANCE and s.startswith("Second or subsequent plans") for k, s in cited)
    assert "Inspectors found" in answer.text


def test_the_evaluation_set_meets_its_floors(real: Runtime) -> None:
    cases = load_cases(REPO / DEFAULT_SET)
    assert len(cases.in_scope) >= 60 and len(cases.out_of_scope) >= 15
    summary = run_eval(real.current(), cases).summary()
    below = {k: round(summary[k], 3) for k, floor in FLOORS.items() if summary[k] < floor}
    assert not below, f"below the floor: {below}"


def test_the_held_out_set_meets_its_floors(real: Runtime) -> None:
    cases = load_cases(HOLDOUT)
    assert len(cases.in_scope) >= 50 and len(cases.out_of_scope) >= 20
    summary = run_eval(real.current(), cases).summary()
    below = {k: round(summary[k], 3) for k, floor in HOLDOUT_FLOORS.items() if summary[k] < floor}
    assert not below, f"below the floor: {below}"


def test_cli_answers_stdin_line_by_line_as_json(real: Runtime) -> None:
    result = run_cli(
        "ask",
        "--json",
        stdin="what must a pre-proceedings letter contain?\nwho won the world cup in 2022\n",
        index_dir=str(real.settings.index_dir),
    )
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert (
        first["answered"]
        and first["citations"][0]["source"] == "guidance/pre-proceedings-and-the-plo.md"
    )
    assert first["citations"][0]["section"].startswith(
        "What a letter before proceedings must contain"
    )
    assert not second["answered"] and second["citations"] == []

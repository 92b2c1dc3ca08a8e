"""The manager's brief with the real model on the real knowledge base (issue 15's done-when)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.answering.brief import BRIEF_TOPICS, build_brief
from bot.runtime import Runtime
from tests.fakes.cli import run_cli

REPO = Path(__file__).resolve().parents[2]
LETTER = "findings/ofsted-focused-visit-2018-11-22.md"
SUPERVISION = "guidance/supervision-and-management-oversight.md"


def _one(items: list[dict[str, Any]], words: str) -> dict[str, Any]:
    [item] = [i for i in items if words in i["text"]]
    assert item["title"] and item["section"] and item["source"] and item["date"]
    return item


def test_cli_brief_supervision_lists_the_standard_the_finding_and_the_improvement(
    real: Runtime,
) -> None:
    result = run_cli("brief", "supervision", "--json", index_dir=str(real.settings.index_dir))
    assert result.returncode == 0, result.stderr
    brief = json.loads(result.stdout)
    assert brief["topic"] == "supervision"

    monthly = _one(brief["expectations"], "supervised according to their needs, and at least")
    assert monthly["source"] == SUPERVISION
    assert monthly["section"].startswith("How often social workers should be supervised")

    found = _one(brief["findings"], "Supervision is regular for most social workers")
    assert "does not always assist a shared understanding of the risks" in found["text"]
    assert (found["source"], found["section"], found["date"]) == (
        LETTER,
        "Findings, para 9",
        "2018-11-22",
    )

    improve = _one(brief["improvement_areas"], "supervision and management direction")
    assert improve["source"] == LETTER and improve["date"] == "2018-11-22"
    assert improve["section"].startswith("What needs to improve")


def test_every_offered_topic_has_a_brief_and_an_uncovered_one_has_none(real: Runtime) -> None:
    answerer = real.current()
    for topic in BRIEF_TOPICS:
        brief = build_brief(answerer, topic)
        assert brief.expectations, topic
        assert len(brief.expectations) <= 6 and len(brief.findings) <= 4, topic
        assert all(i.source.startswith("guidance/") for i in brief.expectations), topic
    for topic in ("fostering allowances", "LADO", "weather in Leeds"):
        assert build_brief(answerer, topic).empty, topic


def test_a_self_assessment_is_not_a_finding_on_assessments(real: Runtime) -> None:
    brief = build_brief(real.current(), "assessments")
    texts = [i.text for i in brief.findings]
    assert "Assessments are not always up to date." in texts
    assert not any("self-assessment" in t or t.startswith("The assessment reported") for t in texts)
    assert [i.section for i in brief.improvement_areas] == [
        "What needs to improve in this area of social work practice, para 1"
    ]

"""The manager's brief with the fake embedder: which sentences go where, and how it reads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from unittest.mock import MagicMock

import pytest

from bot.answering.brief import BRIEF_TOPICS, Brief, BriefItem, BriefPolicy, build_brief
from bot.cli.brief import render_brief
from bot.errors import QuestionError
from bot.runtime import Runtime
from bot.slack.blocks import MAX_BLOCKS, MAX_SECTION_CHARS
from bot.slack.brief_blocks import SHARE_BRIEF, brief_message
from bot.slack.listeners.brief import brief_command, share_brief_action
from bot.slack.wiring import slack_deps
from bot.stores.backends import open_stores

LETTER = """---
title: Focused visit letter
kind: findings
date: 2018-11-22
---

# Focused visit letter

Inspectors looked at supervision files among other things.

## What needs to improve in this area of social work practice

1. The quality of supervision and management direction in steering case progression.
2. The quality of audits so that they focus on outcomes for children.

## Findings

1. Managers produced a self-assessment in 2018. Assessments are not always up to date.
2. Management oversight is variable. Supervision is regular, but its recording is weak.
"""

SUPERVISION = """---
title: Supervision and management oversight
kind: guidance
last_reviewed: 2026-07-15
---

# Supervision and management oversight

## How often social workers should be supervised

Experienced social workers are supervised at least monthly. Supervision is reflective.

## What a supervision record shows

National guidance gives no fixed list of what a supervision record must contain.

## Supervision standards again

Experienced social workers are supervised at least monthly, too.

## What Ofsted found in 2018

Ofsted found that supervision was regular. Supervision should steer case progression.
"""

LATER = """---
title: Monitoring visit letter
kind: findings
date: 2024-03-14
---

# Monitoring visit letter

## Areas for improvement

- Case audits should be moderated so that grades match what auditors found.

## Findings

Case audits are now timely.
"""

ASSESSMENT = """---
title: Assessment
kind: guidance
last_reviewed: 2026-01-10
---

# Assessment

## Timescale for an assessment

An assessment is completed within 45 working days of the referral.
"""


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A letter with a list of what needs to improve, and two guidance notes."""
    folder = tmp_path / "knowledge"
    for name, text in {
        "findings/letter.md": LETTER,
        "guidance/supervision.md": SUPERVISION,
        "guidance/assessment.md": ASSESSMENT,
        "findings/later.md": LATER,
    }.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


# The fake embedder's similarities are coarser than the real model's.
LOOSE = BriefPolicy(min_similarity=0.15)


def test_supervision_brief_holds_the_standard_the_finding_and_the_improvement(
    runtime: Runtime,
) -> None:
    brief = build_brief(runtime.current(), "supervision", policy=LOOSE)
    # One of the two near-identical standards; "Supervision is reflective" sets none.
    [expected] = brief.expectations
    assert expected.text.startswith("Experienced social workers are supervised at least monthly")
    assert [i.text for i in brief.findings] == [
        "Supervision is regular, but its recording is weak."
    ]  # "Management oversight is variable" is in the same paragraph but not on supervision
    assert [i.text for i in brief.improvement_areas] == [
        "The quality of supervision and management direction in steering case progression."
    ]
    first = brief.improvement_areas[0]
    assert first.section.startswith("What needs to improve") and first.date == dt.date(2018, 11, 22)
    assert brief.expectations[0].source == "guidance/supervision.md"


def test_guidance_that_retells_findings_or_denies_a_standard_is_not_an_expectation(
    runtime: Runtime,
) -> None:
    texts = [
        i.text for i in build_brief(runtime.current(), "supervision", policy=LOOSE).expectations
    ]
    assert not any("no fixed list" in t for t in texts)
    assert not any("steer case progression" in t for t in texts)  # under "What Ofsted found"


def test_a_prefixed_word_is_not_the_topic(runtime: Runtime) -> None:
    brief = build_brief(runtime.current(), "assessments", policy=LOOSE)
    assert [i.text for i in brief.findings] == ["Assessments are not always up to date."]
    assert brief.expectations[0].text.startswith("An assessment is completed within 45 working")
    assert brief.improvement_areas == ()  # neither item names assessments


def test_any_heading_about_improving_holds_improvement_areas(runtime: Runtime) -> None:
    brief = build_brief(runtime.current(), "audits", policy=LOOSE)
    assert {(i.text, i.section.split(",")[0]) for i in brief.improvement_areas} == {
        (
            "The quality of audits so that they focus on outcomes for children.",
            "What needs to improve in this area of social work practice",
        ),
        (
            "Case audits should be moderated so that grades match what auditors found.",
            "Areas for improvement",
        ),
    }
    assert brief.groups()[1].heading == "What inspectors found (letter of 14 March 2024)"


def test_the_letter_preamble_is_not_a_finding(runtime: Runtime) -> None:
    brief = build_brief(runtime.current(), "supervision", policy=LOOSE)
    assert not any(i.section == "Introduction" for i in brief.findings)


def test_a_topic_the_sources_do_not_cover_gets_an_empty_brief(runtime: Runtime) -> None:
    brief = build_brief(runtime.current(), "fostering allowances", policy=LOOSE)
    assert brief.empty and brief.to_json()["findings"] == []


def test_an_empty_topic_is_refused_like_an_empty_question(runtime: Runtime) -> None:
    with pytest.raises(QuestionError):
        build_brief(runtime.current(), "   ")


def test_the_limits_cap_each_list(runtime: Runtime) -> None:
    tight = BriefPolicy(min_similarity=0.15, improvement_areas=0, findings=0)
    brief = build_brief(runtime.current(), "supervision", policy=tight)
    assert brief.expectations and not brief.findings and not brief.improvement_areas


def _item(
    text: str, date: dt.date | None = dt.date(2018, 11, 22), url: str | None = None
) -> BriefItem:
    return BriefItem(text, "Letter", "Findings, para 2", "findings/letter.md", date, url)


def test_groups_read_as_a_dated_checklist() -> None:
    brief = Brief("supervision", (_item("A must.", dt.date(2026, 7, 15)),), (_item("Found."),), ())
    expected, found, improve = brief.groups()
    assert expected.heading == "What is expected"
    assert found.heading == "What inspectors found (letter of 22 November 2018)"
    assert improve.heading == "What the service was told to improve" and not improve.items
    assert expected.dated(expected.items[0]) == "reviewed 15 July 2026"
    text = render_brief(brief)
    assert "Letter — Findings, para 2 · letter of 22 November 2018 · findings/letter.md" in text
    assert improve.none in text
    assert json.loads(json.dumps(brief.to_json()))["expectations"][0]["date"] == "2026-07-15"


def test_blocks_escape_and_stay_within_slack_limits() -> None:
    many = tuple(
        _item("<!channel> & " + "x" * 4000, url="https://a.example/?a=1&b=<2>") for _ in range(40)
    )
    brief = Brief("<@U1> & co", many, many, many)
    text, blocks = brief_message(brief, brief_id="f" * 32)
    assert len(blocks) <= MAX_BLOCKS and blocks[-1]["type"] == "actions"
    dumped = json.dumps(blocks)
    assert "<!channel>" not in dumped and "<@U1>" not in dumped and "&lt;@U1&gt;" in dumped
    assert all(
        len(b["text"]["text"]) <= MAX_SECTION_CHARS for b in blocks if b["type"] == "section"
    )
    assert "<https://a.example/?a=1&amp;b=%3C2%3E|Open the document>" in dumped
    assert "<@U1>" not in text


def test_the_share_button_carries_only_the_id() -> None:
    brief = Brief("supervision of the smith family", (_item("A must."),), (), ())
    _, blocks = brief_message(brief, brief_id="a" * 32)
    [button] = blocks[-1]["elements"]
    assert (button["action_id"], button["value"]) == (SHARE_BRIEF, "a" * 32)
    _, shared = brief_message(brief, brief_id=None, shared_by="Shared by <@U1>")
    assert shared[0]["type"] == "context" and all(b["type"] != "actions" for b in shared)


def test_the_listener_acks_first_and_answers_privately(runtime: Runtime) -> None:
    deps = slack_deps(runtime, open_stores(runtime.settings))
    order = MagicMock()
    brief_command(deps)(
        ack=order.ack, command={"text": "supervision", "user_id": "U1"}, respond=order.respond
    )
    assert [c[0] for c in order.mock_calls] == ["ack", "respond"]
    sent = order.respond.call_args.kwargs
    assert sent["response_type"] == "ephemeral"
    value = sent["blocks"][-1]["elements"][0]["value"]
    assert deps.memory.brief(value) is not None and "supervision" not in value

    respond = MagicMock()
    share_brief_action(deps)(
        ack=MagicMock(), action={"value": value}, body={"user": {"id": "U1"}}, respond=respond
    )
    shared, deleted = respond.call_args_list
    assert shared.kwargs["response_type"] == "in_channel" and deleted.kwargs == {
        "delete_original": True
    }


def test_the_listener_without_a_topic_lists_the_topics(runtime: Runtime) -> None:
    respond = MagicMock()
    brief_command(slack_deps(runtime, open_stores(runtime.settings)))(
        ack=MagicMock(), command={"text": " ", "user_id": "U1"}, respond=respond
    )
    assert BRIEF_TOPICS[0] in respond.call_args.kwargs["text"]


def test_a_forgotten_brief_cannot_be_shared(runtime: Runtime) -> None:
    respond = MagicMock()
    share_brief_action(slack_deps(runtime, open_stores(runtime.settings)))(
        ack=MagicMock(), action={"value": "0" * 32}, body={"user": {"id": "U1"}}, respond=respond
    )
    assert respond.call_args.kwargs["response_type"] == "ephemeral"
    assert "no longer to hand" in respond.call_args.kwargs["text"]


def test_cli_brief_json_lists_the_three_groups_with_citations(run) -> None:  # type: ignore[no-untyped-def]
    result = run("brief", "supervision", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["topic", "expectations", "findings", "improvement_areas", "privacy_note"]
    assert data["privacy_note"] is None
    for group in ("expectations", "findings", "improvement_areas"):
        assert data[group], group
        assert set(data[group][0]) == {"text", "title", "section", "source", "date", "url"}
    assert data["findings"][0]["date"] == "2018-11-22"


def test_cli_brief_text_has_three_headed_lists(run) -> None:  # type: ignore[no-untyped-def]
    text = run("brief", "supervision").stdout
    assert "\nWhat is expected\n" in text
    assert "\nWhat inspectors found (letter of 22 November 2018)\n" in text
    assert "\nWhat the service was told to improve\n" in text
    assert "  • Experienced social workers are supervised at least monthly" in text
    assert "    Supervision and management oversight — " in text


def test_cli_brief_tells_what_was_removed_from_the_topic(run) -> None:  # type: ignore[no-untyped-def]
    text = run("brief", "supervision", "for", "Jayden", "Smith").stdout
    assert text.startswith("Brief: supervision for [name]\nPrivacy: Your question seemed to")
    assert "Jayden" not in text


def test_cli_brief_of_an_unknown_topic_says_not_found(run) -> None:  # type: ignore[no-untyped-def]
    result = run("brief", "weather", "in", "Leeds")
    assert result.exit_code == 0 and result.stdout.startswith("Not found")
    assert run("brief").exit_code == 2

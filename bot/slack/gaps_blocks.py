"""The gaps digest and the owner's direct message as Block Kit: pure functions, text escaped.

A "Send to owner" button carries the topic's key and the digest's period, never a question:
the digest may be forwarded, and the listener builds the topic again from the usage store."""

from __future__ import annotations

import datetime as dt
import json

from bot.answering.gaps import GapReport, Topic
from bot.answering.present import format_date
from bot.answering.templates import Templates
from bot.slack.blocks import MAX_BLOCKS, Block, context, section
from bot.slack.markup import escape

SEND_TO_OWNER = "gaps_send_to_owner"
MAX_TOPICS = 20  # two blocks each, inside Slack's 50 with the header and the footer
OUTCOME_LABELS = {
    "not_found": "not found",
    "related": "related only",
    "answered": "answered, marked not helpful",
}


def period(since: dt.datetime, until: dt.datetime) -> str:
    """ "the 7 days to 2 December 2026"."""
    days = max(1, round((until - since).total_seconds() / 86400))
    span = "day" if days == 1 else f"{days} days"
    return f"the {span} to {format_date(until.date())}"


def digest_message(report: GapReport, templates: Templates) -> tuple[str, list[Block]]:
    """(fallback text, blocks): every topic with its count, owner and examples, most asked
    first; a "Send to owner" button where the owner has a Slack user."""
    text = templates.render(
        "gaps_digest",
        period=period(report.since, report.until),
        questions=report.questions,
        topics=len(report.topics),
    )
    blocks: list[Block] = [section(text)]
    if report.questions and not report.text_kept:
        blocks.append(context(escape(templates.render("gaps_no_text"))))
    for topic in report.topics[:MAX_TOPICS]:
        blocks += topic_blocks(topic, report)
    if len(report.topics) > MAX_TOPICS:
        more = len(report.topics) - MAX_TOPICS
        blocks.append(context(f"{more} more topics: run `practice-bot gaps` to see them all."))
    return text, blocks[:MAX_BLOCKS]


def topic_blocks(topic: Topic, report: GapReport) -> list[Block]:
    lines = [f"*{escape(topic.name)}*: {topic.count} {_questions(topic.count)}"]
    lines += [f"• {escape(example)}" for example in topic.examples]
    block = section("\n".join(lines))
    if topic.owner_user:
        block["accessory"] = {
            "type": "button",
            "action_id": SEND_TO_OWNER,
            "text": {"type": "plain_text", "text": "Send to owner"},
            "value": button_value(topic, report),
        }
    return [block, context(_details(topic))]


def owner_message(topic: Topic, report: GapReport, templates: Templates) -> tuple[str, list[Block]]:
    """The direct message to a topic's owner: the topic, the counts, the examples (which the
    caller has had the guard check again) and the reasons given."""
    text = templates.render(
        "gaps_owner",
        document=escape(topic.title),
        period=period(report.since, report.until),
        count=topic.count,
        topic=escape(topic.section),
    )
    blocks = [section(text)]
    if topic.examples:
        blocks.append(section("\n".join(f"• {escape(e)}" for e in topic.examples)))
    blocks.append(context(_details(topic, owner=False)))
    return text, blocks


def button_value(topic: Topic, report: GapReport) -> str:
    return json.dumps(
        {
            "topic": topic.key,
            "since": report.since.isoformat(timespec="seconds"),
            "until": report.until.isoformat(timespec="seconds"),
        }
    )


def read_button_value(value: str) -> tuple[str, dt.datetime, dt.datetime] | None:
    """(topic key, since, until) from a "Send to owner" value, or None if it is not one."""
    try:
        data = json.loads(value)
        since, until = (dt.datetime.fromisoformat(data[k]) for k in ("since", "until"))
        key = str(data["topic"])
    except (ValueError, TypeError, KeyError):
        return None
    if since.tzinfo is None or until.tzinfo is None or not key.isalnum():
        return None
    return key, since, until


def _details(topic: Topic, *, owner: bool = True) -> str:
    """One context line: outcomes, reasons, the document's path and (in the digest) its owner."""
    outcomes = ", ".join(f"{n} {OUTCOME_LABELS.get(o, o)}" for o, n in topic.outcomes.items())
    parts = [escape(outcomes)] + ([escape(topic.far)] if topic.far else [])
    if topic.reasons:
        reasons = ", ".join(f"{r} ({n})" for r, n in topic.reasons.items())
        parts.append(f"why not helpful: {escape(reasons)}")
    if topic.source:
        parts.append(f"`{escape(topic.source)}`")
    if owner:
        who = escape(topic.owner) if topic.owner else "no owner in front matter or the catalogue"
        parts.append(f"owner: {who}" + (f" (<@{topic.owner_user}>)" if topic.owner_user else ""))
    return " · ".join(parts)


def _questions(count: int) -> str:
    return "question" if count == 1 else "questions"

"""The App Home tab as Block Kit: how to ask, example questions, briefs to prepare for
supervision, and the documents the answers come from (a pure function, text escaped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from bot.answering.brief import BRIEF_TOPICS
from bot.answering.present import badge, format_date
from bot.answering.templates import Templates
from bot.index.manifest import DocumentEntry
from bot.slack.blocks import Block, pack_lines, section, within_limits
from bot.slack.markup import escape

HOME_LIMIT = 100  # Slack's block limit for a Home tab view


def home_view(
    documents: Sequence[DocumentEntry],
    templates: Templates,
    examples: dict[str, list[str]],
    *,
    today: dt.date,
    topics: Sequence[str] = BRIEF_TOPICS,
) -> dict[str, Any]:
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": "Practice questions, answered from the sources"},
        },
        section(escape(templates.render("help"))),
        section(templates.render("how_to_ask")),
    ]
    for audience, questions in examples.items():
        listed = "\n".join(f"• {escape(q)}" for q in questions)
        blocks.append(section(f"*{escape(audience)}*\n{listed}"))
    if topics:
        briefs = "\n".join(f"• `/brief {escape(topic)}`" for topic in topics)
        blocks.append(section(f"*Prepare for supervision*\n{briefs}"))
    blocks += [{"type": "divider"}, section("*Documents I answer from*")]
    blocks += [section(text) for text in pack_lines(_document_lines(documents, templates, today))]
    return {"type": "home", "blocks": within_limits(blocks, limit=HOME_LIMIT)}


def _document_lines(
    documents: Sequence[DocumentEntry], templates: Templates, today: dt.date
) -> list[str]:
    lines = []
    for doc in documents:
        line = f"• *{escape(doc.title)}* ({escape(badge(doc.kind, templates))}"
        line += f", {format_date(doc.date)})" if doc.date else ")"
        if doc.review_due and doc.review_due < today:
            overdue = templates.render("review_overdue", date=format_date(doc.review_due))
            line += f" :warning: {escape(overdue)}"
        lines.append(line)
    return lines

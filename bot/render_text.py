"""Rendering an Answer for a terminal: the lead, then each cited passage with its source."""

from __future__ import annotations

import textwrap

from bot.answering import format_date
from bot.records import Answer, Kind, Passage
from bot.templates import Templates

WIDTH = 88


def render_answer(answer: Answer, templates: Templates) -> str:
    lines = [f"> {answer.question}", ""]
    lines += [f"Note: {n}" for n in answer.notices]
    if answer.privacy_note:
        lines += [*textwrap.wrap(f"Privacy: {answer.privacy_note}", WIDTH), ""]
    for paragraph in answer.text.splitlines():
        lines += textwrap.wrap(paragraph, WIDTH) or [""]
    for passage in answer.passages:
        lines += ["", *render_citation(passage, answer, templates)]
    return "\n".join(lines) + "\n"


def render_citation(passage: Passage, answer: Answer, templates: Templates) -> list[str]:
    chunk = passage.hit.chunk
    badge = templates.render("badge_findings" if chunk.kind is Kind.FINDINGS else "badge_guidance")
    dated = []
    if chunk.kind is Kind.FINDINGS and chunk.date:
        dated.append(f"letter of {format_date(chunk.date)}")
    elif chunk.date:
        dated.append(f"reviewed {format_date(chunk.date)}")
    if chunk.review_due:
        dated.append(f"review due {format_date(chunk.review_due)}")
    head = f"[{passage.marker}] {chunk.title} — {chunk.section}"
    lines = textwrap.wrap(head, WIDTH, subsequent_indent="    ")
    lines.append(f"    {badge} · {' · '.join(dated)}" if dated else f"    {badge}")
    if chunk.review_due and answer.today and chunk.review_due < answer.today:
        lines.append(
            "    " + templates.render("review_overdue", date=format_date(chunk.review_due))
        )
    lines += textwrap.wrap(
        f"“{passage.quote}”", WIDTH, initial_indent="    ", subsequent_indent="    "
    )
    lines.append(f"    {chunk.source}")
    return lines

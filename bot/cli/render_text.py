"""Rendering an Answer for a terminal: the lead, then each cited passage with its source."""

from __future__ import annotations

import textwrap

from bot.answering.present import badge, dated, format_date, review_overdue
from bot.answering.templates import Templates
from bot.records import Answer, Outcome, Passage

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
    facts = [badge(chunk.kind, templates, chunk.status)]
    if answer.outcome is Outcome.RELATED:
        facts.insert(0, templates.render("badge_related").upper())
    if when := dated(chunk):
        facts.append(when)
    if chunk.review_due:
        facts.append(f"review due {format_date(chunk.review_due)}")
    head = f"[{passage.marker}] {chunk.title} — {chunk.section}"
    lines = textwrap.wrap(head, WIDTH, subsequent_indent="    ")
    lines.append("    " + " · ".join(facts))
    if chunk.review_due and review_overdue(chunk, answer.today):
        lines.append(
            "    " + templates.render("review_overdue", date=format_date(chunk.review_due))
        )
    lines += textwrap.wrap(
        f"“{passage.quote}”", WIDTH, initial_indent="    ", subsequent_indent="    "
    )
    lines.append(f"    {chunk.url or chunk.source}")
    return lines

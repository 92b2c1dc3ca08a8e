"""How a passage's facts read, shared by the terminal and Slack renderers: dates and badges."""

from __future__ import annotations

import datetime as dt

from bot.answering.templates import Templates
from bot.records import Chunk, Kind


def format_date(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def badge(kind: Kind | str, templates: Templates, status: str | None = None) -> str:
    """The source's badge as the templates word it ("Guidance", "Inspection finding"); a
    starter note (written by the project from national guidance, to be replaced) says so."""
    findings = kind is Kind.FINDINGS or kind == Kind.FINDINGS.value
    label = templates.render("badge_findings" if findings else "badge_guidance")
    if status == "starter":
        label += " · " + templates.render("badge_starter")
    return label


def dated(chunk: Chunk) -> str | None:
    """A finding's letter date or when guidance was last reviewed; None when undated."""
    if chunk.date is None:
        return None
    prefix = "letter of" if chunk.kind is Kind.FINDINGS else "reviewed"
    return f"{prefix} {format_date(chunk.date)}"


def review_overdue(chunk: Chunk, today: dt.date | None) -> bool:
    return bool(chunk.review_due and today and chunk.review_due < today)

"""Answers and the App Home as Block Kit: pure functions, inside Slack's limits, text escaped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from bot.answering.present import badge, dated, format_date, review_overdue
from bot.answering.templates import Templates
from bot.index.manifest import DocumentEntry
from bot.records import Answer, Passage
from bot.slack.markup import escape

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_FALLBACK_CHARS = 3000
MAX_BUTTON_VALUE = 2000

Block = dict[str, Any]

# action_ids the listeners register for
SHARE = "share_answer"
MORE = "more_sources"
HELPFUL = "feedback_helpful"
UNHELPFUL = "feedback_unhelpful"


def answer_message(
    answer: Answer,
    templates: Templates,
    *,
    answer_id: str,
    share: bool = False,
    more: bool = True,
) -> tuple[str, list[Block]]:
    """(fallback text, blocks) for an answer or an abstention."""
    blocks: list[Block] = [_context(escape(n)) for n in answer.notices]
    blocks.append(_section(escape(answer.text)))
    for passage in answer.passages:
        blocks += [{"type": "divider"}, *citation_blocks(passage, answer, templates)]
    buttons = []
    # Every button carries only the answer id: the listeners look the answer up by it. The
    # question never goes into a value, where it would travel with a shared message.
    if answer.answered and more:
        buttons.append(_button("More sources", MORE, answer_id))
    if share:
        buttons.append(_button("Share in channel", SHARE, answer_id, "primary"))
    buttons += [
        _button("Helpful", HELPFUL, answer_id),
        _button("Not helpful", UNHELPFUL, answer_id),
    ]
    blocks.append({"type": "actions", "block_id": f"answer:{answer_id}", "elements": buttons})
    return _fallback(answer), _within_limits(blocks)


def more_sources_message(
    answer: Answer, templates: Templates, *, skip: int
) -> tuple[str, list[Block]]:
    """The passages after the first `skip`, for the 'More sources' button."""
    extra = answer.passages[skip:]
    if not extra:
        return "No further sources.", [_section("No further passages match this question.")]
    blocks: list[Block] = []
    for passage in extra:
        blocks += [*citation_blocks(passage, answer, templates), {"type": "divider"}]
    return f"{len(extra)} more sources", _within_limits(blocks[:-1])


def citation_blocks(passage: Passage, answer: Answer, templates: Templates) -> list[Block]:
    chunk = passage.hit.chunk
    head = f"*[{passage.marker}] {escape(chunk.title)}* — {escape(chunk.section)}"
    quote = "\n".join(f">{line}" for line in escape(passage.quote).splitlines() or [""])
    facts = [f"*{escape(badge(chunk.kind, templates, chunk.status))}*"]
    if answer.related:
        facts.insert(0, f"*{escape(templates.render('badge_related'))}*")
    if when := dated(chunk):
        facts.append(when)
    if chunk.review_due:
        if review_overdue(chunk, answer.today):
            facts.append(
                ":warning: "
                + escape(templates.render("review_overdue", date=format_date(chunk.review_due)))
            )
        else:
            facts.append(f"review due {format_date(chunk.review_due)}")
    facts.append(_link(chunk.url) if chunk.url else f"`{escape(chunk.source)}`")
    return [_section(f"{head}\n{quote}"), _context(" · ".join(facts))]


def _link(url: str) -> str:
    """A source's web address as a Slack link; characters that would break the link markup
    are escaped (the address came from a document or the catalogue, not from Slack)."""
    safe = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{safe}|Open the document>"


def home_view(
    documents: Sequence[DocumentEntry],
    templates: Templates,
    examples: dict[str, list[str]],
    *,
    today: dt.date,
) -> dict[str, Any]:
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": "Practice questions, answered from the sources"},
        },
        _section(escape(templates.render("help"))),
        _section(templates.render("how_to_ask")),
    ]
    for audience, questions in examples.items():
        listed = "\n".join(f"• {escape(q)}" for q in questions)
        blocks.append(_section(f"*{escape(audience)}*\n{listed}"))
    blocks += [{"type": "divider"}, _section("*Documents I answer from*")]
    lines = []
    for doc in documents:
        line = f"• *{escape(doc.title)}* ({escape(badge(doc.kind, templates))}"
        line += f", {format_date(doc.date)})" if doc.date else ")"
        if doc.review_due and doc.review_due < today:
            overdue = templates.render("review_overdue", date=format_date(doc.review_due))
            line += f" :warning: {escape(overdue)}"
        lines.append(line)
    blocks += [_section(text) for text in _pack(lines)]
    return {"type": "home", "blocks": _within_limits(blocks, limit=100)}


def _fallback(answer: Answer) -> str:
    return _clip(escape(answer.text), MAX_FALLBACK_CHARS)


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, MAX_SECTION_CHARS)}}


def _context(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": _clip(text, MAX_SECTION_CHARS)}],
    }


def _button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value[:MAX_BUTTON_VALUE],
    }
    if style:
        button["style"] = style
    return button


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Never end inside an escape such as &amp; (Slack would show it broken).
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def _pack(lines: list[str]) -> list[str]:
    """Join lines into section texts that each stay under the section limit."""
    texts, current = [], ""
    for line in lines:
        if current and len(current) + 1 + len(line) > MAX_SECTION_CHARS:
            texts.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return [*texts, current] if current else texts


def _within_limits(blocks: list[Block], *, limit: int = MAX_BLOCKS) -> list[Block]:
    """Keep a message under Slack's block limit, keeping the last block (the buttons)."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], blocks[-1]]

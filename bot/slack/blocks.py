"""Answers as Block Kit: pure functions, inside Slack's limits, text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.answering.present import badge, dated, format_date, review_overdue
from bot.answering.templates import Templates
from bot.records import Answer, Outcome, Passage
from bot.slack.markup import escape

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_FALLBACK_CHARS = 3000
MAX_BUTTON_VALUE = 2000

Block = dict[str, Any]

# action_ids the listeners register for
SHARE = "share_answer"
MORE = "more_sources"
FEEDBACK = "answer_feedback"  # the feedback_buttons element: its value says which was pressed
# The plain buttons answers had before feedback_buttons: still handled for messages posted then.
HELPFUL = "feedback_helpful"
UNHELPFUL = "feedback_unhelpful"
HELPFUL_VALUE = "helpful"
UNHELPFUL_VALUE = "unhelpful"


def answer_message(
    answer: Answer, templates: Templates, *, answer_id: str, share: bool = False
) -> tuple[str, list[Block]]:
    """(fallback text, blocks) for an answer or an abstention, compact enough for one phone
    screen: the lead, the best quote with its source, the rest behind 'N more sources'."""
    blocks: list[Block] = [context(escape(n)) for n in answer.notices]
    blocks.append(section(escape(answer.text)))
    if answer.passages:
        blocks += citation_blocks(answer.passages[0], answer, templates)
    # Every value carries only the answer id: the listeners look the answer up by it. The
    # question never goes into a value, where it would travel with a shared message.
    buttons = []
    if len(answer.passages) > 1:
        buttons.append(_button(more_sources_label(len(answer.passages) - 1), MORE, answer_id))
    if offers_share(answer, share=share):
        buttons.append(_button("Share in channel", SHARE, answer_id, "primary"))
    tail = [{"type": "actions", "block_id": f"answer:{answer_id}", "elements": buttons}]
    tail = [*(tail if buttons else []), feedback_block(answer_id), answer_footer(answer_id)]
    return _fallback(answer), within_limits(blocks, tail=tail)


def offers_share(answer: Answer, *, share: bool) -> bool:
    """Whether an answer's message has 'Share in channel': only where it was asked for (a
    private reply), and never on a refusal, which is not worth sharing. The Share listener
    refuses any other answer's id, even from its asker."""
    return share and answer.answered


def more_sources_message(
    answer: Answer, templates: Templates, *, skip: int = 1
) -> tuple[str, list[Block]]:
    """The passages after the first `skip` (those the answer message does not show)."""
    extra = answer.passages[skip:]
    if not extra:
        return "No further sources.", [section("No further passages match this question.")]
    blocks: list[Block] = []
    for passage in extra:
        blocks += [*citation_blocks(passage, answer, templates), {"type": "divider"}]
    return more_sources_label(len(extra)), within_limits(blocks[:-1])


def more_sources_label(count: int) -> str:
    return f"{count} more source" if count == 1 else f"{count} more sources"


def feedback_block(answer_id: str) -> Block:
    """Slack's thumbs up / down for an answer; each value is the verdict and the answer id."""

    def button(label: str, verdict: str, spoken: str) -> Block:
        return {
            "text": {"type": "plain_text", "text": label},
            "accessibility_label": spoken,
            "value": f"{verdict}:{answer_id}",
        }

    return {
        "type": "context_actions",
        "block_id": f"feedback:{answer_id}",
        "elements": [
            {
                "type": "feedback_buttons",
                "action_id": FEEDBACK,
                "positive_button": button("Helpful", HELPFUL_VALUE, "This answer was helpful"),
                "negative_button": button(
                    "Not helpful", UNHELPFUL_VALUE, "This answer was not helpful: say why"
                ),
            }
        ],
    }


def answer_footer(answer_id: str) -> Block:
    """The id a supervisor can look up with `practice-bot answer ID`."""
    return context(f"Answer id: `{answer_id}`")


def citation_blocks(passage: Passage, answer: Answer, templates: Templates) -> list[Block]:
    chunk = passage.hit.chunk
    head = f"*[{passage.marker}] {escape(chunk.title)}* — {escape(chunk.section)}"
    quote = "\n".join(f">{line}" for line in escape(passage.quote).splitlines() or [""])
    facts = [f"*{escape(badge(chunk.kind, templates, chunk.status))}*"]
    if answer.outcome is Outcome.RELATED:
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
    facts.append(link(chunk.url) if chunk.url else f"`{escape(chunk.source)}`")
    return [section(f"{head}\n{quote}"), context(" · ".join(facts))]


def link(url: str) -> str:
    """A source's web address as a Slack link; characters that would break the link markup
    are escaped (the address came from a document or the catalogue, not from Slack)."""
    safe = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{safe}|Open the document>"


def _fallback(answer: Answer) -> str:
    return clip(escape(answer.text), MAX_FALLBACK_CHARS)


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION_CHARS)}}


def context(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(text, MAX_SECTION_CHARS)}],
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


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Never end inside an escape such as &amp; (Slack would show it broken).
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def pack_lines(lines: list[str]) -> list[str]:
    """Join lines into section texts that each stay under the section limit."""
    texts, current = [], ""
    for line in lines:
        if current and len(current) + 1 + len(line) > MAX_SECTION_CHARS:
            texts.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return [*texts, current] if current else texts


def within_limits(
    blocks: list[Block], *, tail: Sequence[Block] = (), limit: int = MAX_BLOCKS
) -> list[Block]:
    """Keep a message under Slack's block limit, always keeping its tail (buttons, footer)."""
    return [*blocks[: limit - len(tail)], *tail]

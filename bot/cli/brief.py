"""practice-bot brief TOPIC: the manager's brief on one topic, as text or JSON."""

from __future__ import annotations

import json

import click

from bot.answering.brief import Brief, BriefGroup, BriefItem
from bot.cli.support import open_runtime, with_settings
from bot.errors import QuestionError
from bot.settings import Settings


@click.command()
@click.argument("topic", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the three lists.")
@with_settings
def brief(topic: tuple[str, ...], as_json: bool, *, settings: Settings) -> None:
    """What is expected, what inspectors found and what the service was told to improve, on
    TOPIC (for example: supervision, pre-proceedings, "CP plans"), each with its source."""
    from bot.answering.brief import build_brief

    text = " ".join(topic)
    if not text.strip():
        raise QuestionError(
            "The topic is empty. Name one, for example: practice-bot brief supervision"
        )
    runtime = open_runtime(settings)
    answerer = runtime.current()
    result = build_brief(answerer, text)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
    elif result.empty:
        if result.privacy_note:
            click.echo(f"Privacy: {result.privacy_note}")
        click.echo(runtime.templates.render("abstain", contact=answerer.policy.contact))
    else:
        click.echo(render_brief(result))


def render_brief(result: Brief) -> str:
    """Three headed lists, each item with its citation on the line below."""
    lines = [f"Brief: {result.topic}"]
    if result.privacy_note:
        lines.append(f"Privacy: {result.privacy_note}")
    for group in result.groups():
        lines += ["", group.heading]
        if not group.items:
            lines.append(f"  {group.none}")
        for item in group.items:
            lines += [f"  • {item.text}", f"    {citation(item, group)}"]
    return "\n".join(lines)


def citation(item: BriefItem, group: BriefGroup) -> str:
    """title — section · date · link or path"""
    facts = [f"{item.title} — {item.section}"]
    if when := group.dated(item):
        facts.append(when)
    facts.append(item.url or item.source)
    return " · ".join(facts)

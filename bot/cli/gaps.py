"""`practice-bot gaps`: what staff asked that the sources could not answer, by topic, with
each topic's nearest document and its owner; `--post` sends it to the admin channel now."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING

import click

from bot.cli.support import open_runtime, with_settings
from bot.errors import ConfigError
from bot.settings import Settings
from bot.text import without_controls

if TYPE_CHECKING:  # imported when run: they bring numpy and faiss, which --help need not load
    from bot.answering.gaps import GapReport
    from bot.answering.templates import Templates

_SPAN = re.compile(r"(\d{1,4})\s*([dw])", re.I)
MAX_DAYS = 3650
DEFAULT_SINCE = "30d"


def parse_since(text: str) -> dt.timedelta:
    """ "30d" -> 30 days, "12w" -> 12 weeks; anything else is a usage error."""
    match = _SPAN.fullmatch(text.strip())
    if not match:
        raise click.BadParameter(f"{text!r} is not a period: write days or weeks, as 30d or 12w")
    days = int(match[1]) * (7 if match[2].lower() == "w" else 1)
    if not 1 <= days <= MAX_DAYS:
        raise click.BadParameter(f"give between 1 day and {MAX_DAYS} days")
    return dt.timedelta(days=days)


@click.command()
@click.option(
    "--since",
    "since",
    default=None,
    help=f"How far back, in days or weeks: 30d, 12w [default {DEFAULT_SINCE}; with --post, "
    "PRACTICE_BOT_GAPS_DIGEST_DAYS].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the topics as one JSON object.")
@click.option(
    "--post",
    is_flag=True,
    help="Post the digest to PRACTICE_BOT_ADMIN_CHANNEL now (for cron); a running bot then "
    "waits a full period before its own.",
)
@with_settings
def gaps(since: str | None, as_json: bool, post: bool, *, settings: Settings) -> None:
    """List questions answered "not found" or "related", and answers marked not helpful,
    grouped by topic: counts, up to three examples (personal details removed), the nearest
    document and its owner."""
    if post and not settings.admin_channel:
        raise ConfigError("PRACTICE_BOT_ADMIN_CHANNEL is not set: there is nowhere to post.")
    default = f"{settings.gaps_digest_days}d" if post else DEFAULT_SINCE
    span = parse_since(since or default)
    runtime = open_runtime(settings)
    until = dt.datetime.now(dt.UTC)
    report = runtime.gaps(since=until - span, until=until)
    if post:
        _post(settings, report, runtime.templates)
        click.echo(f"Posted the digest to {settings.admin_channel}.", err=True)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    elif not post:
        click.echo(render_gaps(report))


def _post(settings: Settings, report: GapReport, templates: Templates) -> None:
    """Post now, through the digest's schedule: a running bot then waits a whole period."""
    from contextlib import closing

    from slack_sdk.errors import SlackApiError

    from bot.slack.app import build_client
    from bot.slack.gaps_digest import digest_schedule, post_digest
    from bot.stores.backends import open_stores

    channel = settings.admin_channel or ""
    stores = open_stores(settings)
    shared = stores.state if stores.database is not None else None
    schedule = digest_schedule(settings, shared=shared)
    with closing(stores), schedule.turn() as ours:
        if not ours:
            raise ConfigError("The digest is being posted by another process just now.")
        try:
            post_digest(build_client(settings), channel=channel, report=report, templates=templates)
        except SlackApiError as exc:
            raise ConfigError(f"Slack refused the digest: {exc.response.get('error')}") from None
        except OSError as exc:  # cannot reach Slack (urllib's errors are OSErrors)
            raise ConfigError(f"Slack could not be reached: {exc}") from None
        schedule.mark_sent(report.until)


def render_gaps(report: GapReport) -> str:
    """The report for a terminal, one value a line (stored text loses control codes)."""
    from bot.slack.gaps_blocks import OUTCOME_LABELS, period

    lines = [
        f"What the sources could not answer in {period(report.since, report.until)}: "
        f"{report.questions} questions in {len(report.topics)} topics."
    ]
    if report.questions and not report.text_kept:
        lines.append(
            "Question text is not kept (PRACTICE_BOT_STORE_QUESTION_TEXT is off): each question "
            "is counted under the passage nearest it when it was asked, and there are no examples."
        )
    for topic in report.topics:
        owner = topic.owner or "(no owner in front matter or the catalogue)"
        if topic.owner_user:
            owner += f" (Slack {topic.owner_user})"
        outcomes = ", ".join(f"{n} {OUTCOME_LABELS.get(o, o)}" for o, n in topic.outcomes.items())
        lines += ["", f"{topic.count:>5}  {_line(topic.name)}"]
        if topic.source:
            lines.append(f"       {_line(topic.source)}")
        lines += [f"       owner: {_line(owner)}", f"       {outcomes}"]
        lines += [f"       {topic.far}"] if topic.far else []
        if topic.reasons:
            reasons = ", ".join(f"{r} ({n})" for r, n in topic.reasons.items())
            lines.append(f"       why not helpful: {_line(reasons)}")
        lines += [f"       - {_line(example)}" for example in topic.examples]
    return "\n".join(lines)


def _line(stored: str) -> str:
    return without_controls(stored, lines=False)

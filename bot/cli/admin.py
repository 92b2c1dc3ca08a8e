"""Admin commands: build, roll back and list index versions; usage, answers looked up by id,
retention and audit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from bot.cli.support import with_settings
from bot.errors import PracticeBotError
from bot.settings import Settings
from bot.text import without_controls

MIN_ID_CHARS = 8  # of an answer id, for `practice-bot answer`


@click.group()
def index() -> None:
    """Build the search index from the knowledge folder."""


@index.command("build")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the report as JSON (with peak memory)."
)
@with_settings
def index_build(as_json: bool, *, settings: Settings) -> None:
    """Index the knowledge folder: only new or changed documents are read and embedded."""
    import dataclasses
    import resource

    from bot.runtime import build, make_embedder

    with audited(settings, "rebuild", str(settings.knowledge_dir)) as note:
        report = build(settings, make_embedder(settings), progress=not as_json)
        note(report.summary())
    if as_json:
        data = dataclasses.asdict(report)
        data["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        click.echo(json.dumps(data, default=str))
    else:
        click.echo(report.describe())


@index.command("rollback")
@with_settings
def index_rollback(*, settings: Settings) -> None:
    """Serve the previous index version again (running bots switch within seconds)."""
    from bot.index.build import rollback

    with audited(settings, "rollback", str(settings.index_dir)) as note:
        old, new = rollback(settings.index_dir, model=settings.model)
        note(f"{old} -> {new}")
    click.echo(f"Rolled back: index version {new} is current again (was {old}).")


@index.command("versions")
@with_settings
def index_versions(*, settings: Settings) -> None:
    """List the index versions kept on disk; the current one is marked."""
    from bot.index.manifest import read_manifest
    from bot.index.versions import current_name, list_versions

    current = current_name(settings.index_dir)
    for name in reversed(list_versions(settings.index_dir)):
        manifest = read_manifest(settings.index_dir / "versions" / name)
        mark = "*" if name == current else " "
        click.echo(
            f"{mark} {name}  {len(manifest.documents)} documents, "
            f"{manifest.chunk_count} passages, model {manifest.model}"
        )


@contextmanager
def audited(settings: Settings, action: str, target: str) -> Iterator[Callable[[str], None]]:
    """Record an admin action run from the command line, with its result, in the audit log."""
    import getpass

    from bot.stores.backends import audit_log

    audit = audit_log(settings)
    actor = f"cli:{getpass.getuser()}"
    detail: list[str] = []
    try:
        yield detail.append
    except PracticeBotError as exc:
        audit.record(actor=actor, action=action, target=target, result="failed", detail=str(exc))
        raise
    audit.record(actor=actor, action=action, target=target, result="ok", detail="; ".join(detail))


@click.command()
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@with_settings
def feedback(limit: int, *, settings: Settings) -> None:
    """Summarise usage: answers most often marked unhelpful and why, documents most cited,
    abstentions."""
    from bot.stores.backends import usage_store
    from bot.stores.usage import FEEDBACK_REASONS

    summary = usage_store(settings).summary(limit=limit)
    click.echo(
        f"{summary.answers} answers: {summary.outcomes.get('answered', 0)} answered, "
        f"{summary.outcomes.get('related', 0)} related only, "
        f"{summary.outcomes.get('not_found', 0)} not found "
        f"({summary.abstention_rate:.0%} not answered); feedback: {summary.helpful} helpful, "
        f"{summary.unhelpful} not helpful"
    )
    if summary.most_unhelpful:
        click.echo("\nMost often marked not helpful:")
        for item in summary.most_unhelpful:
            click.echo(f"  {item.unhelpful} x {_line(item.question)}")
            for citation in item.citations:
                click.echo(f"        cited {_line(citation)}")
    if summary.reasons:
        click.echo("\nWhy answers were not helpful:")
        for reason, count in summary.reasons.items():
            click.echo(f"  {count:>5}  {_line(FEEDBACK_REASONS.get(reason, reason))}")
    if summary.comments:
        click.echo("\nLatest comments (personal details removed):")
        for comment in summary.comments:
            click.echo(f"  - {_line(comment)}")
    if summary.most_cited:
        click.echo("\nDocuments most cited:")
        for source, count in summary.most_cited:
            click.echo(f"  {count:>5}  {_line(source)}")


@click.command("answer")
@click.argument("answer_id")
@with_settings
def answer_record(answer_id: str, *, settings: Settings) -> None:
    """Show what answer ANSWER_ID (the id in its footer, or its first 8 or more characters)
    showed: when, where, its outcome, the index version, the lead and the citations."""
    from bot.stores.backends import usage_store

    prefix = answer_id.strip().lower()
    if len(prefix) < MIN_ID_CHARS:
        raise click.BadParameter(f"give at least {MIN_ID_CHARS} characters of the id")
    found = usage_store(settings).find_answers(prefix)
    if not found:
        raise click.ClickException(
            f"No answer has the id {prefix}: mistyped, or older than the retention period."
        )
    if len(found) > 1:
        raise click.ClickException(
            f"More than one answer starts with {prefix}: give more of the id."
        )
    record = found[0]
    click.echo(f"Answer {record.id}")
    click.echo(f"  when     {record.created_at}")
    click.echo(f"  where    {record.surface}")
    click.echo(f"  outcome  {record.outcome}")
    click.echo(f"  index    {_line(record.index_version or '(not recorded)')}")
    if record.question is not None:
        click.echo(f"  question {_line(record.question)}")
    click.echo("\n" + without_controls(record.lead_text or "(the answer text was not recorded)"))
    for marker, (citation, chunk_id) in enumerate(
        zip(record.citations, record.chunk_ids, strict=True), 1
    ):
        click.echo(f"\n  [{marker}] {_line(citation)}\n      passage {_line(chunk_id)}")
    for verdict in record.feedback:
        click.echo(f"\n  feedback: {_line(verdict)}")


def _line(stored: str) -> str:
    """A stored value as one printed line. Rows stored before control codes were removed on
    the way in may still hold them (ESC would drive the admin's terminal)."""
    return without_controls(stored, lines=False)


@click.command()
@click.option(
    "--days",
    type=click.IntRange(1, 10_000),
    default=None,
    help="Keep this many days (default: PRACTICE_BOT_RETENTION_DAYS, 90).",
)
@with_settings
def purge(days: int | None, *, settings: Settings) -> None:
    """Delete stored usage and feedback older than the retention period (runs daily in serve)."""
    from bot.stores.backends import usage_store

    keep = days or settings.retention_days
    deleted = usage_store(settings).purge(older_than_days=keep)
    click.echo(f"Deleted {deleted} answers (and their feedback) older than {keep} days.")


@click.command()
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@with_settings
def audit(limit: int, *, settings: Settings) -> None:
    """List the audit log: who rebuilt, uploaded or rolled back what, when, and the result."""
    from bot.stores.backends import audit_log

    entries = audit_log(settings).entries(limit=limit)
    if not entries:
        click.echo("The audit log is empty.")
    for e in entries:
        click.echo(  # target and detail may hold a file name someone sent
            f"{e.at}  {_line(e.actor):<16} {e.action:<16} {e.result:<8} {_line(e.target)}"
            + (f"\n    {_line(e.detail)}" if e.detail else "")
        )

"""The practice-bot command line: build the index, ask, list sources, evaluate, chat, benchmark."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from pydantic import ValidationError

from bot.errors import ConfigError, PracticeBotError, QuestionError
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.runtime import Runtime

F = TypeVar("F", bound=Callable[..., Any])


class QuestionUsageError(click.ClickException):
    """An unusable question typed on the command line: exit code 2, like other usage errors."""

    exit_code = 2


@contextmanager
def _translated() -> Iterator[None]:
    """Turn practice-bot errors into a one-line message and an exit code, never a trace."""
    try:
        yield
    except QuestionError as exc:
        raise QuestionUsageError(str(exc)) from None
    except PracticeBotError as exc:
        raise click.ClickException(str(exc)) from None


def _paths(func: F) -> F:
    """The --knowledge and --index options every command shares."""

    @click.option(
        "--knowledge",
        "knowledge_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Folder of source documents [env PRACTICE_BOT_KNOWLEDGE_DIR; default knowledge].",
    )
    @click.option(
        "--index",
        "index_dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Folder of built index versions [env PRACTICE_BOT_INDEX_DIR; default index].",
    )
    @wraps(func)
    def wrapper(
        *args: Any, knowledge_dir: Path | None, index_dir: Path | None, **kwargs: Any
    ) -> Any:
        overrides: dict[str, Any] = {
            k: v for k, v in (("knowledge_dir", knowledge_dir), ("index_dir", index_dir)) if v
        }
        with _translated():
            try:
                settings = Settings(**overrides)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}"
                    for e in exc.errors()
                )
                raise ConfigError(f"The settings are not valid: {problems}") from None
            return func(*args, settings=settings, **kwargs)

    return wrapper  # type: ignore[return-value]


def _say(message: str) -> None:
    click.echo(message, err=True)


def _runtime(settings: Settings, *, top_k: int | None = None) -> Runtime:
    from bot.runtime import start

    if top_k is not None:
        settings = settings.model_copy(update={"top_k": top_k})
    runtime = start(settings, on_build=_say)
    if runtime.built:
        _say(runtime.built.describe())
    _warn_if_stale(runtime)
    return runtime


def _warn_if_stale(runtime: Runtime) -> None:
    from bot.index_build import knowledge_changed

    if knowledge_changed(runtime.settings.knowledge_dir, runtime.index.manifest):
        _say(
            "Warning: the knowledge folder has changed since the index was built; "
            "answers come from the old index until you run: practice-bot index build"
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="practice-bot")
def cli() -> None:
    """Answers children's social care practice questions with cited passages from the
    Ofsted findings and the authority's practice guidance."""


@cli.group()
def index() -> None:
    """Build the search index from the knowledge folder."""


@index.command("build")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the report as JSON (with peak memory)."
)
@_paths
def index_build(as_json: bool, *, settings: Settings) -> None:
    """Index the knowledge folder: only new or changed documents are read and embedded."""
    import dataclasses
    import resource

    from bot.runtime import build, make_embedder

    with _audited(settings, "rebuild", str(settings.knowledge_dir)) as note:
        report = build(settings, make_embedder(settings), progress=not as_json)
        note(report.summary())
    if as_json:
        data = dataclasses.asdict(report)
        data["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        click.echo(json.dumps(data, default=str))
    else:
        click.echo(report.describe())


@index.command("rollback")
@_paths
def index_rollback(*, settings: Settings) -> None:
    """Serve the previous index version again (running bots switch within seconds)."""
    from bot.index_store import rollback

    with _audited(settings, "rollback", str(settings.index_dir)) as note:
        old, new = rollback(settings.index_dir, model=settings.model)
        note(f"{old} -> {new}")
    click.echo(f"Rolled back: index version {new} is current again (was {old}).")


@index.command("versions")
@_paths
def index_versions(*, settings: Settings) -> None:
    """List the index versions kept on disk; the current one is marked."""
    from bot.index_store import current_name, list_versions, read_manifest

    current = current_name(settings.index_dir)
    for name in reversed(list_versions(settings.index_dir)):
        manifest = read_manifest(settings.index_dir / "versions" / name)
        mark = "*" if name == current else " "
        click.echo(
            f"{mark} {name}  {len(manifest.documents)} documents, "
            f"{manifest.chunk_count} passages, model {manifest.model}"
        )


@contextmanager
def _audited(settings: Settings, action: str, target: str) -> Iterator[Callable[[str], None]]:
    """Record an admin action run from the command line, with its result, in the audit log."""
    import getpass

    from bot.audit_log import AuditLog

    audit = AuditLog(settings.audit_db)
    actor = f"cli:{getpass.getuser()}"
    detail: list[str] = []
    try:
        yield detail.append
    except PracticeBotError as exc:
        audit.record(actor=actor, action=action, target=target, result="failed", detail=str(exc))
        raise
    audit.record(actor=actor, action=action, target=target, result="ok", detail="; ".join(detail))


@cli.command()
@click.argument("question", required=False)
@click.option(
    "-k", "top_k", type=click.IntRange(1, 10), default=None, help="Most passages to cite."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer, one per line.")
@_paths
def ask(question: str | None, top_k: int | None, as_json: bool, *, settings: Settings) -> None:
    """Answer QUESTION, or each line of standard input when no QUESTION is given."""
    from bot.render_text import render_answer

    if question is not None and not question.strip():
        raise QuestionError(
            "The question is empty. Type a practice question, for example: "
            'practice-bot ask "can a child have a second CP plan?"'
        )
    runtime = _runtime(settings, top_k=top_k)
    questions = [question] if question is not None else (line for line in sys.stdin if line.strip())
    for q in questions:
        answer = runtime.answerer.answer(q)
        if as_json:
            click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            click.echo(render_answer(answer, runtime.templates))


@cli.command()
@_paths
def chat(*, settings: Settings) -> None:
    """A local chat in the terminal on the same pipeline as the Slack bot (ends at end of input)."""
    from bot.chat import run_chat

    run_chat(_runtime(settings), stdin=sys.stdin, out=click.echo)


@cli.command()
@_paths
def run(*, settings: Settings) -> None:
    """The main job: the Slack bot when Slack tokens are set, otherwise the terminal chat.

    SLACK_BOT_TOKEN with SLACK_APP_TOKEN runs Socket Mode; SLACK_BOT_TOKEN with
    SLACK_SIGNING_SECRET serves HTTP on $PORT (default 3000)."""
    import os

    mode = settings.slack_mode
    if mode is None:
        from bot.chat import run_chat

        run_chat(_runtime(settings), stdin=sys.stdin, out=click.echo)
        return
    _serve(settings, http=mode == "http", host="0.0.0.0", port=int(os.environ.get("PORT", "3000")))


@cli.command()
@click.option(
    "--http", "http", is_flag=True, help="Serve Slack's HTTP requests instead of Socket Mode."
)
@click.option("--port", type=int, default=3000, show_default=True, help="Port for --http.")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address for --http.")
@_paths
def serve(http: bool, port: int, host: str, *, settings: Settings) -> None:
    """Run the Slack bot: Socket Mode by default, or HTTP at POST /slack/events with --http."""
    _serve(settings, http=http, host=host, port=port)


def _serve(settings: Settings, *, http: bool, host: str, port: int) -> None:
    import logging

    from bot.runtime import slack_app
    from bot.slack.serve import serve_http, serve_socket_mode

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if http and settings.slack_signing_secret is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it."
        )
    runtime = _runtime(settings)  # model and index load here, before the first event
    runtime.watch_index()  # versions built by another process, or rolled back, are picked up
    runtime.purge_daily()  # usage older than the retention period is deleted
    app = slack_app(runtime)
    if http:
        serve_http(app, host=host, port=port)
    else:
        serve_socket_mode(app, settings)


@cli.command()
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@_paths
def feedback(limit: int, *, settings: Settings) -> None:
    """Summarise usage: answers most often marked unhelpful, documents most cited, abstentions."""
    from bot.usage_store import UsageStore

    summary = UsageStore(settings.usage_db, store_text=settings.store_question_text).summary(
        limit=limit
    )
    click.echo(
        f"{summary.answers} answers, {summary.abstained} abstained "
        f"({summary.abstention_rate:.0%}); feedback: {summary.helpful} helpful, "
        f"{summary.unhelpful} not helpful"
    )
    if summary.most_unhelpful:
        click.echo("\nMost often marked not helpful:")
        for item in summary.most_unhelpful:
            click.echo(f"  {item.unhelpful} x {item.question}")
            for citation in item.citations:
                click.echo(f"        cited {citation}")
    if summary.most_cited:
        click.echo("\nDocuments most cited:")
        for source, count in summary.most_cited:
            click.echo(f"  {count:>5}  {source}")


@cli.command()
@_paths
def sources(*, settings: Settings) -> None:
    """List the indexed documents with their kind, dates and passage counts."""
    import datetime as dt

    from bot.index_store import load_manifest

    folder, manifest = load_manifest(settings.index_dir)
    click.echo(
        f"Index {folder.name}: {manifest.chunk_count} passages, model {manifest.model}, "
        f"built {manifest.built_at:%Y-%m-%d %H:%M} UTC"
    )
    today = dt.date.today()
    for doc in manifest.documents:
        dates = [f"dated {doc.date}" if doc.date else "undated"]
        if doc.review_due:
            overdue = " (OVERDUE)" if doc.review_due < today else ""
            dates.append(f"review due {doc.review_due}{overdue}")
        click.echo(
            f"  {doc.kind:<9} {doc.chunks:>4} passages  {doc.source}\n"
            f"            {doc.title} · {' · '.join(dates)}"
        )
    for skipped in manifest.skipped:
        click.echo(f"  skipped   {skipped.reason}")


@cli.command()
@click.option(
    "--days",
    type=click.IntRange(1, 10_000),
    default=None,
    help="Keep this many days (default: PRACTICE_BOT_RETENTION_DAYS, 90).",
)
@_paths
def purge(days: int | None, *, settings: Settings) -> None:
    """Delete stored usage and feedback older than the retention period (runs daily in serve)."""
    from bot.usage_store import UsageStore

    keep = days or settings.retention_days
    deleted = UsageStore(settings.usage_db).purge(older_than_days=keep)
    click.echo(f"Deleted {deleted} answers (and their feedback) older than {keep} days.")


@cli.command()
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@_paths
def audit(limit: int, *, settings: Settings) -> None:
    """List the audit log: who rebuilt, uploaded or rolled back what, when, and the result."""
    from bot.audit_log import AuditLog

    entries = AuditLog(settings.audit_db).entries(limit=limit)
    if not entries:
        click.echo("The audit log is empty.")
    for e in entries:
        click.echo(
            f"{e.at}  {e.actor:<16} {e.action:<16} {e.result:<8} {e.target}"
            + (f"\n    {e.detail}" if e.detail else "")
        )


@cli.command("eval")
@click.argument(
    "file", required=False, type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
@click.option("--verbose", "-v", is_flag=True, help="List every question with its result.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@_paths
def evaluate(file: Path | None, verbose: bool, as_json: bool, *, settings: Settings) -> None:
    """Run the evaluation set (default tests/eval/questions.yaml): hit@1, hit@3, MRR, abstention."""
    from bot.evaluation import DEFAULT_SET, format_report, load_cases, run_eval

    runtime = _runtime(settings)
    report = run_eval(runtime.answerer, load_cases(file or DEFAULT_SET))
    click.echo(
        json.dumps(report.summary(), indent=2)
        if as_json
        else format_report(report, verbose=verbose)
    )


@cli.command()
@click.option(
    "--sizes",
    default="1000,10000",
    show_default=True,
    help="Synthetic corpus sizes in passages, comma-separated (100000 takes hours).",
)
@click.option(
    "--repeat",
    type=click.IntRange(1, 100),
    default=3,
    show_default=True,
    help="Passes over the question set on the knowledge base.",
)
@click.option(
    "--load/--no-load",
    default=True,
    show_default=True,
    help="Also send 1, 8 and 32 simultaneous questions over HTTP.",
)
@click.option(
    "--write",
    "write_to",
    default="docs/BENCHMARKS.md",
    show_default=True,
    help="Where to write the tables ('-' for nowhere).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@_paths
def bench(
    sizes: str, repeat: int, load: bool, write_to: str, as_json: bool, *, settings: Settings
) -> None:
    """Measure latency against its floor, build throughput, memory, HNSW and concurrent load."""
    import datetime as dt
    import platform

    from bot.bench import format_bench, run_bench

    try:
        size_list = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise click.BadParameter(
            f"'{sizes}' is not a list of numbers", param_hint="--sizes"
        ) from None
    result = run_bench(settings, sizes=size_list, repeat=repeat, load=load, progress=not as_json)
    table = format_bench(result)
    if write_to != "-":
        machine = (
            f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
        )
        target = Path(write_to)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f"# Benchmarks\n\nWritten by `practice-bot bench --sizes {sizes}` on "
            f"{dt.date.today()} ({machine}). docs/SCALING.md says what the figures mean.\n\n"
            f"{table}\n\n```json\n{json.dumps(result, indent=2)}\n```\n",
            encoding="utf-8",
        )
    click.echo(json.dumps(result, indent=2) if as_json else table)


def main() -> None:
    cli(prog_name="practice-bot")

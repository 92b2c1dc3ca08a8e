"""Commands that answer: ask, chat, run (the main job), serve (the Slack bot), sources."""

from __future__ import annotations

import json
import sys

import click

from bot.cli.support import open_runtime, say, with_settings
from bot.errors import QuestionError
from bot.settings import Settings


@click.command()
@click.argument("question", required=False)
@click.option(
    "-k", "top_k", type=click.IntRange(1, 10), default=None, help="Most passages to cite."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer, one per line.")
@with_settings
def ask(question: str | None, top_k: int | None, as_json: bool, *, settings: Settings) -> None:
    """Answer QUESTION, or each line of standard input when no QUESTION is given."""
    from bot.cli.render_text import render_answer

    if question is not None and not question.strip():
        raise QuestionError(
            "The question is empty. Type a practice question, for example: "
            'practice-bot ask "can a child have a second CP plan?"'
        )
    runtime = open_runtime(settings, top_k=top_k)
    questions = [question] if question is not None else (line for line in sys.stdin if line.strip())
    for q in questions:
        answer = runtime.current().answer(q)
        if as_json:
            click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            click.echo(render_answer(answer, runtime.templates))


@click.command()
@with_settings
def chat(*, settings: Settings) -> None:
    """A local chat in the terminal on the same pipeline as the Slack bot (ends at end of input)."""
    from bot.cli.chat import run_chat

    run_chat(open_runtime(settings), stdin=sys.stdin, out=click.echo)


@click.command()
@with_settings
def run(*, settings: Settings) -> None:
    """The main job: the Slack bot when Slack tokens are set, otherwise the terminal chat.

    SLACK_BOT_TOKEN with SLACK_APP_TOKEN runs Socket Mode; SLACK_BOT_TOKEN with
    SLACK_SIGNING_SECRET serves HTTP on $PORT (default 3000)."""

    mode = settings.slack_mode
    if mode is None:
        from bot.cli.chat import run_chat

        run_chat(open_runtime(settings), stdin=sys.stdin, out=click.echo)
        return
    _serve(settings, http=mode == "http", host="0.0.0.0", port=settings.port)


@click.command()
@click.option(
    "--http", "http", is_flag=True, help="Serve Slack's HTTP requests instead of Socket Mode."
)
@click.option("--port", type=int, default=3000, show_default=True, help="Port for --http.")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address for --http.")
@with_settings
def serve(http: bool, port: int, host: str, *, settings: Settings) -> None:
    """Run the Slack bot: Socket Mode by default, or HTTP at POST /slack/events with --http."""
    _serve(settings, http=http, host=host, port=port)


def _serve(settings: Settings, *, http: bool, host: str, port: int) -> None:
    import logging

    from bot.slack.wiring import serve

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    serve(settings, http=http, host=host, port=port, on_build=say)


@click.command()
@with_settings
def sources(*, settings: Settings) -> None:
    """List the indexed documents with their kind, dates and passage counts."""
    import datetime as dt

    from bot.index.loaded import load_manifest

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

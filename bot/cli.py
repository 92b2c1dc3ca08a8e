"""The practice-bot command line: ask, chat, serve, sources, eval, bench (admin commands are in
cli_admin.py, shared plumbing in cli_support.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from bot.cli_admin import audit, feedback, index, purge
from bot.cli_support import open_runtime, with_settings
from bot.errors import ConfigError, QuestionError
from bot.settings import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="practice-bot")
def cli() -> None:
    """Answers children's social care practice questions with cited passages from the
    Ofsted findings and the authority's practice guidance."""


@cli.command()
@click.argument("question", required=False)
@click.option(
    "-k", "top_k", type=click.IntRange(1, 10), default=None, help="Most passages to cite."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer, one per line.")
@with_settings
def ask(question: str | None, top_k: int | None, as_json: bool, *, settings: Settings) -> None:
    """Answer QUESTION, or each line of standard input when no QUESTION is given."""
    from bot.render_text import render_answer

    if question is not None and not question.strip():
        raise QuestionError(
            "The question is empty. Type a practice question, for example: "
            'practice-bot ask "can a child have a second CP plan?"'
        )
    runtime = open_runtime(settings, top_k=top_k)
    questions = [question] if question is not None else (line for line in sys.stdin if line.strip())
    for q in questions:
        answer = runtime.answerer.answer(q)
        if as_json:
            click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            click.echo(render_answer(answer, runtime.templates))


@cli.command()
@with_settings
def chat(*, settings: Settings) -> None:
    """A local chat in the terminal on the same pipeline as the Slack bot (ends at end of input)."""
    from bot.chat import run_chat

    run_chat(open_runtime(settings), stdin=sys.stdin, out=click.echo)


@cli.command()
@with_settings
def run(*, settings: Settings) -> None:
    """The main job: the Slack bot when Slack tokens are set, otherwise the terminal chat.

    SLACK_BOT_TOKEN with SLACK_APP_TOKEN runs Socket Mode; SLACK_BOT_TOKEN with
    SLACK_SIGNING_SECRET serves HTTP on $PORT (default 3000)."""

    mode = settings.slack_mode
    if mode is None:
        from bot.chat import run_chat

        run_chat(open_runtime(settings), stdin=sys.stdin, out=click.echo)
        return
    _serve(settings, http=mode == "http", host="0.0.0.0", port=int(os.environ.get("PORT", "3000")))


@cli.command()
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

    from bot.runtime import slack_app
    from bot.slack.serve import serve_http, serve_socket_mode

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if http and settings.slack_signing_secret is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it."
        )
    runtime = open_runtime(settings)  # model and index load here, before the first event
    runtime.watch_index()  # versions built by another process, or rolled back, are picked up
    runtime.purge_daily()  # usage older than the retention period is deleted
    app = slack_app(runtime)
    if http:
        serve_http(app, host=host, port=port)
    else:
        serve_socket_mode(app, settings)


@cli.command()
@with_settings
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


@cli.command("eval")
@click.argument(
    "file", required=False, type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
@click.option("--verbose", "-v", is_flag=True, help="List every question with its result.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@with_settings
def evaluate(file: Path | None, verbose: bool, as_json: bool, *, settings: Settings) -> None:
    """Run the evaluation set (default tests/eval/questions.yaml): hit@1, hit@3, MRR, abstention."""
    from bot.evaluation import DEFAULT_SET, format_report, load_cases, run_eval

    runtime = open_runtime(settings)
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
@click.option(
    "--merge",
    is_flag=True,
    help="Keep the corpora of other sizes already in the --write file.",
)
@click.option(
    "--from-json",
    "from_json",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Measure nothing: write the figures a --json run printed.",
)
@with_settings
def bench(
    sizes: str,
    repeat: int,
    load: bool,
    write_to: str,
    as_json: bool,
    merge: bool,
    from_json: Path | None,
    *,
    settings: Settings,
) -> None:
    """Measure latency against its floor, build throughput, memory, HNSW and concurrent load."""
    import datetime as dt

    from bot.bench import document, format_bench, machine, merge_results, read_results, run_bench

    if from_json is not None:
        try:
            result = json.loads(from_json.read_text(encoding="utf-8"))
            sizes = ",".join(str(c["passages"]) for c in result["corpora"])
        except (ValueError, KeyError, TypeError) as exc:
            raise click.BadParameter(
                f"{from_json} does not hold `bench --json` figures ({exc})",
                param_hint="--from-json",
            ) from None
    else:
        try:
            size_list = [int(s) for s in sizes.split(",") if s.strip()]
        except ValueError:
            raise click.BadParameter(
                f"'{sizes}' is not a list of numbers", param_hint="--sizes"
            ) from None
        result = run_bench(
            settings, sizes=size_list, repeat=repeat, load=load, progress=not as_json
        )
    result.setdefault(
        "runs",
        [
            {
                "sizes": sizes,
                "load": "load" in result,  # from the figures, so --from-json stamps it right
                "date": str(dt.date.today()),
                "machine": machine(),
            }
        ],
    )
    if write_to != "-":
        target = Path(write_to)
        if merge and (old := read_results(target)) is not None:
            result = merge_results(old, result)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(document(result), encoding="utf-8")
    click.echo(json.dumps(result, indent=2) if as_json else format_bench(result))


for command in (index, feedback, purge, audit):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="practice-bot")

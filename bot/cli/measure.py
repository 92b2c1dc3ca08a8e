"""Commands that measure: eval (answer quality) and bench (speed, memory, load).

Their code lives in bot/devtools, imported only when one of these commands runs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot.cli.support import open_runtime, with_settings
from bot.settings import Settings


@click.command("eval")
@click.argument(
    "file", required=False, type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
@click.option("--verbose", "-v", is_flag=True, help="List every question with its result.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--corpus",
    type=click.Choice(["starter", "manual", "replaced", "transfer", "all"]),
    help="Evaluate a whole corpus (its tuning and held-out parts apart) instead of FILE.",
)
@click.option(
    "--safety-net/--no-safety-net",
    default=True,
    show_default=True,
    help="With --corpus: keep the glossary's uncovered-topics refusals on, or report without.",
)
@click.option(
    "--reader",
    "reader_mode",
    type=click.Choice(["both", "rank", "decide", "off", "compare"]),
    default=None,
    help="With --corpus: the reader orders the citations and decides (both, the default "
    "unless PRACTICE_BOT_READER=off), only one of them, not at all (off: the rule), or "
    "compare: all four, one after another.",
)
@with_settings
def evaluate(
    file: Path | None,
    verbose: bool,
    as_json: bool,
    corpus: str | None,
    safety_net: bool,
    reader_mode: str | None,
    *,
    settings: Settings,
) -> None:
    """Run an evaluation set (default tests/eval/questions.yaml) or whole corpora: hit@1,
    hit@3, MRR, answered / related / not found, wrongly answered, lead carries the answer."""
    from bot.devtools.evaluation import DEFAULT_SET, format_report, load_cases, run_eval

    if corpus is not None:
        mode = reader_mode or ("both" if settings.reader else "off")
        modes = ["both", "rank", "decide", "off"] if mode == "compare" else [mode]
        _evaluate_corpora(
            corpus, safety_net=safety_net, as_json=as_json, settings=settings, modes=modes
        )
        return
    runtime = open_runtime(settings)
    report = run_eval(runtime.current(), load_cases(file or DEFAULT_SET))
    click.echo(
        json.dumps(report.summary(), indent=2)
        if as_json
        else format_report(report, verbose=verbose)
    )


def _evaluate_corpora(
    name: str, *, safety_net: bool, as_json: bool, settings: Settings, modes: list[str]
) -> None:
    from bot.devtools.corpora import CORPORA
    from bot.devtools.corpus_eval import evaluate_corpus, format_corpus
    from bot.runtime import make_embedder, make_reader

    embedder = make_embedder(settings)
    reader = make_reader(settings) if modes != ["off"] else None
    results: dict[str, dict[str, object]] = {}
    for mode in modes:
        for each in CORPORA if name == "all" else [name]:
            report = evaluate_corpus(
                each, embedder, safety_net=safety_net, reader=reader, mode=mode
            )
            results.setdefault(mode, {})[each] = {
                "tuning": report.split(holdout=False).summary(),
                "held_out": report.split(holdout=True).summary(),
            }
            if not as_json:
                click.echo(format_corpus(each, report, safety_net=safety_net, mode=mode))
    if as_json:
        click.echo(json.dumps(results if len(modes) > 1 else results[modes[0]], indent=2))


@click.command()
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

    from bot.devtools.bench.measure import run_bench
    from bot.devtools.bench.report import (
        document,
        format_bench,
        machine,
        merge_results,
        read_results,
    )

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

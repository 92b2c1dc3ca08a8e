"""The practice-bot command group: answering commands (answers.py), admin commands (admin.py)
and measuring commands (measure.py), with shared plumbing in support.py."""

from __future__ import annotations

import click

from bot.cli.admin import answer_record, audit, feedback, index, purge
from bot.cli.answers import ask, chat, run, serve, sources
from bot.cli.brief import brief
from bot.cli.gaps import gaps
from bot.cli.measure import bench, evaluate
from bot.cli.sync import sync


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="practice-bot")
def cli() -> None:
    """Answers children's social care practice questions with cited passages from the
    Ofsted findings and the authority's practice guidance."""


for command in (ask, chat, run, serve, sources, evaluate, bench, index, feedback, purge, audit):
    cli.add_command(command)
cli.add_command(brief)
cli.add_command(gaps)
cli.add_command(answer_record)
cli.add_command(sync)


def main() -> None:
    cli(prog_name="practice-bot")

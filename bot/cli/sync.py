"""`practice-bot sync`: bring the saved copies of the configured procedures sites up to date,
rebuild the index if anything changed, and tell the admin channel."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from bot.cli.admin import audited
from bot.cli.support import with_settings
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.index.report import BuildReport
    from bot.sync.report import SyncReport


@click.command()
@click.option(
    "--site",
    "site_url",
    metavar="URL",
    default=None,
    help="Sync this start page (its host and folder only) instead of knowledge/sites.yaml.",
)
@click.option("--due", is_flag=True, help="Only the sites whose schedule is due (for cron).")
@click.option(
    "--json", "as_json", is_flag=True, help="Print what was added, changed, removed, skipped."
)
@with_settings
def sync(site_url: str | None, due: bool, as_json: bool, *, settings: Settings) -> None:
    """Fetch the procedures sites in knowledge/sites.yaml (conditional requests, robots.txt
    obeyed, one request a second), save what changed under knowledge/sites/, and rebuild the
    index when anything did, embedding only the changed chapters."""
    from bot.runtime import build, make_embedder
    from bot.runtime import sync as sync_now
    from bot.sync.config import site_for

    if site_url and due:
        raise click.UsageError("--site syncs that site now: it has no schedule to be due.")
    site = site_for(site_url) if site_url else None

    def rebuild() -> BuildReport:  # the model loads only when something changed
        return build(settings, make_embedder(settings), progress=not as_json)

    with audited(settings, "sync", site_url or str(settings.sites_path)) as note:
        report = sync_now(settings, rebuild=rebuild, site=site, due_only=due)
        note("; ".join(s.describe().splitlines()[0] for s in report.sites) or "no sites")
    if as_json:
        click.echo(json.dumps(report.to_json(), default=str))
    else:
        click.echo(report.describe())
    _notify(settings, report)
    if report.failed or report.rebuild_error:
        raise click.exceptions.Exit(1)


def _notify(settings: Settings, report: SyncReport) -> None:
    """Post to the admin channel when one is set and the bot has a token."""
    if not (settings.admin_channel and settings.slack_bot_token):
        return
    from slack_sdk import WebClient

    from bot.answering.templates import Templates
    from bot.slack.sync_notice import post_sync_report

    client = WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout_seconds,
    )
    post_sync_report(client, settings.admin_channel, report, Templates.load(settings.prompts_dir))

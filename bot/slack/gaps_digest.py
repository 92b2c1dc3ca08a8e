"""The weekly gaps digest: posted to the admin channel from a background loop in the serving
process (answering never waits on it), or at once by `practice-bot gaps --post` (for cron).
Both go through one Schedule, so neither a restart nor the other posts the same week twice."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from slack_sdk import WebClient

from bot.answering.gaps import GapReport
from bot.answering.templates import Templates
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.gaps_blocks import digest_message
from bot.stores.schedule import Clock, Schedule, SharedSchedule, utc_now
from bot.stores.state import State
from bot.stores.usage import UsageStore

log = logging.getLogger(__name__)
CHECK_SECONDS = 3600.0  # how often the loop asks whether a digest is due
FIRST_CHECK_SECONDS = 60.0  # after start-up, once the bot is answering
Build = Callable[[dt.datetime, dt.datetime], GapReport]  # (since, until) -> report


def digest_schedule(
    settings: Settings, *, shared: State | None = None, clock: Clock = utc_now
) -> Schedule | SharedSchedule:
    """On one machine, a file in data_dir; with several workers (`shared`: the PostgreSQL
    State), the State, which every worker sees."""
    every = dt.timedelta(days=settings.gaps_digest_days)
    if shared is not None:
        return SharedSchedule(shared, "gaps-digest", every=every, clock=clock)
    return Schedule(settings.data_dir / "gaps_digest.json", every=every, clock=clock)


def post_digest(
    client: WebClient, *, channel: str, report: GapReport, templates: Templates
) -> None:
    text, blocks = digest_message(report, templates)
    client.chat_postMessage(channel=channel, text=text, blocks=blocks)


def post_if_due(
    schedule: Schedule | SharedSchedule, *, build: Build, post: Callable[[GapReport], None]
) -> bool:
    """Post the digest if the last one is at least a period old; True if it posted. The time is
    written only after Slack took the message, so a failed post is tried again next hour."""
    with schedule.turn() as ours:
        if not ours or not schedule.due():
            return False
        until = schedule.clock()
        post(build(until - schedule.every, until))
        schedule.mark_sent(until)
        log.info("gaps digest posted to the admin channel")
        return True


def schedule_digest(
    runtime: Runtime,
    client: WebClient,
    *,
    channel: str,
    shared: State | None = None,
    store: UsageStore | None = None,
    clock: Clock = utc_now,
) -> threading.Thread:
    """The background loop that posts the digest to `channel` when it is due (from `store`'s
    usage, and on `shared`'s schedule when several workers share a database)."""
    schedule = digest_schedule(runtime.settings, shared=shared, clock=clock)

    def post(report: GapReport) -> None:
        post_digest(client, channel=channel, report=report, templates=runtime.templates)

    def build(since: dt.datetime, until: dt.datetime) -> GapReport:
        return runtime.gaps(since=since, until=until, store=store)

    def check() -> None:
        post_if_due(schedule, build=build, post=post)

    return runtime.every(CHECK_SECONDS, check, name="gaps-digest", first=FIRST_CHECK_SECONDS)

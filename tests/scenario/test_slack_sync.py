"""`/reindex sync` over the real Bolt app: an admin syncs the procedures site, the changes
are posted to the admin channel with links, a failure is posted there too, and the bot goes
on answering from what it had."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.devtools.procedures_site import ProceduresSite
from bot.settings import Settings
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.slack import Bot

ADMIN_CHANNEL = "CADMIN"
CHANGED = "core-groups-and-child-protection-plans"


@pytest.fixture
def settings(settings: Settings, procedures_site: ProceduresSite) -> Settings:
    """The test settings with the local site in sites.yaml and small sync limits."""
    origin = procedures_site.origin
    (settings.knowledge_dir / "sites.yaml").write_text(
        f"sites:\n  - start: {origin}/manual/contents.html\n    sitemap: {origin}/sitemap.xml\n",
        encoding="utf-8",
    )
    return settings.model_copy(
        update={
            "admin_channel": ADMIN_CHANNEL,
            "sync_delay_seconds": 0.0,
            "sync_page_seconds": 0.5,
            "sync_max_page_mb": 1.0,
        }
    )


def _sync(bot: Bot, *, finished: int) -> str:
    """/reindex sync as the admin; the private reply once the sync has finished."""
    acked = bot.command("sync", name="/reindex", user="UADMIN")
    assert (acked.status, acked.body) == (200, "")
    replies = bot.slack.wait_for("response_url", count=finished * 2, timeout=90)
    assert "Syncing the procedures sites" in replies[-2].params["text"]
    return str(replies[-1].params["text"])


def _admin_posts(bot: Bot) -> list[str]:
    return [
        str(c.params["text"])
        for c in bot.slack.of("chat.postMessage")
        if c.params["channel"] == ADMIN_CHANNEL
    ]


def test_a_sync_that_changes_a_chapter_tells_the_admin_channel_with_links(
    bot: Bot, procedures_site: ProceduresSite
) -> None:
    done = _sync(bot, finished=1)
    assert done.startswith("Sync finished.") and "42 new" in done
    [first] = bot.slack.wait_for("chat.postMessage")
    assert first.params["channel"] == ADMIN_CHANNEL
    assert first.params["text"].startswith("Procedures sync: 42 new chapters.")
    assert (
        f"<{procedures_site.chapter_url(CHANGED)}|Core Groups and Child Protection Plans>"
        in (first.params["text"])
    )

    procedures_site.change(CHANGED, "Core group meetings may be held by video call.")
    procedures_site.remove("private-fostering")
    embedder = bot.runtime.embedder
    assert isinstance(embedder, FakeEmbedder)
    embedder.calls.clear()
    _sync(bot, finished=2)
    *building, _probes = embedder.calls  # the new version's check embeds five passages afresh
    assert [t for call in building for t in call] == [
        "Core Groups and Child Protection Plans. 9. Timescales at a Glance. "
        "Core group meetings may be held by video call."
    ]
    second = bot.slack.wait_for("chat.postMessage", count=2)[-1].params["text"]
    assert "\n… and" not in second  # nothing else was touched
    assert second.startswith("Procedures sync: 1 chapter updated, 1 removed.")
    assert f"• Updated: <{procedures_site.chapter_url(CHANGED)}|Core Groups" in second
    assert "• Removed: Private Fostering" in second
    answer = bot.runtime.current().answer("can core group meetings be held by video call")
    top = answer.passages[0]
    assert top.hit.chunk.source.endswith(f"/{CHANGED}.html")
    assert top.hit.chunk.text.endswith("video call.")

    _sync(bot, finished=3)  # nothing changed: nothing is posted
    bot.slack.wait_quiet()
    assert len(_admin_posts(bot)) == 2


def test_a_failed_sync_is_reported_in_the_admin_channel_and_the_old_index_serves(
    bot: Bot, procedures_site: ProceduresSite
) -> None:
    _sync(bot, finished=1)
    version = bot.runtime.index.path.name
    procedures_site.stop()
    done = _sync(bot, finished=2)
    assert "not synced" in done
    failure = bot.slack.wait_for("chat.postMessage", count=2)[-1].params["text"]
    assert failure.startswith(f"Procedures sync of {procedures_site.origin} failed:")
    assert "The bot still answers from the pages saved before." in failure
    assert bot.runtime.index.path.name == version
    answer = bot.runtime.current().answer("how often must core groups meet")
    assert answer.passages and answer.passages[0].hit.chunk.source.startswith("sites/")


def test_only_admins_can_sync(bot: Bot, procedures_site: ProceduresSite) -> None:
    bot.command("sync", name="/reindex", user="U1")
    refused = bot.slack.wait_for("response_url")[0].params["text"]
    assert "only the bot's admins can sync the procedures sites" in refused
    bot.slack.wait_quiet()
    assert procedures_site.requests == [] and _admin_posts(bot) == []
    assert not (Path(bot.runtime.settings.knowledge_dir) / "sites").exists()

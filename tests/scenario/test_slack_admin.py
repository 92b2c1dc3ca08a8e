"""Admins keep the knowledge current from Slack: /reindex, uploads in a DM, the audit trail."""

from __future__ import annotations

import json

from bot.index.versions import current_name
from bot.stores.audit import AuditLog
from tests.fakes.slack import Bot, blocks_of, button

NEW_DOC = (
    b"# Contact arrangements\n\n## Supervised contact\n\nSupervised contact with birth parents "
    b"is reviewed at every looked-after review and recorded in the care plan.\n"
)


def _file_share(
    bot: Bot,
    name: str,
    data: bytes,
    *,
    user: str = "UADMIN",
    ts: str = "1.9",
    size: int | None = None,
) -> None:
    bot.slack.files[name] = data
    bot.event(
        {
            "type": "message",
            "subtype": "file_share",
            "channel_type": "im",
            "channel": "D9",
            "user": user,
            "text": "",
            "ts": ts,
            "files": [
                {
                    "id": "F1",
                    "name": name,
                    "size": len(data) if size is None else size,
                    "url_private_download": f"{bot.slack.url}/files/{name}",
                }
            ],
        },
        event_id=f"Ev-{ts}",
    )


def _audit(bot: Bot) -> list[tuple[str, str, str]]:
    return [
        (e.actor, e.action, e.result) for e in AuditLog(bot.runtime.settings.audit_db).entries()
    ]


def test_reindex_by_someone_who_is_not_an_admin_is_refused_and_logged(bot: Bot) -> None:
    before = current_name(bot.runtime.settings.index_dir)
    acked = bot.command("", name="/reindex", user="U1")
    assert acked.status == 200
    assert "only the bot's admins can rebuild the index" in json.loads(acked.body)["text"]
    assert current_name(bot.runtime.settings.index_dir) == before
    assert _audit(bot) == [("slack:U1", "rebuild_refused", "refused")]


def test_an_admin_reindex_reports_progress_then_the_diff(bot: Bot) -> None:
    (bot.runtime.settings.knowledge_dir / "guidance" / "contact.md").write_bytes(NEW_DOC)
    acked = bot.command("", name="/reindex", user="UADMIN")
    assert "Rebuilding the index" in json.loads(acked.body)["text"]
    done = bot.slack.wait_for("response_url")[-1].params["text"]
    assert done.startswith("Rebuilt") and "added: guidance/contact.md" in done
    answer = bot.runtime.current().answer("supervised contact birth parents")
    assert answer.passages[0].hit.chunk.source == "guidance/contact.md"
    assert _audit(bot)[0][:3] == ("slack:UADMIN", "rebuild", "ok")


def test_an_admin_upload_is_stored_offered_for_rebuild_and_then_answered_from(bot: Bot) -> None:
    _file_share(bot, "contact.md", NEW_DOC)
    saved = bot.slack.wait_for("chat.postMessage")[0].params
    assert "Saved *uploads/contact.md*" in saved["text"]
    download = bot.slack.of("GET")[0]
    assert download.params["authorization"] == "Bearer xoxb-test"
    stored = bot.runtime.settings.knowledge_dir / "uploads" / "contact.md"
    assert stored.read_bytes() == NEW_DOC

    bot.press(button(blocks_of(saved), "reindex_now"), user="UADMIN")
    done = bot.slack.wait_for("response_url", count=2)[-1].params["text"]
    assert "added: uploads/contact.md" in done
    answer = bot.runtime.current().answer("supervised contact birth parents")
    assert answer.passages[0].hit.chunk.source == "uploads/contact.md"
    assert ("slack:UADMIN", "upload", "ok") in _audit(bot)


def test_an_upload_with_the_same_name_replaces_and_keeps_the_old_copy(bot: Bot) -> None:
    _file_share(bot, "plans.md", NEW_DOC, ts="2.1")
    text = bot.slack.wait_for("chat.postMessage")[0].params["text"]
    assert "Saved *guidance/plans.md* (replacing the old copy, kept as plans.md." in text
    knowledge = bot.runtime.settings.knowledge_dir
    assert (knowledge / "guidance" / "plans.md").read_bytes() == NEW_DOC
    kept = list((knowledge / ".previous" / "guidance").glob("plans.md.*"))
    assert len(kept) == 1 and b"Second or subsequent plans" in kept[0].read_bytes()


def test_uploads_from_non_admins_or_of_the_wrong_kind_are_refused(bot: Bot) -> None:
    _file_share(bot, "contact.md", NEW_DOC, user="U1", ts="3.1")
    _file_share(bot, "budget.xlsx", b"PK\x03\x04", ts="3.2")
    _file_share(bot, "huge.pdf", b"%PDF", size=25 * 1024 * 1024, ts="3.3")
    _file_share(bot, "broken.pdf", b"%PDF-1.4 nonsense", ts="3.4")
    texts = [c.params["text"] for c in bot.slack.wait_for("chat.postMessage", count=4)]
    assert any("only the bot's admins can add documents" in t for t in texts)
    assert any("*budget.xlsx* was not added: '.xlsx' files are not accepted" in t for t in texts)
    assert any("*huge.pdf* was not added: it is 26.2 MB; the limit is 20 MB" in t for t in texts)
    assert any("*broken.pdf* was not added: it is not a readable PDF" in t for t in texts)
    assert not (bot.runtime.settings.knowledge_dir / "uploads").exists()
    assert [c.path for c in bot.slack.of("GET")] == ["/files/broken.pdf"]  # checked before download
    assert ("slack:U1", "upload_refused", "refused") in _audit(bot)

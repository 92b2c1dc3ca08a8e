"""Admins keep the knowledge current from Slack: /reindex, uploads in a DM, the audit trail."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.devtools.fake_slack import Posted
from bot.index.versions import current_name
from bot.stores.audit import AuditLog
from tests.fakes.slack import Bot, blocks_of, button, texts

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
    assert (acked.status, acked.body) == (200, "")  # acknowledged before anything is checked
    refused = bot.slack.wait_for("response_url")[0].params
    assert refused["response_type"] == "ephemeral"
    assert "only the bot's admins can rebuild the index" in refused["text"]
    assert current_name(bot.runtime.settings.index_dir) == before
    assert _audit(bot) == [("slack:U1", "rebuild_refused", "refused")]


def test_an_admin_reindex_reports_progress_then_the_diff(bot: Bot) -> None:
    (bot.runtime.settings.knowledge_dir / "guidance" / "contact.md").write_bytes(NEW_DOC)
    acked = bot.command("", name="/reindex", user="UADMIN")
    assert (acked.status, acked.body) == (200, "")
    started, done = (c.params["text"] for c in bot.slack.wait_for("response_url", count=2))
    assert "Rebuilding the index" in started
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


# Issue 11: uploads are fetched only from Slack, and the bot token goes nowhere else.


class _Outsider:
    """A second loopback server, standing for a host that is not Slack: it records every
    connection and the Authorization header of every request it is sent."""

    def __init__(self) -> None:
        outsider = self
        self.connections = 0
        self.authorizations: list[str | None] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outsider.authorizations.append(self.headers.get("Authorization"))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(NEW_DOC)

        class Server(ThreadingHTTPServer):
            def verify_request(self, request: Any, client_address: Any) -> bool:
                outsider.connections += 1
                return True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def outsider() -> Iterator[_Outsider]:
    server = _Outsider()
    yield server
    server.stop()


def _share_link(bot: Bot, url: str, *, name: str = "contact.md", ts: str = "4.1") -> str:
    """Send one file whose download link is `url`; the bot's reply to the admin."""
    bot.event(
        {
            "type": "message",
            "subtype": "file_share",
            "channel_type": "im",
            "channel": "D9",
            "user": "UADMIN",
            "text": "",
            "ts": ts,
            "files": [
                {"id": "F1", "name": name, "size": len(NEW_DOC), "url_private_download": url}
            ],
        },
        event_id=f"Ev-{ts}",
    )
    return str(bot.slack.wait_for("chat.postMessage")[0].params["text"])


@pytest.mark.parametrize(
    "link",
    [
        "file://{secret}",
        "http://localhost:{fake_port}/files/contact.md",
        "http://127.0.0.1:{outsider_port}/files/contact.md",
        "https://localhost:{outsider_port}/files/contact.md",
        "ftp://127.0.0.1:{outsider_port}/contact.md",
    ],
    ids=["file", "http-other-host", "http-other-port", "https-other-host", "ftp"],
)
def test_an_upload_link_that_is_not_a_slack_file_address_is_refused_unfetched(
    bot: Bot, outsider: _Outsider, tmp_path: Path, link: str
) -> None:
    secret = tmp_path / "secret.md"  # a file on the server that must never be read
    secret.write_bytes(NEW_DOC)
    bot.slack.files["contact.md"] = NEW_DOC
    url = link.format(
        secret=secret,
        fake_port=bot.slack.url.rsplit(":", 1)[-1],
        outsider_port=outsider.port,
    )
    reply = _share_link(bot, url)
    assert reply == "*contact.md* was not added: the file link is not a Slack file address."
    assert not (bot.runtime.settings.knowledge_dir / "uploads").exists()
    assert bot.slack.of("GET") == [] and outsider.connections == 0  # no request was made
    assert ("slack:UADMIN", "upload", "refused") in _audit(bot)


def test_a_redirect_away_from_slack_is_not_followed_and_never_gets_the_token(
    bot: Bot, outsider: _Outsider
) -> None:
    elsewhere = f"http://127.0.0.1:{outsider.port}/files/contact.md"
    bot.slack.redirects["/files/hop.md"] = elsewhere
    reply = _share_link(bot, f"{bot.slack.url}/files/hop.md", name="hop.md")
    assert outsider.authorizations == [] and outsider.connections == 0
    assert reply == "*hop.md* was not added: the file link led away from Slack."
    assert not (bot.runtime.settings.knowledge_dir / "uploads").exists()
    assert ("slack:UADMIN", "upload", "refused") in _audit(bot)


def test_a_redirect_within_slack_is_followed(bot: Bot) -> None:
    bot.slack.files["contact.md"] = NEW_DOC
    bot.slack.redirects["/files/hop.md"] = f"{bot.slack.url}/files/contact.md"
    reply = _share_link(bot, f"{bot.slack.url}/files/hop.md")
    assert reply.startswith("Saved *uploads/contact.md*")
    assert [c.params["authorization"] for c in bot.slack.of("GET")] == ["Bearer xoxb-test"] * 2


def test_a_refused_upload_names_the_file_and_reason_but_no_server_path(bot: Bot) -> None:
    knowledge = bot.runtime.settings.knowledge_dir
    (knowledge / "uploads").write_text("a file where the uploads folder should be")
    bot.slack.files["contact.md"] = NEW_DOC
    reply = _share_link(bot, f"{bot.slack.url}/files/contact.md")
    assert reply.startswith("*contact.md* was not added: ")
    assert str(knowledge.parent) not in reply
    assert re.search(r"(?:^|[\s'\"(:])/[^\s/]+/", reply) is None, reply  # no absolute path
    assert ("slack:UADMIN", "upload", "refused") in _audit(bot)


def test_a_failed_download_reply_has_no_server_path(bot: Bot) -> None:
    reply = _share_link(bot, f"{bot.slack.url}/files/missing.md", name="missing.md")
    assert reply == "*missing.md* was not added: Slack did not send the file (HTTP 404)."


# Issue 11: a rebuild never holds one of Bolt's listener threads, so questions keep being
# acknowledged within Slack's 3 seconds while it runs.

ASKS = 16


class _BlockedRebuild:
    """runtime.rebuild held until released (then the real one runs), noting its thread."""

    def __init__(self, bot: Bot) -> None:
        self.real = bot.runtime.rebuild
        self.started = threading.Event()
        self.release = threading.Event()
        self.threads: list[str] = []

    def __call__(self, *, on_progress: Any = None) -> Any:
        self.threads.append(threading.current_thread().name)
        self.started.set()
        self.release.wait(30)
        return self.real(on_progress=on_progress)


@pytest.fixture
def blocked(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> Iterator[_BlockedRebuild]:
    rebuild = _BlockedRebuild(bot)
    monkeypatch.setattr(bot.runtime, "rebuild", rebuild)
    try:
        yield rebuild
    finally:
        rebuild.release.set()
        bot.slack.wait_quiet(seconds=0.5, timeout=20)  # let the rebuild finish and report


def _ask_all(bot: Bot) -> list[Posted]:
    with ThreadPoolExecutor(max_workers=ASKS) as pool:
        return list(pool.map(lambda n: bot.command("rcpc timescale", user=f"UASK{n}"), range(ASKS)))


def _answers(bot: Bot, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answers = [c.params for c in bot.slack.of("response_url") if "blocks" in c.params]
        if len(answers) >= count:
            return answers
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} answers within {timeout}s")


def test_questions_are_acked_within_3s_while_a_rebuild_runs(
    bot: Bot, blocked: _BlockedRebuild
) -> None:
    acked = bot.command("", name="/reindex", user="UADMIN")
    assert acked.status == 200 and acked.seconds < 3
    assert blocked.started.wait(5)
    asked = _ask_all(bot)
    assert [(p.status, p.seconds < 3) for p in asked] == [(200, True)] * ASKS
    assert all("Review conferences" in texts(a["blocks"]) for a in _answers(bot, ASKS))
    assert blocked.threads == ["rebuild"]  # its own thread, not one of Bolt's listeners
    blocked.release.set()
    done = bot.slack.wait_for("response_url", count=ASKS + 2)
    assert any(c.params.get("text", "").startswith("Rebuilt") for c in done)


def test_a_second_rebuild_while_one_runs_is_told_to_wait(
    bot: Bot, blocked: _BlockedRebuild
) -> None:
    bot.command("", name="/reindex", user="UADMIN")
    assert blocked.started.wait(5)
    pressed = [  # an impatient admin (each press its own request, so none is a replay)
        bot.click(
            {"action_id": "reindex_now", "block_id": f"b{n}", "value": "rebuild", "type": "button"},
            user="UADMIN",
        )
        for n in range(4)
    ]
    assert [p.status for p in pressed] == [200] * 4
    busy = bot.slack.wait_for("response_url", count=5)
    assert sum("wait for it to finish" in c.params.get("text", "") for c in busy) == 4
    asked = _ask_all(bot)
    assert [(p.status, p.seconds < 3) for p in asked] == [(200, True)] * ASKS
    assert len(_answers(bot, ASKS)) == ASKS
    assert blocked.threads == ["rebuild"]
    assert [a for a in _audit(bot) if a[2] == "busy"] == [("slack:UADMIN", "rebuild", "busy")] * 4

"""Each listener called directly with mocked ack / respond / client, as Bolt would call it."""

from __future__ import annotations

import io
import urllib.request
from collections.abc import Iterator
from typing import Any
from unittest.mock import MagicMock, call

import pytest
from pydantic import SecretStr
from slack_bolt import BoltRequest

from bot.runtime import Runtime
from bot.slack.admin import Admins
from bot.slack.deps import SlackDeps
from bot.slack.listeners.actions import more_action
from bot.slack.listeners.admin import handle_upload, reindex_command
from bot.slack.listeners.commands import ask_command
from bot.slack.listeners.events import mention_event, message_event
from bot.slack.listeners.feedback import verdict_action
from bot.slack.wiring import slack_deps
from bot.stores.backends import open_stores

FIRST = BoltRequest(body="{}", headers={})  # a first delivery, not Slack's retry


@pytest.fixture
def deps(runtime: Runtime) -> Iterator[SlackDeps]:
    stores = open_stores(runtime.settings)
    yield slack_deps(runtime, stores)
    stores.close()


def test_ask_acks_before_it_answers(deps: SlackDeps) -> None:
    order = MagicMock()
    ask_command(deps)(
        ack=order.ack, command={"text": "rcpc timescale", "user_id": "U1"}, respond=order.respond
    )
    assert [c[0] for c in order.mock_calls] == ["ack", "respond"]
    kwargs = order.respond.call_args.kwargs
    assert kwargs["response_type"] == "ephemeral"
    assert "Review conferences" in str(kwargs["blocks"])


def test_ask_without_a_question_gets_the_help_text(deps: SlackDeps) -> None:
    respond = MagicMock()
    ask_command(deps)(ack=MagicMock(), command={"text": "  ", "user_id": "U1"}, respond=respond)
    assert respond.call_args.kwargs["text"].startswith("Ask a practice question")
    assert deps.store.summary().answers == 0


def test_a_mention_is_answered_in_its_thread(deps: SlackDeps) -> None:
    client = MagicMock()
    event = {
        "type": "app_mention",
        "channel": "C1",
        "ts": "5.5",
        "user": "U1",
        "text": "<@UBOT> second cp plan",
    }
    mention_event(deps)(event=event, body={"event_id": "Ev1"}, client=client, request=FIRST)
    kwargs = client.chat_postMessage.call_args.kwargs
    assert (kwargs["channel"], kwargs["thread_ts"]) == ("C1", "5.5")
    status = client.assistant_threads_setStatus.call_args.kwargs
    assert (status["channel_id"], status["thread_ts"]) == ("C1", "5.5")
    assert status["status"] == "Searching the findings and guidance…"
    assert 1 <= len(status["loading_messages"]) <= 10
    assert not client.reactions_add.called  # the status shows the bot is working


def test_where_slack_refuses_the_status_a_reaction_shows_work_instead(deps: SlackDeps) -> None:
    from slack_sdk.errors import SlackApiError

    client = MagicMock()
    client.assistant_threads_setStatus.side_effect = SlackApiError(
        "no", {"ok": False, "error": "not_allowed_token_type"}
    )
    event = {"channel": "C1", "ts": "5.6", "user": "U1", "text": "<@UBOT> second cp plan"}
    mention_event(deps)(event=event, body={"event_id": "Ev1b"}, client=client, request=FIRST)
    assert client.reactions_add.call_args == call(channel="C1", timestamp="5.6", name="mag")
    assert client.reactions_remove.call_args == call(channel="C1", timestamp="5.6", name="mag")
    assert client.chat_postMessage.called


def test_a_reply_inside_a_thread_stays_in_that_thread(deps: SlackDeps) -> None:
    client = MagicMock()
    event = {"channel": "C1", "ts": "6.6", "thread_ts": "5.5", "user": "U1", "text": "<@UBOT> rcpc"}
    mention_event(deps)(event=event, body={"event_id": "Ev2"}, client=client, request=FIRST)
    assert client.chat_postMessage.call_args.kwargs["thread_ts"] == "5.5"


def test_a_reaction_failure_does_not_stop_the_answer(deps: SlackDeps) -> None:
    from slack_sdk.errors import SlackApiError

    client = MagicMock()
    refused = SlackApiError("no", {"ok": False, "error": "missing_scope"})
    client.assistant_threads_setStatus.side_effect = refused
    client.reactions_add.side_effect = refused
    event = {"channel": "D1", "channel_type": "im", "ts": "7.7", "user": "U1", "text": "rcpc"}
    message_event(deps)(
        event=event,
        body={"event_id": "Ev3"},
        client=client,
        context=MagicMock(bot_user_id="UB"),
        request=FIRST,
    )
    assert client.chat_postMessage.called
    assert not client.reactions_remove.called  # nothing to take away


def test_feedback_on_an_unknown_answer_says_it_was_not_recorded(deps: SlackDeps) -> None:
    respond = MagicMock()
    verdict_action(deps, helpful=False)(
        ack=MagicMock(),
        action={"value": "no-such-answer"},
        body={"user": {"id": "U1"}},
        respond=respond,
    )
    assert "could not be recorded" in respond.call_args.kwargs["text"]


# Issue 11: admin listeners acknowledge first; upload links must be Slack's own.


def _admin_deps(deps: SlackDeps) -> SlackDeps:
    deps.admin.admins = Admins(frozenset({"UADMIN"}), usergroup="SADMINS")
    return deps


def test_reindex_acks_before_it_asks_slack_who_the_admins_are(deps: SlackDeps) -> None:
    order = MagicMock()
    order.client.usergroups_users_list.return_value = {"users": []}
    reindex_command(_admin_deps(deps))(
        ack=order.ack, command={"user_id": "U1"}, respond=order.respond, client=order.client
    )
    assert [c[0] for c in order.mock_calls][:2] == ["ack", "client.usergroups_users_list"]
    assert "only the bot's admins" in order.respond.call_args.kwargs["text"]


class _Opened(io.BytesIO):
    def __enter__(self) -> _Opened:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[urllib.request.Request]:
    """Every request the bot opens, answered with a small Markdown file (no network)."""
    requests: list[urllib.request.Request] = []

    def fake_open(self: object, request: urllib.request.Request, *a: object, **k: object) -> Any:
        requests.append(request)
        return _Opened(b"# Contact\n\nSupervised contact is reviewed.\n")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", fake_open)
    return requests


def _upload(deps: SlackDeps, url: str) -> str:
    client = MagicMock()
    event = {
        "channel": "D9",
        "user": "UADMIN",
        "files": [{"id": "F1", "name": "contact.md", "size": 40, "url_private_download": url}],
    }
    handle_upload(_admin_deps(deps), client, event)
    return str(client.chat_postMessage.call_args.kwargs["text"])


@pytest.mark.parametrize(
    "url",
    [
        "https://files.slack.com.evil.test/files-pri/T1-F1/contact.md",
        "https://files.slack.com@evil.test/contact.md",
        "https://evil.test\\@files.slack.com/contact.md",
        "https://evil.test/?next=https://files.slack.com/contact.md",
        "https://evil.test#https://files.slack.com/contact.md",
        "https://files.slack.com:8443/contact.md",
        "http://files.slack.com/contact.md",
        "https://files.slack.com\t.evil.test/contact.md",
        "https:///files.slack.com/contact.md",
        "https://files%2eslack%2ecom/contact.md",
        " file:///etc/passwd",
        "<URL:file:///etc/passwd>",
        "data:text/markdown;base64,IyBDb250YWN0Cg==",
        "ftp://files.slack.com/contact.md",
        "//files.slack.com/contact.md",
    ],
)
def test_upload_links_off_slacks_file_hosts_are_never_opened(
    deps: SlackDeps, opened: list[urllib.request.Request], url: str
) -> None:
    reply = _upload(deps, url)
    assert reply == "*contact.md* was not added: the file link is not a Slack file address."
    assert opened == []


@pytest.mark.parametrize(
    "url",
    [
        "https://files.slack.com/files-pri/T1-F1/download/contact.md",
        "https://FILES.Slack.com:443/files-pri/T1-F1/download/contact.md",
        "https://files.slack-gov.com/files-pri/T1-F1/download/contact.md",
        "https://slack.com/api/files/contact.md",  # the configured Web API's own host
    ],
)
def test_upload_links_on_slacks_file_hosts_are_fetched_with_the_token(
    deps: SlackDeps, opened: list[urllib.request.Request], url: str
) -> None:
    deps.admin.bot_token = SecretStr("xoxb-unit")
    assert _upload(deps, url).startswith("Saved *uploads/contact.md*")
    assert [r.full_url for r in opened] == [url]
    assert opened[0].get_header("Authorization") == "Bearer xoxb-unit"


def test_more_sources_for_an_answer_no_longer_held_says_to_ask_again(deps: SlackDeps) -> None:
    respond = MagicMock()
    more_action(deps)(
        ack=MagicMock(), action={"value": "0" * 32}, body={"user": {"id": "U1"}}, respond=respond
    )
    assert "ask again" in respond.call_args.kwargs["text"]
    assert respond.call_args.kwargs["response_type"] == "ephemeral"

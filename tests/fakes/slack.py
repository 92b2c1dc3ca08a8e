"""The real Bolt app served over HTTP on loopback against the fake Slack Web API, and the
helpers the Slack scenario tests share (the `bot` fixture lives in conftest.py)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.devtools.fake_slack import FakeSlack, Posted, envelope, post, sign
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.wiring import assemble
from tests.fakes.embedder import FakeEmbedder

SECRET = "test-signing-secret"


@dataclass
class Bot:
    url: str
    slack: FakeSlack
    runtime: Runtime

    def send(self, body: str, content_type: str, extra: dict[str, str] | None = None) -> Posted:
        headers = {"Content-Type": content_type, **sign(SECRET, body), **(extra or {})}
        return post(f"{self.url}/slack/events", body, headers)

    def event(
        self, event: dict[str, Any], *, event_id: str = "Ev1", retry: int | None = None
    ) -> Posted:
        body = envelope(event, event_id=event_id)
        extra = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else {}
        )
        return self.send(body, "application/json", extra)

    def command(self, text: str, *, name: str = "/ask", user: str = "U1") -> Posted:
        form = command_form(
            text, name=name, user=user, response_url=f"{self.slack.url}/response/ask"
        )
        return self.send(form, FORM)

    def press(self, button: dict[str, Any], *, user: str = "U1") -> Posted:
        """Click a button from a posted message, as Slack sends the block action."""
        return self.click(button_action(button), user=user)

    def click(self, action: dict[str, Any], *, user: str = "U1") -> Posted:
        response_url = f"{self.slack.url}/response/click"
        return self.send(block_action(action, user=user, response_url=response_url), FORM)


FORM = "application/x-www-form-urlencoded"


def command_form(text: str, *, name: str, user: str, response_url: str) -> str:
    """A slash command's body, as Slack posts it."""
    form = {
        "command": name,
        "text": text,
        "user_id": user,
        "user_name": "sam",
        "channel_id": "C1",
        "team_id": "T1",
        "trigger_id": "1.2.3",
        "response_url": response_url,
    }
    return urllib.parse.urlencode(form)


def button_action(button: dict[str, Any]) -> dict[str, Any]:
    """The action Slack sends when a button from a posted message is clicked."""
    return {
        "action_id": button["action_id"],
        "block_id": "b",
        "value": button["value"],
        "type": "button",
    }


def block_action(action: dict[str, Any], *, user: str, response_url: str) -> str:
    """A block_actions payload's body, as Slack posts it."""
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "1.2.3",
        "channel": {"id": "C1"},
        "container": {"type": "message"},
        "actions": [action],
        "response_url": response_url,
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def serve_bot(settings: Settings, fake_embedder: FakeEmbedder) -> Iterator[Bot]:
    slack = FakeSlack().start()
    configured = settings_with_slack(settings, slack.url)
    worker = assemble(configured, embedder=fake_embedder)
    server = worker.http_server(host="127.0.0.1", port=0).start()
    try:
        yield Bot(f"http://127.0.0.1:{server.port}", slack, worker.runtime)
    finally:
        server.stop()
        worker.close()
        slack.stop()


def settings_with_slack(settings: Settings, api_url: str) -> Settings:
    values = settings.model_dump(
        exclude={"slack_bot_token", "slack_signing_secret", "slack_api_url", "slack_admin_user_ids"}
    )
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        **values,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=f"{api_url}/api/",
        slack_admin_user_ids="UADMIN",
    )


def texts(blocks: list[dict[str, Any]] | str) -> str:
    return blocks if isinstance(blocks, str) else json.dumps(blocks)


def blocks_of(params: dict[str, Any]) -> list[dict[str, Any]]:
    """Blocks as the Web API received them (JSON body, or a JSON string in a form)."""
    blocks = params["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    """The button with this action id in a message's actions blocks."""
    return next(
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )

"""The HTTP trust boundary (issue 11): requests that fail Slack's signature check, oversized
or malformed bodies and replays, against the real Bolt app served on loopback."""

from __future__ import annotations

import io
import json
import logging
import re
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App

import bot as bot_package
from bot.devtools.fake_slack import FakeSlack, envelope, mention, post, sign
from bot.errors import ConfigError
from bot.settings import Settings
from bot.slack.memory import SlackMemory
from bot.slack.serve import EVENTS_PATH, wsgi_app
from bot.slack.verify import MAX_BODY_BYTES, RequestGate
from bot.slack.wiring import assemble
from bot.stores.state import MemoryState
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.slack import SECRET, Bot, button, settings_with_slack

NHS_NUMBER = "943 476 5919"
NAME = "Kezia Thornbury-Vale"
CANARY_URL_PATH = "/response/canary-7f3a"


def _ask_form(bot: Bot, text: str, *, response_path: str = "/response/ask") -> str:
    return urllib.parse.urlencode(
        {
            "command": "/ask",
            "text": text,
            "user_id": "U1",
            "user_name": "sam",
            "channel_id": "C1",
            "team_id": "T1",
            "trigger_id": "1.2.3",
            "response_url": f"{bot.slack.url}{response_path}",
        }
    )


def _event_with_response_url(bot: Bot, text: str) -> str:
    """An event body naming a channel, a thread and a response_url: all an attacker could aim at."""
    body = json.loads(envelope(mention(text), event_id="EvForged"))
    body["response_url"] = f"{bot.slack.url}{CANARY_URL_PATH}"
    return json.dumps(body)


def _refused_headers(body: str) -> dict[str, dict[str, str]]:
    """Every way a request can fail verification, keyed by a name for the failure message."""
    good = sign(SECRET, body)
    now = int(time.time())
    return {
        "non-numeric timestamp": {**good, "X-Slack-Request-Timestamp": "not-a-number"},
        "float timestamp": {**good, "X-Slack-Request-Timestamp": f"{now}.5"},
        "underscored timestamp": {**good, "X-Slack-Request-Timestamp": f"1_{str(now)[1:]}"},
        "signed timestamp": {**good, "X-Slack-Request-Timestamp": f"+{now}"},
        "huge timestamp": {**good, "X-Slack-Request-Timestamp": "9" * 400},
        "missing timestamp": {"X-Slack-Signature": good["X-Slack-Signature"]},
        "missing signature": {"X-Slack-Request-Timestamp": good["X-Slack-Request-Timestamp"]},
        "no headers": {},
        "stale": sign(SECRET, body, timestamp=now - 3600),
        "from the future": sign(SECRET, body, timestamp=now + 3600),
        "wrong secret": sign("wrong-secret", body),
        "signed for another body": sign(SECRET, body + " "),
        "empty signature": {**good, "X-Slack-Signature": ""},
    }


def _calls_after(slack: FakeSlack, before: int) -> list[str]:
    """What the fake received after `before` calls, once nothing more has arrived for a while."""
    time.sleep(0.3)
    slack.wait_quiet(0.5)
    return [f"{c.method} {c.path}" for c in slack.calls[before:]]


@pytest.mark.parametrize("kind", ["command", "event"])
def test_a_request_failing_verification_gets_401_and_nothing_is_sent(bot: Bot, kind: str) -> None:
    body = (
        _ask_form(bot, "second cp plan", response_path=CANARY_URL_PATH)
        if kind == "command"
        else _event_with_response_url(bot, "second cp plan")
    )
    content_type = "application/x-www-form-urlencoded" if kind == "command" else "application/json"
    before = len(bot.slack.calls)
    statuses = {
        name: post(
            f"{bot.url}{EVENTS_PATH}", body, {"Content-Type": content_type, **headers}
        ).status
        for name, headers in _refused_headers(body).items()
    }
    assert statuses == dict.fromkeys(statuses, 401)
    assert _calls_after(bot.slack, before) == []


def test_a_refused_body_never_reaches_the_logs(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    question = f"can {NAME}, DOB 14/03/2016, NHS {NHS_NUMBER}, go on a second CP plan?"
    for body, content_type in [
        (_event_with_response_url(bot, question), "application/json"),
        (
            _ask_form(bot, question, response_path=CANARY_URL_PATH),
            "application/x-www-form-urlencoded",
        ),
    ]:
        for headers in _refused_headers(body).values():
            post(f"{bot.url}{EVENTS_PATH}", body, {"Content-Type": content_type, **headers})
    _calls_after(bot.slack, 0)
    logged = "\n".join(
        f"{r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}" for r in caplog.records
    )
    for secret in (NHS_NUMBER, "9434765919", "Thornbury", "14/03/2016", "canary-7f3a"):
        assert secret not in logged


def test_an_oversized_body_is_refused_with_413_and_not_acted_on(bot: Bot) -> None:
    question = "second cp plan " + "x" * (MAX_BODY_BYTES + 1024)
    body = _ask_form(bot, question)
    before = len(bot.slack.calls)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
    assert post(f"{bot.url}{EVENTS_PATH}", body, headers).status == 413
    assert _calls_after(bot.slack, before) == []


class _EndlessInput(io.RawIOBase):
    """A request stream that never ends, counting what the app reads from it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        size = 1 << 20 if size is None or size < 0 else size
        self.read_bytes += size
        return b"x" * size


def _environ(body_stream: Any, headers: dict[str, str], **extra: str) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": EVENTS_PATH,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json",
        "wsgi.input": body_stream,
        **extra,
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


@pytest.fixture
def direct(settings: Settings, fake_embedder: FakeEmbedder) -> Iterator[tuple[App, FakeSlack]]:
    """The Bolt app itself, without the HTTP server, against the fake Web API."""
    slack = FakeSlack().start()
    worker = assemble(settings_with_slack(settings, slack.url), embedder=fake_embedder)
    try:
        yield worker.app, slack
    finally:
        worker.close()
        slack.stop()


def _call(app: App, environ: dict[str, Any]) -> tuple[str, bytes]:
    seen: list[str] = []
    gate = RequestGate(SECRET, SlackMemory(MemoryState()))
    chunks = wsgi_app(app, gate)(environ, lambda status, headers, *exc: seen.append(status))
    return seen[0], b"".join(chunks)


@pytest.mark.parametrize(
    "extra", [{"CONTENT_LENGTH": str(10 * 1024 * 1024)}, {"wsgi.input_terminated": "1"}]
)
def test_the_body_cap_reads_no_more_than_the_cap(
    direct: tuple[App, FakeSlack], extra: dict[str, str]
) -> None:
    app, _ = direct
    stream = _EndlessInput()
    status, _ = _call(app, _environ(stream, sign(SECRET, "{}"), **extra))
    assert status.startswith("413")
    assert MAX_BODY_BYTES == 256 * 1024 and stream.read_bytes <= MAX_BODY_BYTES + 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"type": "event_callback", "event": {', "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"just a string"', "application/json"),
        ("payload=%7B%22type%22%3A+%22block_actions", "application/x-www-form-urlencoded"),
        ("payload=%5B%5D", "application/x-www-form-urlencoded"),
        (
            '{"type": "event_callback", "team": 5, "event": {"type": "app_mention"}}',
            "application/json",
        ),
    ],
    ids=["truncated-json", "json-list", "json-string", "bad-payload", "payload-list", "bad-team"],
)
def test_a_signed_but_malformed_body_gets_a_short_400(
    bot: Bot, body: str, content_type: str
) -> None:
    before = len(bot.slack.calls)
    response = post(
        f"{bot.url}{EVENTS_PATH}", body, {"Content-Type": content_type, **sign(SECRET, body)}
    )
    assert response.status == 400
    assert len(response.body) < 100 and "Traceback" not in response.body
    assert _calls_after(bot.slack, before) == []


def test_a_replayed_ask_is_acknowledged_but_answered_once(bot: Bot) -> None:
    body = _ask_form(bot, "what must a letter before proceedings contain?")
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
    assert post(f"{bot.url}{EVENTS_PATH}", body, headers).status == 200
    assert post(f"{bot.url}{EVENTS_PATH}", body, headers).status == 200
    bot.slack.wait_for("response_url")
    _calls_after(bot.slack, 0)
    assert len(bot.slack.of("response_url")) == 1


def test_a_replayed_share_posts_once(bot: Bot) -> None:
    bot.command("second cp plan")
    share = button(bot.slack.wait_for("response_url")[0].params["blocks"], "share_answer")
    payload = {
        "type": "block_actions",
        "user": {"id": "U1"},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "1.2.3",
        "channel": {"id": "C1"},
        "container": {"type": "message"},
        "actions": [{**share, "block_id": "b", "type": "button"}],
        "response_url": f"{bot.slack.url}/response/click",
    }
    body = urllib.parse.urlencode({"payload": json.dumps(payload)})
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
    assert post(f"{bot.url}{EVENTS_PATH}", body, headers).status == 200
    assert post(f"{bot.url}{EVENTS_PATH}", body, headers).status == 200
    _calls_after(bot.slack, 0)
    shared = [
        c for c in bot.slack.of("response_url") if c.params.get("response_type") == "in_channel"
    ]
    assert len(shared) == 1


def test_the_replay_memory_forgets_a_signature_once_it_is_stale() -> None:
    clock = [1_700_000_000.0]
    memory = SlackMemory(MemoryState(clock=lambda: clock[0]))
    now = clock[0]
    assert memory.first_signature("v0=a", expires_at=now + 300, now=now)
    assert not memory.first_signature("v0=a", expires_at=now + 300, now=now)
    clock[0] += 301  # "v0=a" is now too old to pass the signature check: no need to keep it
    assert memory.first_signature("v0=a", expires_at=now + 300, now=clock[0])


def test_signatures_are_checked_in_one_place_with_the_secret_from_settings() -> None:
    """Only the gate in front of Bolt verifies (Bolt's own check is off), it is given the
    secret rather than reading it back from Bolt, and it cannot be built without one."""
    root = Path(bot_package.__file__).parent
    verifying = sorted(
        str(f.relative_to(root))
        for f in root.rglob("*.py")
        if "SignatureVerifier(" in f.read_text()
    )
    assert verifying == ["slack/verify.py"]
    private_bolt = re.compile(r"\bapp\._[a-z]")
    assert [f.name for f in root.rglob("*.py") if private_bolt.search(f.read_text())] == []
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        RequestGate(" ", SlackMemory(MemoryState()))

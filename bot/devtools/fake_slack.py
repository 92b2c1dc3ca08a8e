"""A fake Slack Web API on a loopback port that records every call, and Slack-style signing.

Used by the tests and by `practice-bot bench --load`; it never talks to Slack.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"


@dataclass
class Call:
    method: str  # Web API method ("chat.postMessage") or "response_url"
    params: dict[str, Any]
    path: str
    at: float = field(default_factory=time.monotonic)  # when the fake received it


@dataclass
class FakeSlack:
    """Answers like Slack's Web API; `fail_next[method] = [status, ...]` injects failures."""

    calls: list[Call] = field(default_factory=list)
    fail_next: dict[str, list[int]] = field(default_factory=dict)
    delay_next: dict[str, list[float]] = field(default_factory=dict)  # seconds before answering
    # method -> seconds every call waits before it is answered (a slow Slack, or 429 back-off),
    # or until release(): a stalled call never outlives the test that stalled it
    delay: dict[str, float] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)  # GET path -> Location (a 302)
    # method -> Slack error codes: answered 200 {"ok": false, "error": ...}, as Slack refuses
    refuse_next: dict[str, list[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _changed: threading.Condition = field(init=False)
    _released: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._changed = threading.Condition(self._lock)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def release(self) -> None:
        """Answer every call waiting on `delay` now, and later calls without delay."""
        self.delay.clear()
        self._released.set()

    def wait_before_answering(self, method: str) -> None:
        seconds = self.delay.get(method, 0.0)
        if delays := self.delay_next.get(method):
            seconds += delays.pop(0)
        if seconds > 0:
            self._released.wait(seconds)

    def record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 15.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len([c for c in self.calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"no {count} x {method} within {timeout}s; saw {seen}")
                self._changed.wait(left)
            return [c for c in self.calls if c.method == method]

    def wait_quiet(self, seconds: float = 0.5, timeout: float = 15.0) -> None:
        """Wait until no call has arrived for `seconds` (work after the answer has finished)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while time.monotonic() < deadline:
                last = self.calls[-1].at if self.calls else 0.0
                if time.monotonic() - last >= seconds:
                    return
                self._changed.wait(seconds)

    def reply_for(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if refusals := self.refuse_next.get(method):
            return {"ok": False, "error": refusals.pop(0)}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.test/",
                "team": "Fake",
                "user": "bot",
                "team_id": "T1",
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method in ("chat.postMessage", "chat.postEphemeral"):
            return {"ok": True, "channel": params.get("channel"), "ts": f"{time.time():.6f}"}
        if method == "views.open":
            view = params.get("view")
            view = json.loads(view) if isinstance(view, str) else view or {}
            return {"ok": True, "view": {"id": "V1", **view}}
        return {"ok": True}


def _handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            fake.record(
                Call("GET", {"authorization": self.headers.get("Authorization")}, self.path)
            )
            if location := fake.redirects.get(self.path):
                self.send_response(302)
                self.send_header("Location", location)
                self.end_headers()
                return
            name = self.path.rsplit("/", 1)[-1]
            body = fake.files.get(name)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            if "json" in (self.headers.get("Content-Type") or ""):
                params = json.loads(raw or "{}")
            else:
                params = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
            path = urllib.parse.urlparse(self.path).path
            method = "response_url" if path.startswith("/response/") else path.rsplit("/", 1)[-1]
            fake.record(Call(method, params, path))
            fake.wait_before_answering(method)
            failures = fake.fail_next.get(method)
            if failures:
                status = failures.pop(0)
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                return
            payload = json.dumps(fake.reply_for(method, params)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends: v0 HMAC-SHA256 of 'v0:{timestamp}:{body}' with the secret."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Posted:
    status: int
    body: str
    seconds: float


def post(url: str, body: str, headers: dict[str, str]) -> Posted:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Posted(response.status, response.read().decode(), time.monotonic() - started)
    except urllib.error.HTTPError as exc:
        return Posted(exc.code, exc.read().decode(), time.monotonic() - started)


def envelope(event: dict[str, Any], *, event_id: str = "Ev1") -> str:
    """An Events API request body around one event, as Slack sends it."""
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
    )


def mention(
    text: str, *, ts: str = "1700000000.000100", user: str = "U1", **extra: Any
) -> dict[str, Any]:
    """An app_mention event: someone @-mentions the bot in channel C1."""
    return {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "channel": "C1",
        "ts": ts,
        "event_ts": ts,
        **extra,
    }


def dm(
    text: str, *, ts: str, channel: str = "D1", user: str = "U1", **extra: Any
) -> dict[str, Any]:
    """A direct message event, as Slack sends it for message.im."""
    return {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        **extra,
    }


def channel_message(
    text: str,
    *,
    ts: str,
    thread_ts: str | None = None,
    channel: str = "C1",
    user: str = "U1",
    **extra: Any,
) -> dict[str, Any]:
    """A message in a public channel, as Slack sends it for message.channels (in a thread when
    `thread_ts` is given)."""
    event = {
        "type": "message",
        "channel_type": "channel",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        **extra,
    }
    return {**event, "thread_ts": thread_ts} if thread_ts else event


def message_shortcut(
    text: str,
    *,
    callback_id: str,
    response_url: str,
    user: str = "U1",
    channel: str = "C1",
    ts: str = "1700000000.000900",
) -> dict[str, Any]:
    """The interaction payload of a message shortcut used on a message in `channel`."""
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": "1.2.3",
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "user": {"id": user},
        "channel": {"id": channel},
        "message_ts": ts,
        "message": {"type": "message", "user": "U9", "text": text, "ts": ts},
        "response_url": response_url,
    }


def view_submission(
    view: dict[str, Any], values: dict[str, Any], *, user: str = "U1"
) -> dict[str, Any]:
    """The interaction payload when someone submits a modal: the view as opened, with the
    values of its inputs as state (block_id -> action_id -> value)."""
    return {
        "type": "view_submission",
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "user": {"id": user},
        "trigger_id": "1.2.4",
        "view": {**view, "id": "V1", "state": {"values": values}},
    }


def form(payload: dict[str, Any]) -> str:
    """An interaction payload as Slack posts it: form-encoded, under `payload`."""
    return urllib.parse.urlencode({"payload": json.dumps(payload)})

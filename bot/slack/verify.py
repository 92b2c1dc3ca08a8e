"""The trust boundary for Slack's HTTP requests: the body is read (capped), the signature and
timestamp checked and replays refused before anything parses, logs or acts on the body."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from slack_sdk.signature import Clock, SignatureVerifier

from bot.errors import ConfigError
from bot.slack.memory import SlackMemory

log = logging.getLogger(__name__)

# Slack's payloads are small: the largest this bot gets is a button click carrying the clicked
# message, at most 50 blocks of 3,000 characters (blocks.py), about 210 KB form-encoded. A
# bigger body is refused unread, so nobody can make the bot buffer or hash megabytes.
MAX_BODY_BYTES = 256 * 1024
# Slack's rule, which SignatureVerifier applies: a timestamp further than this from now is
# refused, so a signature can be replayed only while its timestamp is within this window.
SIGNATURE_WINDOW_SECONDS = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only: int() also takes " 1", "+1", "1_0"


@dataclass(frozen=True)
class Refusal:
    """The HTTP answer given instead of handing the request to Bolt."""

    status: HTTPStatus
    reason: str = ""


@dataclass(frozen=True)
class Verified:
    """A request body whose signature matched; only now may it be parsed."""

    body: str


class RequestGate:
    """Admits a request to Bolt only if its body is small, signed by Slack and not a replay.
    The one place signatures are checked: Bolt's own check is off (bot/slack/app.py). Replays
    are remembered in the shared State, so one played back to another worker is refused too."""

    def __init__(self, signing_secret: str, memory: SlackMemory, *, clock: Clock | None = None):
        if not signing_secret.strip():
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it."
            )
        self._clock = clock or Clock()
        self._verifier = SignatureVerifier(signing_secret, clock=self._clock)
        self._memory = memory

    def admit(self, environ: Mapping[str, Any]) -> Verified | Refusal:
        """The verified body, or why not. Nothing from the body is logged either way."""
        body = read_body(environ)
        if isinstance(body, Refusal):
            return body
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        problem = self._problem(body, timestamp, signature)
        if problem:
            log.warning("refused a request to the Slack endpoint: %s", problem)
            return Refusal(HTTPStatus.UNAUTHORIZED, "invalid request")
        expires_at = int(timestamp) + SIGNATURE_WINDOW_SECONDS
        if not self._memory.first_signature(
            signature, expires_at=expires_at, now=self._clock.now()
        ):
            # The same signature means the same timestamp and body: already acted on once, so
            # a captured request played back (or a doubled delivery) is acknowledged, not run.
            log.warning("ignored a replayed request to the Slack endpoint")
            return Refusal(HTTPStatus.OK)
        return Verified(body.decode("utf-8"))

    def _problem(self, body: bytes, timestamp: str, signature: str) -> str | None:
        """Why the request is not Slack's, or None; a reason never quotes the body."""
        if not timestamp or not signature:
            return "no signature headers"
        if not _TIMESTAMP.fullmatch(timestamp):
            return "the timestamp is not a number"
        try:
            if self._verifier.is_valid(body, timestamp, signature):
                return None
        except UnicodeDecodeError:
            return "the body is not UTF-8"
        return "the signature does not match or the timestamp is out of date"


def read_body(environ: Mapping[str, Any]) -> bytes | Refusal:
    """At most MAX_BODY_BYTES of the body: a larger one is refused before it is read."""
    declared = environ.get("CONTENT_LENGTH") or ""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if declared:
        if not declared.isascii() or not declared.isdigit():
            return Refusal(HTTPStatus.BAD_REQUEST, "invalid Content-Length")
        if int(declared) > MAX_BODY_BYTES:
            return Refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
        return bytes(stream.read(int(declared)))
    if not environ.get("wsgi.input_terminated"):
        return b""  # PEP 3333: no Content-Length and no end marker means no body
    body = bytes(stream.read(MAX_BODY_BYTES + 1))
    if len(body) > MAX_BODY_BYTES:
        return Refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
    return body

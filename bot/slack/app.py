"""Building the Bolt app: one function, from settings, the answering pipeline and a WebClient."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.errors import ConfigError
from bot.settings import Settings
from bot.slack.deps import SlackDeps
from bot.slack.listeners import register_listeners
from bot.slack.listeners.ack_first import tell_of_failure

log = logging.getLogger(__name__)
# Threads for listeners' work, all of it after the acknowledgement (listeners/ack_first.py).
# Each mostly waits on the Web API (a question takes milliseconds of CPU), so there are more
# than the cores; a bounded pool, so a stalled Slack queues work rather than adding threads.
LISTENER_THREADS = 16


def build_client(settings: Settings) -> WebClient:
    """The Web API client: Slack's URL or SLACK_API_URL, with retries on 429, 5xx and drops."""
    if settings.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set: the Slack bot needs its bot token (xoxb-…).")
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout_seconds,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def create_app(settings: Settings, deps: SlackDeps, *, client: WebClient | None = None) -> App:
    """The Bolt app with every listener registered and one error handler. Its Web API client
    is `client` (or one built from the settings), pointed wherever that one points."""
    web = client or build_client(settings)
    app = App(
        # The token, not the client: given both (and SLACK_BOT_TOKEN is read from the
        # environment whatever is passed), Bolt warns at every start that one goes unused.
        token=web.token,
        # Signatures are checked in one place, before Bolt sees a request: HTTP mode's
        # RequestGate (bot/slack/verify.py), with the secret from Settings. Socket Mode's
        # connection is authenticated by its app token instead.
        signing_secret="",
        request_verification_enabled=False,
        # Bolt would check the token at once, through its own client on slack.com: it is
        # checked below instead, through the client configured here.
        token_verification_enabled=False,
        logger=logging.getLogger("bot.slack.bolt"),
        # Acknowledge on the request's thread, and only then hand the work to the pool: with
        # Bolt's default, a busy pool delays the acknowledgement past Slack's 3 seconds.
        process_before_response=True,
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="listener"),
    )
    _configure(app.client, like=web)
    _check_token(app.client)
    register_listeners(app, deps)

    @app.error
    def on_error(
        error: Exception,
        body: dict[str, Any],
        context: BoltContext,
        client: WebClient,
        respond: Any,
    ) -> BoltResponse:
        """The trace goes to the log; the person who asked gets one short, friendly line."""
        if context.authorize_result is None:
            # Bolt authorizes only after the signature check passes (or in Socket Mode, whose
            # connection is authenticated), so this body is unverified: act on nothing in it.
            log.warning(
                "a request failed before it was verified (%s); nothing in it was acted on",
                type(error).__name__,
            )
            return BoltResponse(status=401, body="")
        log.error("listener failed", exc_info=error)
        tell_of_failure(deps.templates, body, client, respond)
        return BoltResponse(status=200, body="")

    return app


def _configure(client: WebClient, *, like: WebClient) -> None:
    """Give Bolt's client the settings of `like`: the same ones Bolt copies into the client it
    makes for each request (Web API URL, timeout, TLS, proxy, headers, retries)."""
    client.base_url = like.base_url
    client.timeout = like.timeout
    client.ssl = like.ssl
    client.proxy = like.proxy
    client.headers = like.headers
    client.retry_handlers = list(like.retry_handlers)


def _check_token(client: WebClient) -> None:
    """Refuse to start with a token Slack does not accept, saying which setting is wrong."""
    try:
        client.auth_test()
    except SlackApiError as exc:
        raise ConfigError(
            f"Slack refused SLACK_BOT_TOKEN ({exc.response.get('error')}): check the bot token."
        ) from None

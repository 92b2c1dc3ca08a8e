"""Running the Bolt app: Socket Mode (no public URL needed) or HTTP at POST /slack/events."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.errors import ConfigError
from bot.settings import Settings

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HTTP_THREADS = 8


def wsgi_app(app: App) -> Callable[..., Iterable[bytes]]:
    """Slack's requests at /slack/events, and GET /healthz for the load balancer."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return application


def make_http_server(app: App, *, host: str = "0.0.0.0", port: int = 3000) -> Any:
    """A waitress server (port 0 picks a free port: see `.effective_port`); call .run()."""
    from waitress import create_server

    return create_server(
        wsgi_app(app), host=host, port=port, threads=HTTP_THREADS, ident="practice-bot"
    )


def serve_http(app: App, *, host: str, port: int) -> None:
    server = make_http_server(app, host=host, port=port)
    log.info("serving Slack requests at http://%s:%s%s", host, server.effective_port, EVENTS_PATH)
    server.run()


def serve_socket_mode(app: App, settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if settings.slack_app_token is None:
        raise ConfigError(
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with "
            "the connections:write scope. Or run with --http and SLACK_SIGNING_SECRET."
        )
    log.info("connecting to Slack in Socket Mode")
    SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()

"""Running the Bolt app: Socket Mode (no public URL needed) or HTTP at POST /slack/events."""

from __future__ import annotations

import logging
import threading
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


class HttpServer:
    """waitress serving the Bolt app; port 0 picks a free port. `stop()` ends it cleanly."""

    def __init__(self, app: App, *, host: str = "0.0.0.0", port: int = 3000) -> None:
        from waitress import create_server

        self._server: Any = create_server(
            wsgi_app(app), host=host, port=port, threads=HTTP_THREADS, ident="practice-bot"
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def run(self) -> None:
        log.info("serving Slack requests on port %s at %s", self.port, EVENTS_PATH)
        self._server.run()

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self._server.run, name="http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        # Close every socket from inside the server's own loop, which then ends by itself.
        def close_all() -> None:
            for dispatcher in list(self._server._map.values()):
                dispatcher.close()

        self._server.trigger.pull_trigger(close_all)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server.task_dispatcher.shutdown()


def serve_http(app: App, *, host: str, port: int) -> None:
    HttpServer(app, host=host, port=port).run()


def serve_socket_mode(app: App, settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if settings.slack_app_token is None:
        raise ConfigError(
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with "
            "the connections:write scope. Or run with --http and SLACK_SIGNING_SECRET."
        )
    log.info("connecting to Slack in Socket Mode")
    SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()

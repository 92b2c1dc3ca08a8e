"""Running the Bolt app: Socket Mode (no public URL needed) or HTTP at POST /slack/events."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from typing import Any

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse

from bot.errors import ConfigError
from bot.settings import Settings
from bot.slack.shape import shape_problem
from bot.slack.verify import MAX_BODY_BYTES, Refusal, RequestGate

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HTTP_THREADS = 8


def wsgi_app(app: App, gate: RequestGate) -> Callable[..., Iterable[bytes]]:
    """Slack's requests at POST /slack/events, and GET /healthz for the load balancer.

    This is the trust boundary: Bolt sees a request only once RequestGate has checked its
    size, signature and timestamp and that it is not a replay."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == "/healthz":
            return _plain(start_response, HTTPStatus.OK, "ok\n")
        if path != EVENTS_PATH or environ.get("REQUEST_METHOD") != "POST":
            return _plain(start_response, HTTPStatus.NOT_FOUND, "Not Found")
        admitted = gate.admit(environ)
        if isinstance(admitted, Refusal):
            return _plain(start_response, admitted.status, admitted.reason)
        request = _bolt_request(environ, admitted.body)
        if request is None:
            return _plain(start_response, HTTPStatus.BAD_REQUEST, "malformed request body")
        response = app.dispatch(request)
        return _send(start_response, response.status, response.headers, response.body)

    return application


def _bolt_request(environ: dict[str, Any], body: str) -> BoltRequest | None:
    """Bolt's request from a verified body; None if the body is not a Slack payload (Bolt
    parses it here, and would otherwise fail with a trace) or lacks what Bolt reads unchecked."""
    headers = WsgiHttpRequest(environ).get_headers()
    try:
        request = BoltRequest(body=body, query=environ.get("QUERY_STRING", ""), headers=headers)
    except (ValueError, TypeError, AttributeError) as error:  # bad JSON; a list, not an object
        log.warning("refused a signed request whose body is malformed (%s)", type(error).__name__)
        return None
    problem = shape_problem(request.body)
    if problem:
        log.warning("refused a signed request whose body is malformed (%s)", problem)
        return None
    return request


def _plain(start_response: Callable[..., Any], status: int, text: str) -> Iterable[bytes]:
    return _send(start_response, status, {"content-type": ["text/plain; charset=utf-8"]}, text)


def _send(
    start_response: Callable[..., Any],
    status: int,
    headers: dict[str, Sequence[str]],
    body: str,
) -> Iterable[bytes]:
    response = WsgiHttpResponse(status, headers, body)
    start_response(response.status, response.get_headers())
    return response.get_body()


class HttpServer:
    """waitress serving the Bolt app; port 0 picks a free port. `stop()` ends it cleanly.
    Slow clients are bounded by the settings' connection limit and request timeout."""

    def __init__(
        self,
        app: App,
        settings: Settings,
        gate: RequestGate,
        *,
        host: str = "0.0.0.0",
        port: int = 3000,
    ) -> None:
        from waitress import create_server

        from bot.slack.http_limits import WholeRequestChannel, room_for, waitress_options

        self._server: Any = create_server(
            wsgi_app(app, gate),
            host=host,
            port=port,
            threads=HTTP_THREADS,
            ident="practice-bot",
            # waitress buffers a body before the app sees it: refuse a large one as it arrives.
            max_request_body_size=MAX_BODY_BYTES,
            **waitress_options(
                connection_limit=room_for(settings.http_connection_limit),
                request_timeout=settings.http_request_timeout_seconds,
            ),
        )
        self._server.channel_class = WholeRequestChannel
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
        # The worker threads first: one finishing a response wakes the loop through the
        # trigger, and must never write to the trigger's descriptor once it is closed (the
        # number may by then belong to another file).
        self._server.task_dispatcher.shutdown()

        # Then every socket, closed from inside the server's own loop, which ends by itself.
        def close_all() -> None:
            for dispatcher in list(self._server._map.values()):
                dispatcher.close()

        try:
            self._server.trigger.pull_trigger(close_all)
        except OSError:  # the loop's trigger is already gone, so is the loop: close from here
            close_all()
        if self._thread is not None:
            self._thread.join(timeout=10)


def serve_socket_mode(app: App, settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if settings.slack_app_token is None:
        raise ConfigError(
            "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-…) with "
            "the connections:write scope. Or run with --http and SLACK_SIGNING_SECRET."
        )
    log.info("connecting to Slack in Socket Mode")
    SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()

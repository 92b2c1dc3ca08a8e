"""HTTP mode's limits on slow clients (issue 18 finding 2): a request must arrive whole within
the request timeout of its first byte, however slowly it trickles, and an idle connection is
closed after it. The load with hundreds of connections is tests/integration/test_slow_clients.py."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from bot.devtools.slow_clients import SlowClients
from bot.settings import Settings
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.slack import Bot, serve_bot


@pytest.fixture
def quick(settings: Settings, fake_embedder: FakeEmbedder) -> Iterator[Bot]:
    configured = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **{**settings.model_dump(), "http_request_timeout_seconds": 1},
    )
    yield from serve_bot(configured, fake_embedder)


def _port(bot: Bot) -> int:
    return int(bot.url.rsplit(":", 1)[1])


def test_a_request_trickling_in_a_line_at_a_time_is_cut_off(quick: Bot) -> None:
    with SlowClients(_port(quick), connections=1, interval=0.2) as slow:
        deadline = time.monotonic() + 6  # waitress's own timeout was 120 s from the last byte
        while slow.closed_by_server == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
    assert slow.closed_by_server >= 1


def test_a_connection_that_sends_nothing_is_closed(quick: Bot) -> None:
    with socket.create_connection(("127.0.0.1", _port(quick)), timeout=6) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""  # closed by the server, before the socket's own timeout
    assert time.monotonic() - started < 6


def test_a_whole_request_on_a_kept_alive_connection_is_answered(quick: Bot) -> None:
    """The timeout counts from a request's first byte: a connection used again is not cut."""
    with socket.create_connection(("127.0.0.1", _port(quick)), timeout=5) as sock:
        for _ in range(3):
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            response = b""
            while not response.endswith(b"\r\n\r\nok\n"):
                response += sock.recv(4096) or pytest.fail(f"closed after {response!r}")
            assert response.startswith(b"HTTP/1.1 200")
            time.sleep(0.5)

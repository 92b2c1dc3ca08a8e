"""Slow clients ("slowloris") against HTTP mode on this machine: many connections that send a
request's headers a line at a time and never finish it, each reopened as soon as the server
closes it, while GET /healthz and a signed request are timed.

    python -m bot.devtools.slow_clients --port 3000 --connections 200 --seconds 60

It talks to 127.0.0.1 only and is bounded in connections and time. The signed request is
Slack's `url_verification`, which Bolt answers itself: nothing is posted to Slack.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass

from bot.devtools.fake_slack import sign

HOST = "127.0.0.1"
MAX_CONNECTIONS = 2000
MAX_SECONDS = 600.0
PROBE_TIMEOUT = 5.0  # a probe slower than this counts as the bot not answering
CHALLENGE = "slow-clients-probe"
# Straight to loopback: a proxy set in the environment must not carry the probes elsewhere.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class SlowResult:
    connections: int
    seconds: float
    probes: int  # /healthz and signed requests sent while the slow connections were held
    failed: int  # probes without the right answer within PROBE_TIMEOUT
    slowest_probe_s: float
    closed_by_server: int  # slow connections the server ended (each was reopened at once)


class SlowClients:
    """`connections` sockets to 127.0.0.1:`port`, each sending one more header line every
    `interval` seconds; one the server closes is counted and opened again."""

    def __init__(self, port: int, *, connections: int, interval: float = 0.5) -> None:
        if not 1 <= connections <= MAX_CONNECTIONS:
            raise ValueError(f"connections must be 1 to {MAX_CONNECTIONS}")
        self.port = port
        self.connections = connections
        self.interval = interval
        self.closed_by_server = 0
        self._sockets: list[socket.socket | None] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, name="slow-clients", daemon=True)

    def __enter__(self) -> SlowClients:
        self._sockets = [self._open() for _ in range(self.connections)]
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for sock in self._sockets:
            if sock is not None:
                sock.close()

    def _open(self) -> socket.socket | None:
        try:
            sock = socket.create_connection((HOST, self.port), timeout=5)
            sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: localhost\r\n")
            sock.setblocking(False)  # from now on a check or a send never waits
            return sock
        except OSError:
            return None  # tried again on the next round

    def _trickle(self) -> None:
        while not self._stop.wait(self.interval):
            for n, sock in enumerate(self._sockets):
                if self._stop.is_set():
                    return
                if sock is not None and self._still_open(sock):
                    try:
                        sock.send(b"X-Slow: 1\r\n")
                        continue
                    except BlockingIOError:
                        continue  # the server is not reading yet: still held
                    except OSError:
                        pass
                if sock is not None:
                    sock.close()
                    self.closed_by_server += 1
                self._sockets[n] = self._open()

    @staticmethod
    def _still_open(sock: socket.socket) -> bool:
        """False once the server has closed (or answered) this connection."""
        try:
            sock.recv(1)
            return False  # b"" (closed) or an answer: either way the server is done with it
        except BlockingIOError:
            return True  # nothing to read: the server is still waiting for the headers
        except OSError:
            return False


def probe(port: int, secret: str, *, timeout: float = PROBE_TIMEOUT) -> list[float | None]:
    """Seconds for GET /healthz and for a signed url_verification; None for one that got no
    right answer within `timeout`."""
    base = f"http://{HOST}:{port}"
    # A new challenge each time: the same body signed in the same second is a replay, which
    # the bot acknowledges without answering.
    challenge = f"{CHALLENGE}-{uuid.uuid4().hex}"
    body = json.dumps({"type": "url_verification", "token": "t", "challenge": challenge})
    headers = {"Content-Type": "application/json", **sign(secret, body)}
    requests = [
        (urllib.request.Request(f"{base}/healthz"), "ok"),
        (urllib.request.Request(f"{base}/slack/events", body.encode(), headers), challenge),
    ]
    times: list[float | None] = []
    for request, expected in requests:
        started = time.monotonic()
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                ok = response.status == 200 and expected in response.read().decode()
        except (OSError, urllib.error.URLError):
            ok = False
        times.append(time.monotonic() - started if ok else None)
    return times


def run(port: int, *, secret: str, connections: int = 200, seconds: float = 60.0) -> SlowResult:
    """Hold `connections` slow clients for `seconds`, probing the bot all the while."""
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"seconds must be more than 0 and at most {MAX_SECONDS:.0f}")
    times: list[float | None] = []
    started = time.monotonic()
    with SlowClients(port, connections=connections) as clients:
        while time.monotonic() - started < seconds:
            times += probe(port, secret)
            time.sleep(0.5)
        closed = clients.closed_by_server
    answered = [t for t in times if t is not None]
    return SlowResult(
        connections=connections,
        seconds=round(time.monotonic() - started, 1),
        probes=len(times),
        failed=len(times) - len(answered),
        slowest_probe_s=round(max(answered, default=0.0), 3),
        closed_by_server=closed,
    )


def main(argv: list[str] | None = None) -> int:
    from bot.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=3000, help="where `serve --http` listens")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    secret = Settings().slack_signing_secret
    if secret is None:
        parser.error("SLACK_SIGNING_SECRET must be set: the bot's own, to sign the probes")
    result = run(
        args.port,
        secret=secret.get_secret_value(),
        connections=args.connections,
        seconds=args.seconds,
    )
    print(json.dumps(asdict(result), indent=2))
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""What HTTP mode does about slow clients ("slowloris"): anyone who can reach the port can open
connections and send a request a byte at a time, without any secret.

waitress reads every request on one asyncore loop and hands only complete ones to its threads,
so a slow client costs a socket, not a thread. What it can run out of is connections: it stops
accepting at `connection_limit` (default 100), and its `channel_timeout` restarts at every byte
received, so a client sending a header line every few seconds holds its place for ever. Here
the limit is raised (settings.http_connection_limit), the loop uses poll() (select() fails on
descriptors past 1024), and a request must arrive whole within the timeout of its first byte.
"""

from __future__ import annotations

import logging
from typing import Any

from waitress.channel import HTTPChannel

log = logging.getLogger(__name__)

# Open files besides the connections: the index, the model, SQLite, Slack's Web API sockets.
FILES_BESIDES_CONNECTIONS = 256


class WholeRequestChannel(HTTPChannel):  # type: ignore[misc]
    """waitress's connection, except that the bytes of an unfinished request do not count as
    activity: the server's idle check (every `cleanup_interval`, closing channels quiet for
    `channel_timeout`) then ends a request that has not arrived whole within the timeout of
    its first byte. Finished requests, and responses sent, still count as usual."""

    last_activity: float  # waitress's: when the channel last did something (time.time())
    request: Any  # waitress's: the request still arriving, or None

    def handle_read(self) -> None:
        started = self.last_activity
        arriving = self.request is not None  # part of a request came in an earlier read
        super().handle_read()
        if arriving and self.request is not None:  # ... and it is still not complete
            self.last_activity = started


def waitress_options(*, connection_limit: int, request_timeout: int) -> dict[str, Any]:
    """The waitress adjustments that bound slow clients."""
    return {
        "connection_limit": connection_limit,
        "channel_timeout": request_timeout,
        "cleanup_interval": 1,  # the idle check, run from the loop (which wakes every second)
        "asyncore_use_poll": True,
    }


def room_for(connections: int) -> int:
    """Raise this process's soft limit on open files so `connections` fit (an unprivileged
    process may raise it up to the hard limit). Past its limit waitress logs a failed accept()
    in a tight loop. Returns how many connections fit; fewer is logged."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return connections
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + FILES_BESIDES_CONNECTIONS
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return connections
    raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
    except (ValueError, OSError):
        raised = soft
    fit = max(raised - FILES_BESIDES_CONNECTIONS, 10)
    if fit < connections:
        log.warning(
            "only %d open files are allowed (ulimit -n), so HTTP mode takes %d connections at "
            "once, not %d: raise the limit (LimitNOFILE= in a systemd unit)",
            raised,
            fit,
            connections,
        )
    return min(fit, connections)

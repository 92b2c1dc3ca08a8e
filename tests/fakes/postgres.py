"""A private PostgreSQL cluster for the tests: `initdb` into a temporary folder, the server
started on 127.0.0.1 at a free port (its socket in that folder, never the system's), one fresh
database per test, and the whole cluster stopped and deleted at the end of the session.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (Debian's
package makes it). Without the server binaries the PostgreSQL tests skip, saying why, unless
PRACTICE_BOT_REQUIRE_POSTGRES=1 (set by .ci/run), when they fail: CI must never pass without
having run them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

# Read at import, before any test's fixture clears PRACTICE_BOT_* from the environment.
REQUIRED = os.environ.get("PRACTICE_BOT_REQUIRE_POSTGRES") == "1"
START_SECONDS = 60.0
# Durability is not under test: no fsync makes initdb and each CREATE DATABASE fast.
SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class Unavailable(Exception):
    """Why no cluster could be started here."""


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: `pg_config --bindir`, else Debian's layout."""
    candidates = []
    if pg_config := shutil.which("pg_config"):
        try:
            found = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            )
            candidates.append(Path(found.stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return next((c for c in candidates if (c / "initdb").exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    bindir: Path
    folder: Path
    port: int
    as_user: list[str]  # runuser prefix when running as root

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete the cluster."""
        self.stop_server()
        shutil.rmtree(self.folder, ignore_errors=True)

    def stop_server(self) -> None:
        """Stop the server (its connections cut, as when a database goes away), keeping the
        cluster: start_server() brings it back on the same port with the same data."""
        self._pg_ctl("stop", "-m", "fast")

    def start_server(self) -> None:
        """Start the server on the cluster's port (again, after stop_server()), waiting at most
        START_SECONDS for it to answer; Unavailable if it does not."""
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} {SERVER_OPTIONS}"
        _run(self, "pg_ctl", "-D", str(self.folder / "data"), "-l",
             str(self.folder / "server.log"), "-w", "-t", str(int(START_SECONDS)),
             "-o", options, "start")  # fmt: skip
        deadline = time.monotonic() + START_SECONDS
        while not self.ready():
            if time.monotonic() > deadline:
                raise Unavailable(f"the test server did not answer within {START_SECONDS:.0f} s")
            time.sleep(0.2)

    def ready(self) -> bool:
        """Whether the server accepts connections now."""
        done = subprocess.run(
            [str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
            capture_output=True, timeout=10, check=False,
        )  # fmt: skip
        return done.returncode == 0

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
             "-t", "30", *args],
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip


def cluster_for_tests(*, required: bool = REQUIRED) -> Cluster:
    """A started cluster; where none can start, the test is skipped with the reason, or,
    when PostgreSQL is required (CI), failed."""
    try:
        return start_cluster()
    except Unavailable as exc:
        if required:
            pytest.fail(f"PRACTICE_BOT_REQUIRE_POSTGRES=1, but {exc}")
        pytest.skip(f"no PostgreSQL to test against: {exc}")


def start_cluster() -> Cluster:
    """initdb and start a private server, waiting at most START_SECONDS for it to answer."""
    bindir = server_binaries()
    if bindir is None:
        raise Unavailable("the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="practice-bot-pg-"))
    if os.geteuid() == 0:
        try:
            shutil.chown(folder, user="postgres", group="postgres")
        except (LookupError, OSError) as exc:
            reason = f"running as root, and no postgres user to run the server: {exc}"
            raise Unavailable(reason) from None
        as_user = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(bindir, folder, _free_port(), as_user)
    _run(cluster, "initdb", "-D", str(folder / "data"), "-U", "postgres", "-A", "trust",
         "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
    try:
        cluster.start_server()
    except Unavailable:
        cluster.stop()
        raise
    return cluster


def _run(cluster: Cluster, program: str, *args: str) -> None:
    done = subprocess.run(
        [*cluster.as_user, str(cluster.bindir / program), *args],
        capture_output=True, text=True, timeout=START_SECONDS + 30, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        log = cluster.folder / "server.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(cluster.folder, ignore_errors=True)
        raise Unavailable(f"{program} failed: {done.stderr.strip()[-2000:]}\n{tail}")

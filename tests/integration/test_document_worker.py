"""A document worker never outlives its build: killed with kill -9 while a reader hangs, the
build leaves no process behind (the worker's own alarm ends it soon after the time limit)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.fakes.knowledge import REPO


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # reaped by nobody yet: a zombie has finished
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


def test_a_build_killed_while_a_reader_hangs_leaves_no_worker(
    knowledge: Path, tmp_path: Path
) -> None:
    (knowledge / "guidance" / "stuck.txt").write_text("HANG\n", encoding="utf-8")
    pid_file = tmp_path / "worker.pid"
    build = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.readers",
            str(knowledge),
            str(tmp_path / "i"),
            str(pid_file),
        ],
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert build.poll() is None, "the build ended before its reader hung"
            assert time.monotonic() < deadline, "the reader never started to hang"
            time.sleep(0.05)
        worker = int(pid_file.read_text())
        os.kill(build.pid, signal.SIGKILL)
        build.wait(timeout=10)
    finally:
        if build.poll() is None:
            build.kill()
    assert _alive(worker)  # still hanging, its build gone
    deadline = time.monotonic() + 20  # its alarm: the 3 s limit and 5 s of grace
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(worker)

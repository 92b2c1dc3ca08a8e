"""The command line as a user runs it: `python -m bot ...` (or any other `python ...`) in a
child process, from the repository, with none of the caller's PRACTICE_BOT_ or SLACK_
settings leaking in."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.fakes.knowledge import REPO


def cli_env(**settings: str) -> dict[str, str]:
    """This process's environment without its bot settings, plus `settings` (index_dir=...
    becomes PRACTICE_BOT_INDEX_DIR)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRACTICE_BOT_", "SLACK_"))}
    return env | {f"PRACTICE_BOT_{k.upper()}": v for k, v in settings.items()}


def run_python(
    *args: str, stdin: str | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    """`python args...` with `settings` (see cli_env); the caller checks the return code (a
    test of a refusal wants it non-zero)."""
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=cli_env(**settings),
        timeout=120,
    )


def run_cli(
    *args: str, stdin: str | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    """`python -m bot args...`, as run_python."""
    return run_python("-m", "bot", *args, stdin=stdin, **settings)

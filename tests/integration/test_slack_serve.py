"""The Done-when scenario: `practice-bot serve --http --port P` as a real process with the real
model, a signed app_mention posted to it, and the answer posted to the fake Web API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.devtools.fake_slack import BOT_USER_ID, FakeSlack, post, sign

REPO = Path(__file__).resolve().parents[2]
SECRET = "serve-test-secret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, FakeSlack]]:
    slack = FakeSlack().start()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PRACTICE_BOT_"))}
    env |= {
        "SLACK_BOT_TOKEN": "xoxb-serve-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"{slack.url}/api/",
        "PRACTICE_BOT_INDEX_DIR": str(tmp_path / "index"),
        "PRACTICE_BOT_DATA_DIR": str(tmp_path / "data"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "serve",
            "--http",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {process.communicate()[0][-2000:]}")
            time.sleep(0.3)
        yield url, slack
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        slack.stop()


def test_serve_http_answers_a_signed_mention_in_its_thread(served: tuple[str, FakeSlack]) -> None:
    url, slack = served
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T1",
            "api_app_id": "A1",
            "event_id": "EvServe",
            "event_time": int(time.time()),
            "event": {
                "type": "app_mention",
                "user": "U1",
                "channel": "C9",
                "ts": "1700000001.000100",
                "text": f"<@{BOT_USER_ID}> can a child have a second CP plan?",
            },
        }
    )
    acked = post(
        f"{url}/slack/events", body, {"Content-Type": "application/json", **sign(SECRET, body)}
    )
    assert acked.status == 200 and acked.seconds < 3
    posted = slack.wait_for("chat.postMessage", timeout=60)[0].params
    assert posted["channel"] == "C9" and posted["thread_ts"] == "1700000001.000100"
    blocks = json.dumps(posted["blocks"], ensure_ascii=False)
    # The compact answer: the lead (guidance, then what inspectors found) and the best quote;
    # the finding's own citation is behind "more sources".
    assert "Inspectors found" in blocks and "Second or subsequent plans" in blocks
    assert "more sources" in blocks

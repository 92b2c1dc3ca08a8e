"""Two real worker processes (tests/fakes/worker.py) sharing one knowledge folder, one index
folder and one PostgreSQL database, both posting to one fake Slack Web API in this process.

Each request goes to a chosen worker directly, as a load balancer would send it. Every test
starts its own pair on a fresh database and stops both processes at the end, however it ends.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import psycopg
import pytest
from pydantic import SecretStr

from bot.devtools.fake_slack import (
    Call,
    FakeSlack,
    Posted,
    channel_message,
    envelope,
    mention,
    sign,
)
from bot.devtools.fake_slack import post as http_post
from bot.index.versions import list_versions
from bot.runtime import build
from bot.settings import Settings
from bot.slack.admin import BUSY
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.knowledge import REPO, write_knowledge
from tests.fakes.slack import (
    FORM,
    SECRET,
    block_action,
    blocks_of,
    button,
    button_action,
    command_form,
    texts,
)
from tests.fakes.worker import BUILD_SECONDS

pytestmark = pytest.mark.integration

START_SECONDS = 90.0  # both workers importing and loading at once, on a busy machine
ANSWER_SECONDS = 30.0
STOP_SECONDS = 10.0
SOAK_QUESTIONS = 2_000
SOAK_THREADS = 8
SOAK_MEASURE_AT = 500
SOAK_RSS_GROWTH_MIB = 25.0  # question 500 -> 2,000, each worker
OUTAGE_SECONDS = 30.0

KINSHIP = """---
title: Kinship care
kind: guidance
last_reviewed: 2026-01-10
review_due: 2027-01-10
---

# Kinship care

## Viability assessments

A viability assessment of a kinship carer is completed within ten working days of the carer
being identified.
"""
KINSHIP_QUESTION = "viability assessment of a kinship carer"
SOAK_ASKED = [
    "second cp plan",
    "rcpc timescale",
    "what must a letter before proceedings contain?",
    "can a child have a second CP plan?",
]


class Slack(FakeSlack):
    """The fake Web API, also counting the messages posted in each thread as they arrive, so
    a test can wait for one question's answer among thousands."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._threads: dict[str, int] = {}
        self._posted = threading.Condition()

    def record(self, call: Call) -> None:
        super().record(call)
        if call.method == "chat.postMessage":
            with self._posted:
                ts = str(call.params.get("thread_ts"))
                self._threads[ts] = self._threads.get(ts, 0) + 1
                self._posted.notify_all()

    def threads(self) -> dict[str, int]:
        """How many messages were posted in each thread."""
        with self._posted:
            return dict(self._threads)

    def posted_in(self, thread_ts: str) -> int:
        with self._posted:
            return self._threads.get(thread_ts, 0)

    def wait_posted(self, thread_ts: str, count: int = 1, timeout: float = ANSWER_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        with self._posted:
            while self._threads.get(thread_ts, 0) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no {count} message(s) in thread {thread_ts} in {timeout}s"
                    )
                self._posted.wait(left)

    def messages_in(self, thread_ts: str) -> list[dict[str, Any]]:
        return [
            c.params for c in self.of("chat.postMessage") if c.params.get("thread_ts") == thread_ts
        ]

    def responses(self, name: str) -> list[dict[str, Any]]:
        return [c.params for c in self.of("response_url") if c.path == f"/response/{name}"]

    def wait_responses(
        self, name: str, count: int = 1, timeout: float = ANSWER_SECONDS
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(found := self.responses(name)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {count} response(s) at /response/{name} in {timeout}s")
            time.sleep(0.05)
        return found


@dataclass
class Worker:
    """One worker process and what a test sends it, signed as Slack signs."""

    name: str
    process: subprocess.Popen[str]
    log: Path
    log_file: IO[str]
    slack: Slack
    url: str = ""

    def send(self, body: str, content_type: str, headers: dict[str, str]) -> Posted:
        headers = {"Content-Type": content_type, **headers}
        return http_post(f"{self.url}/slack/events", body, headers)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str,
        retry: int | None = None,
        timestamp: int | None = None,
    ) -> Posted:
        """An Events API delivery; `retry` adds Slack's redelivery headers. Slack signs every
        delivery afresh, so a redelivery carries a new timestamp and signature."""
        body = envelope(event, event_id=event_id)
        return self.delivery(body, retry=retry, timestamp=timestamp)

    def delivery(
        self, body: str, *, retry: int | None = None, timestamp: int | None = None
    ) -> Posted:
        headers = sign(SECRET, body, timestamp)
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.send(body, "application/json", headers)

    def command(self, text: str, *, reply: str, name: str = "/ask", user: str = "U1") -> Posted:
        """A slash command whose response_url is /response/<reply> on the fake."""
        response_url = f"{self.slack.url}/response/{reply}"
        body = command_form(text, name=name, user=user, response_url=response_url)
        return self.send(body, FORM, sign(SECRET, body))

    def press(self, pressed: dict[str, Any], *, reply: str, user: str = "U1") -> Posted:
        """A button from a posted message clicked, as Slack sends the block action."""
        response_url = f"{self.slack.url}/response/{reply}"
        body = block_action(button_action(pressed), user=user, response_url=response_url)
        return self.send(body, FORM, sign(SECRET, body))

    def ask(self, text: str, *, ts: str, user: str, event_id: str | None = None) -> Posted:
        """@-mention the bot in C1 with `text`; its answer is posted in thread `ts`."""
        return self.event(mention(text, ts=ts, user=user), event_id=event_id or f"Ev{ts}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def rss_mib(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError(f"no VmRSS for worker {self.name}")

    def log_tail(self, chars: int = 3000) -> str:
        self.log_file.flush()
        return self.log.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not ended within STOP_SECONDS."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_SECONDS)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.log_file.close()


class Deployment:
    """What two workers share: the knowledge and index folders (the index built once, here),
    one database and one fake Slack."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.folder = folder
        self.database_url = database_url
        self.knowledge = write_knowledge(folder / "knowledge")
        self.index_dir = folder / "index"
        prompts = folder / "prompts"
        shutil.copytree(REPO / "prompts", prompts)
        self.settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            knowledge_dir=self.knowledge,
            index_dir=self.index_dir,
            data_dir=folder / "data",
            prompts_dir=prompts,
            reader=False,
            # The fake embedder's similarities are coarser than the real model's (conftest.py).
            strong_similarity=0.6,
            min_similarity=0.2,
            min_coverage=0.6,
        )
        build(self.settings, FakeEmbedder())  # before any worker starts: none builds its own
        self.slack = Slack()
        self.slack.start()
        self.workers: list[Worker] = []

    def environment(self, extra: dict[str, str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PRACTICE_BOT_"))}
        s = self.settings
        env |= {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"{self.slack.url}/api/",
            "SLACK_ADMIN_USER_IDS": "UADMIN,UADMIN2",
            "PRACTICE_BOT_DATABASE_URL": self.database_url,
            "PRACTICE_BOT_KNOWLEDGE_DIR": str(s.knowledge_dir),
            "PRACTICE_BOT_INDEX_DIR": str(s.index_dir),
            "PRACTICE_BOT_DATA_DIR": str(s.data_dir),
            "PRACTICE_BOT_PROMPTS_DIR": str(s.prompts_dir),
            "PRACTICE_BOT_READER": "off",
            "PRACTICE_BOT_STRONG_SIMILARITY": str(s.strong_similarity),
            "PRACTICE_BOT_MIN_SIMILARITY": str(s.min_similarity),
            "PRACTICE_BOT_MIN_COVERAGE": str(s.min_coverage),
            # The redacted question is kept, so a test can see what was searched for.
            "PRACTICE_BOT_STORE_QUESTION_TEXT": "true",
        }
        return env | extra

    def start(
        self, names: tuple[str, ...] = ("A", "B"), extra: dict[str, str] | None = None
    ) -> list[Worker]:
        """Start the workers together; each is ready once it prints its port."""
        started = []
        for name in names:
            log = self.folder / f"worker-{name}.log"
            log_file = log.open("w", encoding="utf-8")
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.fakes.worker", "--port", "0"],
                cwd=REPO,
                env=self.environment(extra or {}),
                stdout=subprocess.PIPE,
                stderr=log_file,
                text=True,
            )
            worker = Worker(name, process, log, log_file, self.slack)
            self.workers.append(worker)
            started.append(worker)
        deadline = time.monotonic() + START_SECONDS
        for worker in started:
            worker.url = f"http://127.0.0.1:{_port(worker, deadline)}"
        return started

    def rows(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url, connect_timeout=5) as db:
            return db.execute(sql, parameters).fetchall()

    def user_hashes(self, users: list[str]) -> dict[str, str]:
        """Each user's hash as the usage store keeps it (the key is the workers' shared one)."""
        from bot.stores.postgres import PostgresDatabase
        from bot.stores.postgres_stores import PostgresUsageStore

        database = PostgresDatabase.open(SecretStr(self.database_url), pool_size=1)
        try:
            store = PostgresUsageStore(database)
            return {user: store.digest(user) for user in users}
        finally:
            database.close()

    def recorded_users(self, users: list[str]) -> set[str]:
        hashes = self.user_hashes(users)
        stored = {row[0] for row in self.rows("SELECT user_hash FROM answers")}
        return {user for user, digest in hashes.items() if digest in stored}

    def close(self) -> None:
        try:
            for worker in self.workers:
                worker.stop()
        finally:
            self.slack.stop()


def _port(worker: Worker, deadline: float) -> int:
    """The port the worker prints once it listens; its log if it never does."""
    lines: queue.Queue[str] = queue.Queue()
    stdout = worker.process.stdout
    assert stdout is not None
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
    except queue.Empty:
        line = ""
    if not line.startswith("listening on "):
        raise AssertionError(f"worker {worker.name} did not start:\n{worker.log_tail()}")
    return int(line.split()[-1])


@pytest.fixture
def deployment(tmp_path: Path, postgres_url: str) -> Iterator[Deployment]:
    shared = Deployment(tmp_path, postgres_url)
    try:
        yield shared
    finally:
        shared.close()


@pytest.fixture
def pair(deployment: Deployment) -> tuple[Worker, Worker]:
    a, b = deployment.start()
    return a, b


def _answer_text(params: dict[str, Any]) -> str:
    return texts(blocks_of(params)) if params.get("blocks") else str(params.get("text", ""))


def _is_answer(params: dict[str, Any]) -> bool:
    """An answer message (with its feedback buttons), not the apology for a failure nor the
    rate limit's refusal."""
    blocks = blocks_of(params) if params.get("blocks") else []
    return any(str(b.get("block_id", "")).startswith("feedback:") for b in blocks)


def _wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.2)


# 1 ------------------------------------------------------------------------------------------


def test_an_event_delivered_to_both_workers_with_a_retry_is_answered_once(
    pair: tuple[Worker, Worker],
) -> None:
    """Slack's redelivery of an event landing on the other worker, at the same moment as the
    first delivery or just after it: one answer between them."""
    a, b = pair
    threads = []
    for n in range(8):
        first, retry = (a, b) if n % 2 == 0 else (b, a)
        ts = f"1700000100.{n:06d}"
        body = envelope(mention("second cp plan", ts=ts, user=f"UR{n}"), event_id=f"EvBoth{n}")
        now = int(time.time())
        with ThreadPoolExecutor(2) as pool:  # both in flight together
            sent = [
                pool.submit(first.delivery, body, timestamp=now - 1),
                pool.submit(retry.delivery, body, retry=1, timestamp=now),
            ]
            assert [f.result().status for f in sent] == [200, 200]
        threads.append(ts)
    for ts in threads:
        a.slack.wait_posted(ts)
    a.slack.wait_quiet(1.0)
    assert {ts: a.slack.posted_in(ts) for ts in threads} == {ts: 1 for ts in threads}
    assert "Second or subsequent plans" in _answer_text(a.slack.messages_in(threads[0])[0])


# 2 ------------------------------------------------------------------------------------------


def test_share_and_more_sources_pressed_on_one_worker_work_on_an_answer_from_the_other(
    pair: tuple[Worker, Worker],
) -> None:
    a, b = pair
    assert a.command("second cp plan", reply="ask-on-A").status == 200
    blocks = a.slack.wait_responses("ask-on-A")[0]["blocks"]

    assert b.press(button(blocks, "more_sources"), reply="more-on-B").status == 200
    more = a.slack.wait_responses("more-on-B")[0]
    assert more["response_type"] == "ephemeral" and more["text"] == "1 more source"
    assert "Inspection finding" in texts(more["blocks"])

    assert b.press(button(blocks, "share_answer"), reply="share-on-B").status == 200
    shared, deleted = a.slack.wait_responses("share-on-B", count=2)
    assert shared["response_type"] == "in_channel"
    assert "Shared by <@U1>" in texts(shared["blocks"])
    assert "Second or subsequent plans" in texts(shared["blocks"])
    assert deleted["delete_original"] is True


# 3 ------------------------------------------------------------------------------------------


def test_a_thread_follow_up_on_the_other_worker_is_answered_with_the_thread_question(
    deployment: Deployment, pair: tuple[Worker, Worker]
) -> None:
    a, b = pair
    follow_up = "how often after that?"
    # Alone, the follow-up finds nothing: asked afresh on B it gets no answer from the plans.
    b.ask(follow_up, ts="1700000300.000001", user="U3")
    a.slack.wait_posted("1700000300.000001")
    alone = _answer_text(a.slack.messages_in("1700000300.000001")[0])
    assert "Second or subsequent plans" not in alone

    thread = "1700000300.000100"
    a.ask("second cp plan", ts=thread, user="U1")
    a.slack.wait_posted(thread)
    # The follow-up in A's thread, as a plain channel message (no mention), lands on B: B only
    # answers it if it knows, from the database, that the bot answered in this thread.
    reply = channel_message(follow_up, ts="1700000300.000200", thread_ts=thread, user="U1")
    assert b.event(reply, event_id="EvFollowUp").status == 200
    a.slack.wait_posted(thread, count=2)
    answered = _answer_text(a.slack.messages_in(thread)[1])
    assert "Second or subsequent plans" in answered
    searched = deployment.rows("SELECT question_text FROM answers WHERE surface = 'thread'")
    assert searched == [(f"second cp plan {follow_up}",)]


# 4 ------------------------------------------------------------------------------------------


def test_a_rebuild_on_one_worker_is_served_by_both_within_ten_seconds(
    deployment: Deployment, pair: tuple[Worker, Worker]
) -> None:
    a, b = pair
    asked = iter(range(1_000))

    def cites_kinship(worker: Worker, timeout: float) -> bool:
        n = next(asked)
        ts = f"1700000400.{n:06d}"
        assert worker.ask(KINSHIP_QUESTION, ts=ts, user=f"UK{n}").status == 200
        worker.slack.wait_posted(ts, timeout=max(timeout, 1.0))
        return "Viability assessments" in _answer_text(worker.slack.messages_in(ts)[0])

    (deployment.knowledge / "guidance" / "kinship.md").write_text(KINSHIP, encoding="utf-8")
    assert not cites_kinship(b, ANSWER_SECONDS)  # only the new document answers it

    assert a.command("", name="/reindex", user="UADMIN", reply="reindex").status == 200
    done = a.slack.wait_responses("reindex", count=2, timeout=60)[-1]["text"]
    assert done.startswith("Rebuilt"), done
    rebuilt = time.monotonic()
    served_after: dict[str, float] = {}
    while len(served_after) < 2:
        left = rebuilt + 10.0 - time.monotonic()
        assert left > 0, f"within 10 s of the rebuild, only {sorted(served_after)} served it"
        for worker in (a, b):
            if worker.name not in served_after and cites_kinship(worker, left):
                served_after[worker.name] = time.monotonic() - rebuilt
        time.sleep(0.25)
    print(f"\nnew index served after the rebuild: {served_after}")


# 5 ------------------------------------------------------------------------------------------


def test_two_reindex_commands_at_once_on_two_workers_run_one_rebuild(
    deployment: Deployment,
) -> None:
    # Each build holds the rebuild lock a few seconds longer, so the two surely overlap.
    a, b = deployment.start(extra={BUILD_SECONDS: "3"})
    versions = list_versions(deployment.index_dir)
    with ThreadPoolExecutor(2) as pool:
        sent = [
            pool.submit(a.command, "", name="/reindex", user="UADMIN", reply="reindex-A"),
            pool.submit(b.command, "", name="/reindex", user="UADMIN2", reply="reindex-B"),
        ]
        assert [f.result().status for f in sent] == [200, 200]
    said = {
        who: [r["text"] for r in a.slack.wait_responses(f"reindex-{who}", count=2, timeout=90)]
        for who in ("A", "B")
    }
    last = sorted(lines[-1] for lines in said.values())
    assert last[0] == BUSY, said
    assert last[1].startswith("Rebuilt"), said
    rebuilds = deployment.rows("SELECT result FROM audit WHERE action = 'rebuild' ORDER BY id")
    assert sorted(r[0] for r in rebuilds) == ["busy", "ok"]
    assert len(list_versions(deployment.index_dir)) == min(len(versions) + 1, 3)


# 6 ------------------------------------------------------------------------------------------


def test_killing_one_worker_mid_answer_leaves_the_other_answering_and_loses_no_record(
    deployment: Deployment, pair: tuple[Worker, Worker]
) -> None:
    a, b = pair
    n = iter(range(1_000))

    def ask(worker: Worker, user: str) -> str:
        ts = f"1700000600.{next(n):06d}"
        assert worker.ask("second cp plan", ts=ts, user=user).status == 200
        return ts

    warm = [ask(w, f"UW{i}") for i, w in enumerate((a, b, a, b))]
    for ts in warm:
        a.slack.wait_posted(ts)
    before = {row[0] for row in deployment.rows("SELECT id FROM answers")}
    assert len(before) == 4

    # Questions to both; A is killed as soon as it has acknowledged its own, mid-answer.
    on_b = [f"UB{i}" for i in range(8)]
    on_b_threads = []
    for i in range(8):
        ask(a, f"UA{i}")
        on_b_threads.append(ask(b, on_b[i]))
    a.process.send_signal(signal.SIGKILL)
    assert a.process.wait(timeout=STOP_SECONDS) == -signal.SIGKILL
    after_kill = [f"UC{i}" for i in range(8)]
    on_b_threads += [ask(b, user) for user in after_kill]
    for ts in on_b_threads:
        b.slack.wait_posted(ts)
    b.slack.wait_quiet(1.0)

    assert b.alive()
    assert all(b.slack.posted_in(ts) == 1 for ts in on_b_threads)
    assert all(_is_answer(b.slack.messages_in(ts)[0]) for ts in on_b_threads)
    after = {row[0] for row in deployment.rows("SELECT id FROM answers")}
    assert before <= after  # nothing already recorded was lost
    assert len(after) >= len(before) + len(on_b + after_kill)
    assert deployment.recorded_users(on_b + after_kill) == set(on_b + after_kill)
    print(f"\nanswers recorded: {len(before)} before the kill, {len(after)} after")


# 7 ------------------------------------------------------------------------------------------


@pytest.fixture
def own_cluster():  # type: ignore[no-untyped-def]
    """A PostgreSQL cluster of this test's own, since the test stops and restarts it."""
    from tests.fakes.postgres import cluster_for_tests

    cluster = cluster_for_tests()
    try:
        yield cluster
    finally:
        cluster.stop()


def test_losing_the_database_for_thirty_seconds_degrades_to_answering_without_records(
    tmp_path: Path, own_cluster: Any
) -> None:
    shared = Deployment(tmp_path, own_cluster.create_database())
    try:
        a, b = shared.start()
        _outage(shared, own_cluster, a, b)
    finally:
        shared.close()


def _outage(shared: Deployment, cluster: Any, a: Worker, b: Worker) -> None:
    slack = shared.slack
    n = iter(range(1_000))

    def ask(worker: Worker, user: str) -> str:
        ts = f"1700000700.{next(n):06d}"
        assert worker.ask("second cp plan", ts=ts, user=user).status == 200
        return ts

    first = [ask(a, "UP0"), ask(b, "UP1")]
    for ts in first:
        slack.wait_posted(ts)
    assert shared.recorded_users(["UP0", "UP1"]) == {"UP0", "UP1"}

    cluster.stop_server()
    down_at = time.monotonic()
    during: list[str] = []
    during_users = [f"UD{i}" for i in range(8)]
    acks: list[float] = []
    answered_after: list[float] = []

    def deliver(i: int, user: str) -> None:
        worker, other = (a, b) if i % 2 == 0 else (b, a)
        ts = f"1700000700.{next(n):06d}"
        body = envelope(mention("second cp plan", ts=ts, user=user), event_id=f"EvDown{i}")
        now = int(time.time())
        # The delivery, and Slack's retry of it on the other worker (a slow acknowledgement is
        # what makes Slack retry): with nothing to check it against, the retry must not be
        # answered as well.
        with ThreadPoolExecutor(2) as pool:
            sent = [
                pool.submit(worker.delivery, body, timestamp=now - 1),
                pool.submit(other.delivery, body, retry=1, timestamp=now),
            ]
            posted = [f.result() for f in sent]
        assert [p.status for p in posted] == [200, 200]
        acks.extend(p.seconds for p in posted)
        during.append(ts)

    try:
        # Half as soon as the database has gone, half well into the outage.
        for i, user in enumerate(during_users):
            if i == len(during_users) // 2:
                time.sleep(max(0.0, OUTAGE_SECONDS / 2 - (time.monotonic() - down_at)))
            sent_at = time.monotonic()
            deliver(i, user)
            slack.wait_posted(during[-1], timeout=2 * OUTAGE_SECONDS)
            answered_after.append(time.monotonic() - sent_at)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
    finally:
        cluster.start_server()
    assert a.alive() and b.alive()

    after_users: list[str] = []

    def recorded_again() -> bool:
        # One new question to each worker per try, until each has recorded one.
        for worker in (a, b):
            user = f"UN{len(after_users)}"
            after_users.append(user)
            slack.wait_posted(ask(worker, user))
        recorded = shared.recorded_users(after_users)
        return any(u in recorded for u in after_users[0::2]) and any(
            u in recorded for u in after_users[1::2]
        )

    back_at = time.monotonic()
    _wait_until(recorded_again, 60.0, "answers recorded again once the database was back")
    recovered = time.monotonic() - back_at
    slack.wait_quiet(1.0)

    # Slack gives up on an acknowledgement after 3 s: even the call that tries the database
    # again must not hold one that long.
    assert max(acks) < 3.0, acks
    posted = slack.threads()
    assert set(first + during) <= set(posted)
    assert set(posted.values()) == {1}  # none answered twice
    assert all(_is_answer(slack.messages_in(ts)[0]) for ts in posted)
    assert not shared.recorded_users(during_users)  # answered without records
    assert a.alive() and b.alive()
    for worker in (a, b):
        assert "Traceback" not in worker.log.read_text(errors="replace"), worker.log_tail()
    print(
        f"\noutage: {len(during)} questions while down, each delivered twice (a retry); "
        f"{sum(s < 1 for s in acks)} of {len(acks)} deliveries acknowledged within 1 s, the "
        f"slowest in {max(acks):.1f} s; each answered within {max(answered_after):.1f} s; "
        f"answers recorded again {recovered:.1f} s after the database was back"
    )


# 8 ------------------------------------------------------------------------------------------


def test_a_soak_of_two_thousand_questions_across_two_workers(
    pair: tuple[Worker, Worker],
) -> None:
    """Alternating between the workers, at most SOAK_THREADS questions in flight (each thread
    waits for its answer before asking again), a different person each time."""
    workers = pair
    slack = workers[0].slack
    statuses: list[int] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        ts = f"1700001000.{n:06d}"
        worker = workers[n % 2]
        text = SOAK_ASKED[n % len(SOAK_ASKED)]
        posted = worker.ask(text, ts=ts, user=f"US{n}", event_id=f"EvSoak{n}")
        with lock:
            statuses.append(posted.status)
        slack.wait_posted(ts)

    def run(numbers: range) -> float:
        started = time.monotonic()
        with ThreadPoolExecutor(SOAK_THREADS) as pool:
            for done in [pool.submit(one, n) for n in numbers]:
                done.result()
        return time.monotonic() - started

    first = run(range(SOAK_MEASURE_AT))
    at_500 = [w.rss_mib() for w in workers]
    rest = run(range(SOAK_MEASURE_AT, SOAK_QUESTIONS))
    at_2000 = [w.rss_mib() for w in workers]
    slack.wait_quiet(1.0)

    total = first + rest
    later = SOAK_QUESTIONS - SOAK_MEASURE_AT
    print(
        f"\nsoak: {SOAK_QUESTIONS} questions in {total:.1f} s "
        f"({SOAK_QUESTIONS / total:.1f} questions/s; the first {SOAK_MEASURE_AT}: "
        f"{SOAK_MEASURE_AT / first:.1f}/s, the other {later}: {later / rest:.1f}/s)"
    )
    for worker, low, high in zip(workers, at_500, at_2000, strict=True):
        print(f"worker {worker.name}: RSS {low:.1f} MiB at 500, {high:.1f} MiB at 2,000")
    assert statuses == [200] * SOAK_QUESTIONS  # 0 errors
    counts = [slack.posted_in(f"1700001000.{n:06d}") for n in range(SOAK_QUESTIONS)]
    assert counts == [1] * SOAK_QUESTIONS  # 0 duplicates, 0 missing
    posts = [c.params for c in slack.of("chat.postMessage")]
    assert len(posts) == SOAK_QUESTIONS and all(_is_answer(p) for p in posts)
    for worker, low, high in zip(workers, at_500, at_2000, strict=True):
        assert high - low < SOAK_RSS_GROWTH_MIB, f"worker {worker.name}: {low:.1f} -> {high:.1f}"

"""What only admins may do from Slack: rebuild the index and add documents.

The bot token goes only to Slack: an upload is fetched over https from Slack's file hosts (or
from the configured Web API's own host), never by another scheme, and never after a redirect
off those hosts. A rebuild runs on its own thread, one at a time, so Bolt's listener threads
stay free to acknowledge and answer questions while it embeds.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import HTTPMessage
from typing import IO

from pydantic import SecretStr
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answering.templates import Templates
from bot.errors import IndexBusyError, PracticeBotError, UploadRefused
from bot.index.build import Progress
from bot.index.report import BuildReport
from bot.ingest.formats import ReadLimits
from bot.ingest.uploads import MAX_UPLOAD_BYTES
from bot.slack.markup import escape
from bot.slack.sync_notice import post_sync_report
from bot.stores.audit import AuditLog
from bot.sync.report import SiteReport, SyncReport

log = logging.getLogger(__name__)
GROUP_CACHE_SECONDS = 300
PROGRESS_EVERY_SECONDS = 5.0
DOWNLOAD_TIMEOUT_SECONDS = 30
REBUILD_NICENESS = 10  # added to the rebuild thread's nice value where the OS allows it

# Where Slack serves url_private_download, on slack.com and on GovSlack.
SLACK_FILE_HOSTS = ("files.slack.com", "files.slack-gov.com")
DEFAULT_PORTS = {"http": 80, "https": 443}
NOT_SLACK = "the file link is not a Slack file address"
LEFT_SLACK = "the file link led away from Slack"
# The build lock's own message names the index folder, a server path admins need not see.
BUSY = "Another index build is running; wait for it to finish."


@dataclass
class Admins:
    """Admins are the listed user ids, and the members of one user group if one is set."""

    user_ids: frozenset[str]
    usergroup: str | None = None
    _members: frozenset[str] = frozenset()
    _fetched: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allows(self, user_id: str, client: WebClient) -> bool:
        if user_id in self.user_ids:
            return True
        return self.usergroup is not None and user_id in self._group(client)

    def _group(self, client: WebClient) -> frozenset[str]:
        with self._lock:
            if self.usergroup and time.monotonic() - self._fetched > GROUP_CACHE_SECONDS:
                try:
                    users = client.usergroups_users_list(usergroup=self.usergroup)["users"]
                    self._members = frozenset(users)
                    self._fetched = time.monotonic()
                except SlackApiError as exc:  # keep the last list; refuse if there is none
                    log.warning("could not read admin user group: %s", exc.response.get("error"))
            return self._members


Origin = tuple[str, str, int]  # scheme, host, port


@dataclass(frozen=True)
class FileHosts:
    """The origins an upload may be fetched from with the bot token."""

    origins: frozenset[Origin]

    @classmethod
    def for_api(cls, api_url: str) -> FileHosts:
        """Slack's file hosts over https, plus the Web API's own origin: a GovSlack or
        Enterprise URL, or the local fake in tests (the only way plain http is allowed)."""
        slack = {("https", host, 443) for host in SLACK_FILE_HOSTS}
        api = _origin(api_url)
        return cls(frozenset(slack | ({api} if api else set())))

    def allows(self, url: str) -> bool:
        return _origin(url) in self.origins

    def opener(self) -> urllib.request.OpenerDirector:
        """http(s) only (no file:, ftp: or data: handler at all), redirects kept on these hosts."""
        opener = urllib.request.OpenerDirector()
        for handler in (
            urllib.request.ProxyHandler(),
            urllib.request.UnknownHandler(),
            urllib.request.HTTPHandler(),
            urllib.request.HTTPSHandler(),
            urllib.request.HTTPDefaultErrorHandler(),
            _RedirectsWithin(self),
            urllib.request.HTTPErrorProcessor(),
        ):
            opener.add_handler(handler)
        return opener


class _RedirectsWithin(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an allowed origin: urllib would otherwise send the
    Authorization header on to wherever the Location points."""

    def __init__(self, hosts: FileHosts) -> None:
        self.hosts = hosts

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not self.hosts.allows(newurl):
            log.warning("refused an upload redirect from %s to %s", req.host, newurl[:200])
            raise UploadRefused(LEFT_SLACK)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _origin(url: str) -> Origin | None:
    """(scheme, host, port) of a plain http(s) URL, as urllib will connect to it; None for
    anything else: another scheme, user info, spaces or control characters, or a host that
    urllib reads differently from urlsplit (it unquotes %-escapes, for one)."""
    if not isinstance(url, str) or any(c.isspace() or not c.isprintable() for c in url):
        return None
    try:
        request = urllib.request.Request(url)
        netloc = urllib.parse.urlsplit(url).netloc
        parts = urllib.parse.urlsplit(f"//{request.host}")
        port = parts.port
    except ValueError:  # no scheme, or a port that is not a number
        return None
    if request.type not in DEFAULT_PORTS or request.host.lower() != netloc.lower():
        return None
    if "@" in netloc or not parts.hostname:
        return None
    return request.type, parts.hostname, port or DEFAULT_PORTS[request.type]


class RebuildRunner:
    """Runs one rebuild at a time on a thread of its own (named "rebuild"), never on one of
    Bolt's listener threads: those must stay free to acknowledge within Slack's 3 seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self, job: Callable[[], str | None], say: Callable[[str], object]) -> bool:
        """Start `job`; False, and nothing started, while another rebuild is running. The
        message `job` returns is said once the runner is free again, so an admin who acts on
        "finished" at once is never told a rebuild is still running."""
        with self._lock:
            if self._thread is not None:
                return False
            self._thread = threading.Thread(
                target=self._run, args=(job, say), name="rebuild", daemon=True
            )
            try:
                self._thread.start()
            except RuntimeError:  # no thread to be had: never stay marked busy
                self._thread = None
                raise
            return True

    def _run(self, job: Callable[[], str | None], say: Callable[[str], object]) -> None:
        _lower_priority()
        closing = None
        try:
            closing = job()
        except Exception:  # the runner must never be left marked busy
            log.exception("rebuild failed")
        finally:
            with self._lock:
                self._thread = None
        if closing is not None:
            try:
                say(closing)
            except Exception:  # Slack unreachable: the work is done and logged anyway
                log.exception("could not send the closing message of a rebuild")


def _summary(report: SyncReport) -> str:
    """One line for the audit log."""
    sites = "; ".join(
        f"{s.site} failed"
        if s.error
        else f"{s.site}: {len(s.added)} new, {len(s.changed)} changed, {len(s.removed)} removed"
        for s in report.sites
    )
    return sites + (f"; {report.rebuilt.summary()}" if report.rebuilt else "")


def _lower_priority() -> None:
    """Let question threads win the CPU from the rebuild. On Linux a nice value belongs to one
    thread, so this lowers only the calling thread; elsewhere it would renice the whole bot."""
    if sys.platform != "linux":
        return
    try:
        tid = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, tid) + REBUILD_NICENESS
        os.setpriority(os.PRIO_PROCESS, tid, min(19, niceness))
    except OSError as exc:
        log.info("rebuild runs at normal priority (%s)", exc)


@dataclass
class AdminActions:
    """The rebuild and audit hooks the Slack listeners use (built by the composition root)."""

    admins: Admins
    audit: AuditLog
    rebuild: Callable[[Progress | None], BuildReport]
    templates: Templates
    bot_token: SecretStr  # a SecretStr, so no repr or log of these actions prints it
    file_hosts: FileHosts  # where uploads may be fetched from with the token
    runner: RebuildRunner = field(default_factory=RebuildRunner)
    read_limits: ReadLimits = field(default_factory=ReadLimits)  # checking an upload's text
    sync: Callable[[], SyncReport] | None = None  # the configured sites, then a rebuild
    admin_channel: str | None = None  # where a sync's changes and failures are posted

    def start_rebuild(self, user_id: str, say: Callable[[str], object]) -> None:
        """Rebuild on the rebuild thread; someone asking while one runs is told to wait."""

        def job() -> str:
            say(self.templates.render("reindex_started"))
            return self.rebuild_and_report(user_id, say)

        if not self.runner.start(job, say):
            self._record(user_id, "busy")
            say(BUSY)

    def rebuild_and_report(self, user_id: str, say: Callable[..., object]) -> str:
        """Rebuild, telling the admin how far it has got; returns what to tell them at the end."""
        last = [time.monotonic()]

        def progress(done: int, total: int) -> None:
            if time.monotonic() - last[0] >= PROGRESS_EVERY_SECONDS:
                last[0] = time.monotonic()
                say(self.templates.render("reindex_progress", done=done, total=total))

        try:
            report = self.rebuild(progress)
        except IndexBusyError:  # a build started elsewhere (the CLI, another worker)
            self._record(user_id, "busy")
            return BUSY
        except PracticeBotError as exc:
            self._record(user_id, "failed", str(exc))
            return self.templates.render("reindex_failed", reason=escape(str(exc)))
        self._record(user_id, "ok", report.summary())
        return self.templates.render("reindex_done", report=escape(report.describe()))

    def start_sync(self, user_id: str, say: Callable[[str], object], client: WebClient) -> None:
        """`/reindex sync`: sync on the rebuild thread (one job at a time), tell the admin what
        it did, and post the changes or failures to the admin channel."""

        def job() -> str:
            say(self.templates.render("sync_started"))
            return self.sync_and_report(user_id, client)

        if not self.runner.start(job, say):
            self._record(user_id, "busy", action="sync")
            say(BUSY)

    def sync_and_report(self, user_id: str, client: WebClient) -> str:
        """Sync, post the changes or failures to the admin channel; returns the admin's reply."""
        try:
            report = self.sync() if self.sync else SyncReport([])
        except PracticeBotError as exc:  # another sync running, or sites.yaml is not valid
            report = SyncReport([SiteReport(site="knowledge/sites.yaml", error=str(exc))])
        if not report.sites:
            return self.templates.render("sync_none")
        failed = report.failed or report.rebuild_error
        self._record(user_id, "failed" if failed else "ok", _summary(report), action="sync")
        post_sync_report(client, self.admin_channel, report, self.templates)
        return self.templates.render("sync_done", report=escape(report.describe()))

    def _record(
        self, user_id: str, result: str, detail: str = "", *, action: str = "rebuild"
    ) -> None:
        self.audit.record(
            actor=f"slack:{user_id}",
            action=action,
            target="knowledge",
            result=result,
            detail=detail,
        )

    def download(self, url: str) -> bytes:
        """A file Slack holds (url_private_download), read with the bot token, size-capped.
        UploadRefused, with a reason that names no server path, if it cannot be had."""
        if not self.file_hosts.allows(url):
            raise UploadRefused(NOT_SLACK)
        token = self.bot_token.get_secret_value()
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        try:
            with self.file_hosts.opener().open(
                request, timeout=DOWNLOAD_TIMEOUT_SECONDS
            ) as response:
                data = response.read(MAX_UPLOAD_BYTES + 1)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise UploadRefused(f"Slack did not send the file (HTTP {exc.code})") from exc
        except OSError as exc:  # refused, reset, timed out, bad TLS
            log.warning("could not download an upload: %s", exc)
            raise UploadRefused("it could not be downloaded from Slack") from exc
        if len(data) > MAX_UPLOAD_BYTES:
            raise UploadRefused(f"it is over the {MAX_UPLOAD_BYTES // 10**6} MB limit")
        return data

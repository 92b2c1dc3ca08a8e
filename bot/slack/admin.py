"""What only admins may do from Slack: rebuild the index and add documents."""

from __future__ import annotations

import logging
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import SecretStr
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answering.templates import Templates
from bot.errors import IndexBusyError, PracticeBotError, UploadRefused
from bot.index.build import BuildReport, Progress
from bot.ingest.uploads import MAX_UPLOAD_BYTES
from bot.slack.markup import escape
from bot.stores.audit import AuditLog

log = logging.getLogger(__name__)
GROUP_CACHE_SECONDS = 300
PROGRESS_EVERY_SECONDS = 5.0


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


@dataclass
class AdminActions:
    """The rebuild and audit hooks the Slack listeners use (built by the composition root)."""

    admins: Admins
    audit: AuditLog
    rebuild: Callable[[Progress | None], BuildReport]
    templates: Templates
    bot_token: SecretStr  # a SecretStr, so no repr or log of these actions prints it

    def rebuild_and_report(self, user_id: str, say: Callable[..., object]) -> None:
        """Rebuild, telling the admin how far it has got, then what changed."""
        actor = f"slack:{user_id}"
        last = [time.monotonic()]

        def progress(done: int, total: int) -> None:
            if time.monotonic() - last[0] >= PROGRESS_EVERY_SECONDS:
                last[0] = time.monotonic()
                say(self.templates.render("reindex_progress", done=done, total=total))

        try:
            report = self.rebuild(progress)
        except IndexBusyError as exc:
            self.audit.record(actor=actor, action="rebuild", target="knowledge", result="busy")
            say(escape(str(exc)))
            return
        except PracticeBotError as exc:
            self.audit.record(
                actor=actor, action="rebuild", target="knowledge", result="failed", detail=str(exc)
            )
            say(self.templates.render("reindex_failed", reason=escape(str(exc))))
            return
        self.audit.record(
            actor=actor, action="rebuild", target="knowledge", result="ok", detail=report.summary()
        )
        say(self.templates.render("reindex_done", report=escape(report.describe())))

    def download(self, url: str) -> bytes:
        """A file Slack holds (url_private_download), read with the bot token, size-capped."""
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer {self.bot_token.get_secret_value()}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            data = response.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise UploadRefused(f"it is over the {MAX_UPLOAD_BYTES // 10**6} MB limit")
        return data

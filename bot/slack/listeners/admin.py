"""Admin-only listeners: /reindex (and /reindex sync), the 'Rebuild now' button, and documents
sent in a DM."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.errors import UploadRefused
from bot.ingest.uploads import check_readable, check_upload, store_upload
from bot.slack.deps import SlackDeps
from bot.slack.listeners.ack_first import AckFirst
from bot.slack.markup import escape

log = logging.getLogger(__name__)
REINDEX_NOW = "reindex_now"
REBUILD_BUTTON = {
    "type": "button",
    "action_id": REINDEX_NOW,
    "style": "primary",
    "text": {"type": "plain_text", "text": "Rebuild now"},
    "value": "rebuild",
}


def register(app: AckFirst, deps: SlackDeps) -> None:
    app.command("/reindex")(reindex_command(deps))
    app.action(REINDEX_NOW)(reindex_action(deps))


def refuse_non_admin(deps: SlackDeps, user: str, action: str, what: str) -> str:
    log.warning("refused %s to non-admin %s", action, user)
    deps.admin.audit.record(
        actor=f"slack:{user}", action=f"{action}_refused", target=what, result="refused"
    )
    return deps.templates.render("admin_only", action=what)


def reindex_command(deps: SlackDeps) -> Callable[..., None]:
    def on_reindex(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()  # first: the admin check may have to ask Slack for a user group's members
        user = command.get("user_id", "")
        if str(command.get("text") or "").strip().lower() == "sync":
            _sync_for(deps, user, respond, client)
        else:
            _rebuild_for(deps, user, respond, client)

    return on_reindex


def reindex_action(deps: SlackDeps) -> Callable[..., None]:
    def on_reindex_now(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        _rebuild_for(deps, body["user"]["id"], respond, client)

    return on_reindex_now


def _rebuild_for(deps: SlackDeps, user: str, respond: Respond, client: WebClient) -> None:
    say = private_reply(respond)
    if not deps.admin.admins.allows(user, client):
        say(refuse_non_admin(deps, user, "rebuild", "rebuild the index"))
        return
    deps.admin.start_rebuild(user, say)  # returns at once: the rebuild has its own thread


def _sync_for(deps: SlackDeps, user: str, respond: Respond, client: WebClient) -> None:
    say = private_reply(respond)
    if not deps.admin.admins.allows(user, client):
        say(refuse_non_admin(deps, user, "sync", "sync the procedures sites"))
        return
    deps.admin.start_sync(user, say, client)  # returns at once: the sync has its own thread


def handle_upload(deps: SlackDeps, client: WebClient, event: dict[str, Any]) -> None:
    """Documents an admin sends in a DM: checked, stored in the knowledge folder, and a button
    offered to rebuild. Anyone else is told politely that only admins can add documents."""
    user, channel = event.get("user", ""), event["channel"]

    def say(text: str, **extra: Any) -> None:
        client.chat_postMessage(channel=channel, text=text, **extra)

    if not deps.admin.admins.allows(user, client):
        say(refuse_non_admin(deps, user, "upload", "add documents"))
        return
    saved = []
    for file in event.get("files", []):
        name = str(file.get("name") or file.get("title") or "file")
        try:
            saved.append(_add(deps, client, user, name, file))
        except UploadRefused as exc:
            deps.admin.audit.record(
                actor=f"slack:{user}",
                action="upload",
                target=name,
                result="refused",
                detail=str(exc),
            )
            say(
                deps.templates.render("upload_rejected", name=escape(name), reason=escape(str(exc)))
            )
    if saved:
        text = "\n".join(saved)
        say(text, blocks=[_section(text), {"type": "actions", "elements": [REBUILD_BUTTON]}])


def _add(deps: SlackDeps, client: WebClient, user: str, name: str, file: dict[str, Any]) -> str:
    """Check, download and store one file; the line telling the admin where it went.
    UploadRefused's reason names the file's problem, never a path on the server."""
    clean = check_upload(name, file.get("size"))
    url = (
        file.get("url_private_download")
        or client.files_info(file=file["id"])["file"]["url_private_download"]
    )
    data = deps.admin.download(url)
    check_readable(clean, data, limits=deps.admin.read_limits)  # in a worker: never stalls Bolt
    try:
        stored = store_upload(deps.knowledge_dir, clean, data)
    except OSError as exc:  # the detail (with its path) is for the server's log only
        log.error("could not store upload %s: %s", clean, exc)
        raise UploadRefused("it could not be saved in the knowledge folder") from exc
    where = stored.path.relative_to(deps.knowledge_dir).as_posix()
    replaced = (
        f" (replacing the old copy, kept as {stored.replaced.name})" if stored.replaced else ""
    )
    deps.admin.audit.record(
        actor=f"slack:{user}",
        action="upload",
        target=where,
        result="ok",
        detail=f"{len(data)} bytes{replaced}",
    )
    return deps.templates.render("upload_saved", name=escape(where), replaced=escape(replaced))


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def private_reply(respond: Respond) -> Callable[[str], None]:
    def say(text: str) -> None:
        respond(response_type="ephemeral", replace_original=False, text=text)

    return say

"""Admin-only listeners: /reindex, the 'Rebuild now' button, and documents sent in a DM."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.errors import UploadRefused
from bot.ingest.uploads import check_readable, check_upload, store_upload
from bot.slack.markup import escape
from bot.slack.replies import SlackDeps

log = logging.getLogger(__name__)
REINDEX_NOW = "reindex_now"


def register(app: App, deps: SlackDeps) -> None:
    app.command("/reindex")(reindex_command(deps))
    app.action(REINDEX_NOW)(reindex_action(deps))


def _refuse(deps: SlackDeps, user: str, action: str, what: str) -> str:
    log.warning("refused %s to non-admin %s", action, user)
    deps.admin.audit.record(
        actor=f"slack:{user}", action=f"{action}_refused", target=what, result="refused"
    )
    return deps.templates.render("admin_only", action=what)


def reindex_command(deps: SlackDeps) -> Callable[..., None]:
    def on_reindex(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        user = command.get("user_id", "")
        if not deps.admin.admins.allows(user, client):
            ack(response_type="ephemeral", text=_refuse(deps, user, "rebuild", "rebuild the index"))
            return
        ack(response_type="ephemeral", text=deps.templates.render("reindex_started"))
        deps.admin.rebuild_and_report(user, _private(respond))

    return on_reindex


def reindex_action(deps: SlackDeps) -> Callable[..., None]:
    def on_reindex_now(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        user = body["user"]["id"]
        if not deps.admin.admins.allows(user, client):
            _private(respond)(_refuse(deps, user, "rebuild", "rebuild the index"))
            return
        _private(respond)(deps.templates.render("reindex_started"))
        deps.admin.rebuild_and_report(user, _private(respond))

    return on_reindex_now


def handle_upload(deps: SlackDeps, client: WebClient, event: dict[str, Any]) -> None:
    """Documents an admin sends in a DM: checked, stored in the knowledge folder, and a button
    offered to rebuild. Anyone else is told politely that only admins can add documents."""
    user, channel = event.get("user", ""), event["channel"]

    def say(text: str, **extra: Any) -> None:
        client.chat_postMessage(channel=channel, text=text, **extra)

    if not deps.admin.admins.allows(user, client):
        say(_refuse(deps, user, "upload", "add documents"))
        return
    saved = []
    for file in event.get("files", []):
        name = str(file.get("name") or file.get("title") or "file")
        try:
            clean = check_upload(name, file.get("size"))
            url = (
                file.get("url_private_download")
                or client.files_info(file=file["id"])["file"]["url_private_download"]
            )
            data = deps.admin.download(url)
            check_readable(clean, data)
            stored = store_upload(deps.knowledge_dir, clean, data)
        except (UploadRefused, OSError) as exc:
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
            continue
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
        saved.append(
            deps.templates.render("upload_saved", name=escape(where), replaced=escape(replaced))
        )
    if saved:
        text = "\n".join(saved)
        button = {
            "type": "button",
            "action_id": REINDEX_NOW,
            "style": "primary",
            "text": {"type": "plain_text", "text": "Rebuild now"},
            "value": "rebuild",
        }
        say(
            text,
            blocks=[
                {"type": "section", "text": {"type": "mrkdwn", "text": text}},
                {"type": "actions", "elements": [button]},
            ],
        )


def _private(respond: Respond) -> Callable[[str], None]:
    def say(text: str) -> None:
        respond(response_type="ephemeral", replace_original=False, text=text)

    return say

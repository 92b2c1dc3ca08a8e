"""The Slack app's dependencies, built from a Runtime: the one place Slack meets the pipeline."""

from __future__ import annotations

from pydantic import SecretStr
from slack_bolt import App
from slack_sdk import WebClient

from bot.answering.templates import load_examples
from bot.runtime import Runtime, read_limits
from bot.slack.admin import AdminActions, Admins, FileHosts
from bot.slack.app import create_app
from bot.slack.rate_limit import RateLimiter
from bot.slack.replies import SlackDeps
from bot.stores.audit import AuditLog
from bot.stores.usage import UsageStore


def slack_app(runtime: Runtime, *, client: WebClient | None = None) -> App:
    """The Bolt app over this runtime's pipeline."""
    return create_app(runtime.settings, slack_deps(runtime), client=client)


def slack_deps(runtime: Runtime) -> SlackDeps:
    """What the Slack listeners need; the usage store and audit log open here, not at import."""
    settings = runtime.settings
    token = settings.slack_bot_token or SecretStr("")
    admin = AdminActions(
        admins=Admins(settings.slack_admin_user_ids, settings.slack_admin_usergroup),
        audit=AuditLog(settings.audit_db),
        rebuild=lambda progress: runtime.rebuild(on_progress=progress),
        templates=runtime.templates,
        bot_token=token,
        file_hosts=FileHosts.for_api(settings.slack_api_url),
        read_limits=read_limits(settings),
        sync=lambda: runtime.sync(),
        admin_channel=settings.admin_channel,
    )
    return SlackDeps(
        answerer=runtime.current,
        templates=runtime.templates,
        store=UsageStore(settings.usage_db, store_text=settings.store_question_text),
        documents=lambda: runtime.index.manifest.documents,
        examples=load_examples(settings.prompts_dir),
        admin=admin,
        knowledge_dir=settings.knowledge_dir,
        limiter=RateLimiter(settings.rate_limit_per_minute),
        allowed_channels=settings.slack_allowed_channels,
        # runtime.index.path.name, read from the answerer that answered: after a rebuild
        # swaps the answerer, an answer still records the version it came from.
        index_version=lambda answerer: answerer.retriever.index.path.name,
        gaps=lambda since, until: runtime.gaps(since=since, until=until),
    )

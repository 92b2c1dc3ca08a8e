"""The glossary of acronyms and synonyms staff use, and query expansion with it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import ConfigError


class Term(BaseModel):
    """One glossary entry as admins write it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    term: str = Field(min_length=1)
    means: str = Field(min_length=1)
    also: tuple[str, ...] = ()

    @field_validator("term", "means", mode="before")
    @classmethod
    def _text(cls, value: object) -> str:
        if not isinstance(value, str | int | float):
            raise ValueError("must be text")
        return str(value).strip()

    @field_validator("also", mode="before")
    @classmethod
    def _listed(cls, value: object) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list | tuple):
            raise ValueError("must be a list of words or phrases")
        return tuple(str(v).strip() for v in value if str(v).strip())


@dataclass(frozen=True)
class Expansion:
    """A question with glossary meanings added: inline for the model, appended for BM25."""

    dense: str
    lexical: str
    matched: tuple[str, ...]
    # The question's ideas: each plain word alone (term None), and each glossary term it
    # names with all its spellings.
    concepts: tuple[tuple[str | None, tuple[str, ...]], ...]


class Glossary:
    """Matches any spelling of a term (whole words, any case) and adds what it means."""

    def __init__(self, terms: list[Term]) -> None:
        self.terms = tuple(terms)
        self._patterns = [
            (t, re.compile("|".join(_phrase_pattern(s) for s in (t.term, *t.also)), re.I))
            for t in self.terms
        ]

    @property
    def words(self) -> frozenset[str]:
        """Every word of every spelling, lower-cased: words staff use, so never typos."""
        return frozenset(
            w.lower()
            for t in self.terms
            for s in (t.term, *t.also)
            for w in re.findall(r"[A-Za-z]+", s)
        )

    @classmethod
    def empty(cls) -> Glossary:
        return cls([])

    @classmethod
    def load(cls, path: Path) -> Glossary:
        """Read the YAML glossary; a missing file means no expansion, a broken one is an error."""
        if not path.exists():
            return cls.empty()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Glossary {path} is not valid YAML: {exc}") from exc
        entries = data.get("terms") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ConfigError(f"Glossary {path} needs a top-level 'terms:' list.")
        terms = []
        for n, entry in enumerate(entries, 1):
            try:
                terms.append(Term.model_validate(entry))
            except ValidationError as exc:
                problem = "; ".join(
                    f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
                )
                raise ConfigError(f"Glossary {path}, entry {n} ({entry!r}): {problem}") from None
        return cls(terms)

    def expand(self, question: str) -> Expansion:
        dense = question
        residual = question
        extra: list[str] = []
        matched: list[str] = []
        concepts: list[tuple[str | None, tuple[str, ...]]] = []
        for term, pattern in self._patterns:
            found = pattern.search(question)
            if not found:
                continue
            matched.append(term.term)
            extra.extend([term.means, *term.also])
            concepts.append((term.term, (found.group(0), term.term, term.means, *term.also)))
            residual = pattern.sub(" ", residual)
            if term.means.lower() not in question.lower():
                # Put the meaning beside the first mention so the model reads it in context.
                dense = pattern.sub(f"\\g<0> ({_escape_template(term.means)})", dense, count=1)
        lexical = " ".join([question, *extra])
        concepts = [(None, (w,)) for w in residual.split()] + concepts
        return Expansion(dense, lexical, tuple(matched), tuple(concepts))


def _escape_template(text: str) -> str:
    return text.replace("\\", "\\\\")


def _phrase_pattern(phrase: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s-]+", phrase.strip()) if w]
    body = r"[\s-]*".join(words)
    return rf"(?<![\w.]){body}(?![\w])"

"""Shared fixtures: a deterministic fake embedder and a small knowledge base on disk."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.runtime import Runtime, start
from bot.settings import Settings
from bot.text import terms

REPO = Path(__file__).resolve().parents[1]


class FakeEmbedder:
    """Bag of stemmed words hashed into 256 dimensions: the same text always gives the same
    vector, and texts sharing words are similar, which is all the unit tests need."""

    name = "fake-hash-256"
    dimension = 256

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in terms(text) or ["<empty>"]:
                digest = hashlib.blake2b(term.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
            out[row] /= np.linalg.norm(out[row])
        return out

    @property
    def texts_embedded(self) -> int:
        return sum(len(c) for c in self.calls)


FINDINGS = """---
title: Focused visit letter
kind: findings
date: 2018-11-22
local_authority: Sheffield
---

# Focused visit letter

This letter summarises the findings of a focused visit to Sheffield children's services.

## Findings

1. Assessments are not always up to date. Inspectors also identified that there was confusion for some social workers, who thought that children could not be subject to a child protection plan for a second period.
2. Supervision is regular for most social workers, but the recording of these meetings does not always assist a shared understanding of the risks to children.
"""

PLANS = """---
title: Child protection plans
kind: guidance
owner: Principal Social Worker
last_reviewed: 2026-01-10
review_due: 2027-01-10
sources: [Working Together 2023]
---

# Child protection plans

## Second or subsequent plans

Nothing in national guidance prevents a child from being made subject to a child protection plan a second time. A repeat plan is a signal to look hard at the history.

## Review conferences

The first review child protection conference is held within three months of the initial conference, and later reviews are held at intervals of not more than six months.
"""

LETTERS = """---
title: Pre-proceedings
kind: guidance
last_reviewed: 2025-01-01
review_due: 2025-06-01
---

# Pre-proceedings

## What a letter before proceedings must contain

A letter before proceedings must contain:

- the concerns about the child, in plain language;
- what help has already been given;
- what the parents must change and by when.
"""

GLOSSARY = """terms:
  - term: CP
    means: child protection
  - term: LBP
    means: letter before proceedings
    also: [pre-proceedings letter]
  - term: RCPC
    means: review child protection conference
  - term: LADO
    means: local authority designated officer
"""


def write_knowledge(folder: Path) -> Path:
    (folder / "findings").mkdir(parents=True)
    (folder / "guidance").mkdir()
    (folder / "findings" / "letter.md").write_text(FINDINGS, encoding="utf-8")
    (folder / "guidance" / "plans.md").write_text(PLANS, encoding="utf-8")
    (folder / "guidance" / "letters.md").write_text(LETTERS, encoding="utf-8")
    (folder / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _no_real_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real tokens or settings on the developer's machine must never leak into tests."""
    import os

    for name in list(os.environ):
        if name.startswith(("SLACK_", "PRACTICE_BOT_")):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return write_knowledge(tmp_path / "knowledge")


@pytest.fixture
def settings(tmp_path: Path, knowledge: Path) -> Settings:
    prompts = tmp_path / "prompts"
    shutil.copytree(REPO / "prompts", prompts)
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        index_dir=tmp_path / "index",
        data_dir=tmp_path / "data",
        prompts_dir=prompts,
        # The fake embedder's similarities are coarser than the real model's.
        strong_similarity=0.6,
        min_similarity=0.2,
        min_coverage=0.6,
    )


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def runtime(settings: Settings, fake_embedder: FakeEmbedder) -> Runtime:
    return start(settings, embedder=fake_embedder, progress=False)


@pytest.fixture
def bot(settings: Settings, fake_embedder: FakeEmbedder):  # type: ignore[no-untyped-def]
    """The Bolt app served on a loopback port against a fake Slack Web API (slack_harness.py)."""
    from .slack_harness import serve_bot

    yield from serve_bot(settings, fake_embedder)

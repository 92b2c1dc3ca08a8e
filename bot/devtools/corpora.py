"""The evaluation corpora: the starter knowledge base, the realistic Westmere manual, and the
"after replacement" folder (the starter guidance deleted, the manual in its place), each
assembled from the repository into a cache folder with its question sets.

Every threshold and weight is tuned on the sets' tuning parts only; each set's held-out part
(`holdout: true`) is reported apart and was never looked at while tuning."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO / "tests" / "eval"
GLOSSARY = REPO / "knowledge" / "glossary.yaml"
MANUAL = REPO / "tests" / "corpora" / "manual"


@dataclass(frozen=True)
class Corpus:
    name: str
    parts: tuple[tuple[Path, str], ...]  # (file or folder in the repository, where it goes)
    sets: tuple[Path, ...]

    def assemble(self, cache: Path) -> tuple[Path, Path]:
        """The corpus's knowledge folder (rewritten from the repository each time) and its
        index folder (kept, so a rebuild reuses unchanged vectors)."""
        knowledge = cache / self.name / "knowledge"
        if knowledge.exists():
            shutil.rmtree(knowledge)
        knowledge.mkdir(parents=True)
        for source, target in self.parts:
            destination = knowledge / target
            if source.is_dir():
                shutil.copytree(source, destination, dirs_exist_ok=True)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination)
        return knowledge, cache / self.name / "index"


CORPORA = {
    "starter": Corpus(
        "starter",
        ((REPO / "knowledge", "."),),
        (EVAL / "questions.yaml", EVAL / "holdout.yaml", EVAL / "starter_familiar.yaml"),
    ),
    "manual": Corpus(
        "manual",
        ((MANUAL, "."), (GLOSSARY, "glossary.yaml")),
        (EVAL / "manual" / "part_a.yaml", EVAL / "manual" / "part_b.yaml"),
    ),
    # Never trained on: the reader meets this manual first here (bot/devtools/reader/corpora.py).
    "transfer": Corpus(
        "transfer",
        ((REPO / "training" / "corpora" / "tamsford", "."), (GLOSSARY, "glossary.yaml")),
        (EVAL / "transfer.yaml",),
    ),
    "replaced": Corpus(
        "replaced",
        ((REPO / "knowledge" / "findings", "findings"), (MANUAL, "."), (GLOSSARY, "glossary.yaml")),
        (EVAL / "replaced.yaml",),
    ),
}

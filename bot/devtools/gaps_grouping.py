"""How well `practice-bot gaps` groups questions, measured where the answer is known: each
evaluation question is treated as unanswered, grouped, and its topic (the passage nearest its
group) compared with the passage it expects.

    python -m bot.devtools.gaps_grouping [--index DIR] [FILE ...]

Questions that were answered stand in for unanswered ones (no set of real unanswered questions
with known topics exists): the figures say whether a topic lands on the right document, not
how real gaps read. The threshold was chosen on tests/eval/questions.yaml; holdout.yaml checks
it."""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from pathlib import Path

from bot.answering.gaps import nearest_passages, section_of
from bot.devtools.corpora import REPO
from bot.devtools.evaluation import load_cases
from bot.index.loaded import load_index
from bot.runtime import make_embedder
from bot.settings import Settings
from bot.stores.usage import Unanswered

THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 1.01)  # 1.01: no grouping at all
SETS = (REPO / "tests" / "eval" / "questions.yaml", REPO / "tests" / "eval" / "holdout.yaml")


def pairwise_f1(labels: Sequence[object], truth: Sequence[object]) -> tuple[float, float, float]:
    """Precision, recall and F1 of 'in the same topic' against 'expects the same'."""
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(labels)), 2):
        same, together = truth[i] == truth[j], labels[i] == labels[j]
        tp, fp, fn = (
            tp + (same and together),
            fp + (together and not same),
            fn + (same and not together),
        )
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=list(SETS))
    parser.add_argument("--index", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings()
    embedder = make_embedder(settings)
    index = load_index(args.index or settings.index_dir, model=embedder.name, encoder=embedder)
    for path in args.files:
        cases = [c for c, inside in load_cases(path).cases() if inside and c.expect]
        rows = [Unanswered(str(i), "", "not_found", c.q, None) for i, c in enumerate(cases)]
        texts = {r.id: c.q for r, c in zip(rows, cases, strict=True)}
        expected = [(c.expect[0].source, c.expect[0].section or "") for c in cases]
        print(f"{path.name}: {len(cases)} questions, {len(set(expected))} expected sections")
        for threshold in THRESHOLDS:
            near = nearest_passages(
                rows, texts, index=index, embedder=embedder, threshold=threshold
            )
            topics = [(near[r.id][0].source, section_of(near[r.id][0])) for r in rows]
            on_document = sum(t[0] == e[0] for t, e in zip(topics, expected, strict=True))
            _, _, f1 = pairwise_f1([t[0] for t in topics], [e[0] for e in expected])
            print(
                f"  {threshold:.2f}  {len(set(topics)):>3} topics  right document "
                f"{on_document / len(cases):.2f}  same-document pairs F1 {f1:.2f}"
            )


if __name__ == "__main__":
    main()

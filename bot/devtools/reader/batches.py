"""Annotation batches and the labels that come back.

    python -m bot.devtools.reader.batches make [--size 250] [--second 0.10]
    python -m bot.devtools.reader.batches agreement

`make` shuffles every mined pair (seeded) into `training/annotate/batch_NNN.jsonl`, each line
only what an annotator may see: an id, the question, the passage's title and section, and its
sentences numbered. A seeded 10% sample is also written as `training/annotate/second_NNN.jsonl`
for a second annotator. Labels come back as `training/labels/{first,second}/<batch>.jsonl`:
`{"id", "label": "answers"|"topic"|"unrelated", "sentences": [numbers that carry the answer]}`.
`agreement` reports Cohen's kappa between the two annotators on the sample."""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from bot.devtools.reader.corpora import TRAINING
from bot.devtools.reader.leakage import too_close
from bot.devtools.reader.mine import PAIRS, Pair, read_pairs
from bot.embedding import Embedder

ANNOTATE = TRAINING / "annotate"
LABELS = TRAINING / "labels"
LABEL_NAMES = ("answers", "topic", "unrelated")
SEED = 19


@dataclass(frozen=True)
class Label:
    id: str
    label: str
    sentences: tuple[int, ...]


def all_pairs(folder: Path = PAIRS) -> list[Pair]:
    return [p for path in sorted(folder.glob("*.jsonl")) for p in read_pairs(path)]


def training_pairs(embedder: Embedder) -> list[Pair]:
    """Every mined pair whose question is not too close to an evaluation question as the sets
    stand now: a set written after the mining (the transfer set) still keeps its questions
    out of training."""
    pairs = all_pairs()
    leaked = too_close(sorted({p.question for p in pairs}), embedder)
    return [p for p in pairs if p.question not in leaked]


def _shown(pair: Pair) -> dict[str, object]:
    return {
        "id": pair.id,
        "question": pair.question,
        "title": pair.title,
        "section": pair.section,
        "sentences": {str(i + 1): s for i, s in enumerate(pair.sentences)},
    }


def _write(rows: Iterable[Pair], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for pair in rows:
            out.write(json.dumps(_shown(pair), ensure_ascii=False) + "\n")
            count += 1
    return count


def _batched(prefix: str) -> tuple[set[str], int]:
    """Ids already handed out under `prefix`, and the next batch number: pairs mined later
    (a new corpus) go into new batches, and labels already given stay valid."""
    ids: set[str] = set()
    files = sorted(ANNOTATE.glob(f"{prefix}_*.jsonl"))
    for path in files:
        ids |= {json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()}
    return ids, len(files)


def make(*, size: int, second: float) -> None:
    pairs = {p.id: p for p in all_pairs()}  # one pair per id: the same question twice is one
    done, first_batch = _batched("batch")
    order = sorted(set(pairs) - done)
    random.Random(SEED).shuffle(order)
    for n, start in enumerate(range(0, len(order), size), first_batch):
        _write((pairs[i] for i in order[start : start + size]), ANNOTATE / f"batch_{n:03d}.jsonl")
    _, first_second = _batched("second")
    sample = sorted(random.Random(SEED + first_batch).sample(order, round(len(order) * second)))
    for n, start in enumerate(range(0, len(sample), size), first_second):
        _write((pairs[i] for i in sample[start : start + size]), ANNOTATE / f"second_{n:03d}.jsonl")
    print(f"{len(order)} new pairs in batches of {size}; {len(sample)} for the second annotator")


def read_labels(folder: Path) -> dict[str, Label]:
    labels: dict[str, Label] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("label") not in LABEL_NAMES:
                raise ValueError(f"{path.name} line {number}: label {row.get('label')!r}")
            labels[row["id"]] = Label(row["id"], row["label"], tuple(row.get("sentences") or ()))
    return labels


def agreement() -> None:
    first, second = read_labels(LABELS / "first"), read_labels(LABELS / "second")
    both = sorted(set(first) & set(second))
    if not both:
        print("no pair has two labels yet")
        return
    a = [first[i].label for i in both]
    b = [second[i].label for i in both]
    binary = cohen_kappa_score([x == "answers" for x in a], [x == "answers" for x in b])
    print(
        f"{len(both)} pairs labelled twice: three-way kappa {cohen_kappa_score(a, b):.3f}, "
        f"answers-or-not kappa {binary:.3f}, raw agreement "
        f"{sum(x == y for x, y in zip(a, b, strict=True)) / len(both):.3f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    made = sub.add_parser("make")
    made.add_argument("--size", type=int, default=250)
    made.add_argument("--second", type=float, default=0.10)
    sub.add_parser("agreement")
    args = parser.parse_args(argv)
    if args.command == "make":
        make(size=args.size, second=args.second)
    else:
        agreement()


if __name__ == "__main__":
    main()

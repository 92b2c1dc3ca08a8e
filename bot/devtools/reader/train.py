"""Training the reader designs on the labelled pairs, seeded and CPU only.

    python -m bot.devtools.reader.train --design cross|head|distilled [--layers 3]
        [--share 1.0] [--epochs N]

Each run writes `.cache/reader/<design>-<share>/` (`distilled<layers>-<share>/` for a student;
weights, and `dev.json` with the dev-split figures). A student needs the full cross-encoder's
run (`cross-1`) first: it starts from that model's own blocks and head. `export.py` turns the chosen one into the shipped ONNX model."""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from transformers import AutoTokenizer

from bot.devtools.corpora import REPO
from bot.devtools.reader.batches import LABELS, read_labels, training_pairs
from bot.devtools.reader.examples import ANSWERS, Example, examples, split
from bot.devtools.reader.models import CrossReader, PairHead
from bot.retrieval.embedder import resolve_model_path
from bot.retrieval.reader import MAX_TOKENS

RUNS = REPO / ".cache" / "reader"
SEED = 19
BATCH = 16
TEACHER = "cross-1"  # the full cross-encoder's run: design (a), the students' teacher
CLASS_WEIGHTS = (2.0, 1.0, 0.5)  # answers are rarer and matter most; unrelated is easy


def seeded(seed: int = SEED) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(2)


def load_examples(*, share: float = 1.0) -> tuple[list[Example], list[Example]]:
    labels = read_labels(LABELS / "first")
    train, dev = split(examples(training_pairs(_embedder()), labels))
    if share < 1.0:  # the learning curve: a seeded share of the training questions
        questions = sorted({e.question for e in train})
        random.Random(SEED).shuffle(questions)
        kept = set(questions[: max(1, round(len(questions) * share))])
        train = [e for e in train if e.question in kept]
    return train, dev


def _batches(items: Sequence[Example], size: int, *, shuffle: bool) -> Iterator[list[Example]]:
    # Batches of similar length pad less: sort by length, then shuffle the batches.
    order = sorted(range(len(items)), key=lambda i: len(items[i].text))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    if shuffle:
        random.shuffle(chunks)
    for chunk in chunks:
        yield [items[i] for i in chunk]


def _encode(tokenizer, batch: list[Example]) -> dict[str, torch.Tensor]:  # type: ignore[no-untyped-def]
    return dict(
        tokenizer(
            [e.question for e in batch],
            [e.text for e in batch],
            truncation="only_second",
            max_length=MAX_TOKENS,
            padding=True,
            return_tensors="pt",
        )
    )


def train_cross(
    train: list[Example],
    *,
    epochs: int,
    layers: int | None = None,
    teacher: dict[tuple[str, str], list[float]] | None = None,
    start: Path | None = None,
    lr: float = 3e-5,
) -> tuple[CrossReader, object]:
    source = str(start / "encoder") if start else resolve_model_path("all-MiniLM-L6-v2")
    tokenizer = AutoTokenizer.from_pretrained(source)
    model = CrossReader(source, layers=layers)
    if start is not None:  # a student keeps its teacher's head, which reads the last block
        model.head.load_state_dict(torch.load(start / "head.pt"))
    steps = epochs * math.ceil(len(train) / BATCH)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, (steps - s) / steps)
    )
    weights = torch.tensor(CLASS_WEIGHTS)
    started = time.time()
    for epoch in range(epochs):
        model.train()
        total, count = 0.0, 0
        for batch in _batches(train, BATCH, shuffle=True):
            logits = model(**_encode(tokenizer, batch))
            gold = torch.tensor([e.label for e in batch])
            loss = F.cross_entropy(logits, gold, weight=weights)
            if teacher is not None:  # distillation: match the teacher's distribution too
                soft = torch.tensor([teacher[(e.question, e.text)] for e in batch])
                loss = 0.5 * loss + 0.5 * F.kl_div(
                    F.log_softmax(logits, -1), soft, reduction="batchmean"
                )
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            total, count = total + float(loss.detach()), count + 1
        print(
            f"epoch {epoch + 1}: loss {total / max(count, 1):.4f} ({time.time() - started:.0f} s)"
        )
    return model, tokenizer


@torch.no_grad()
def cross_probabilities(model: CrossReader, tokenizer, items: list[Example]) -> np.ndarray:  # type: ignore[no-untyped-def]
    model.eval()
    out = np.zeros((len(items), 3), dtype=np.float32)
    index = {id(e): i for i, e in enumerate(items)}
    for batch in _batches(items, 64, shuffle=False):
        probs = F.softmax(model(**_encode(tokenizer, batch)), -1).numpy()
        for e, p in zip(batch, probs, strict=True):
            out[index[id(e)]] = p
    return out


def _embedder():  # type: ignore[no-untyped-def]
    from bot.runtime import make_embedder
    from bot.settings import Settings

    return make_embedder(Settings(_env_file=None))  # type: ignore[call-arg]


def train_head(train: list[Example], *, epochs: int = 300) -> tuple[PairHead, object]:
    embedder = _embedder()
    model = PairHead()
    u = torch.tensor(embedder.embed([e.question for e in train]))
    v = torch.tensor(embedder.embed([e.text for e in train]))
    gold = torch.tensor([e.label for e in train])
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    for _ in range(epochs):  # full batch: a few thousand rows of 1,536 features
        model.train()
        loss = F.cross_entropy(model(u, v), gold, weight=torch.tensor(CLASS_WEIGHTS))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return model, embedder


@torch.no_grad()
def head_probabilities(model: PairHead, embedder, items: list[Example]) -> np.ndarray:  # type: ignore[no-untyped-def]
    model.eval()
    u = torch.tensor(embedder.embed([e.question for e in items]))
    v = torch.tensor(embedder.embed([e.text for e in items]))
    return F.softmax(model(u, v), -1).numpy()


def dev_figures(items: list[Example], probs: np.ndarray) -> dict[str, float]:
    """Pair accuracy on passages, and per question: is the top-scored passage one that answers,
    and does the best sentence of an answering passage carry the answer."""
    from sklearn.metrics import roc_auc_score

    passages = [i for i, e in enumerate(items) if not e.sentence]
    gold = np.array([items[i].label == ANSWERS for i in passages])
    score = probs[passages, ANSWERS]
    figures = {"pairs": float(len(passages))}
    if gold.any() and not gold.all():
        figures["auc_answers"] = float(roc_auc_score(gold, score))
    by_question: dict[str, list[int]] = {}
    for i in passages:
        by_question.setdefault(items[i].question, []).append(i)
    answerable = [
        q for q, rows in by_question.items() if any(items[r].label == ANSWERS for r in rows)
    ]
    top_right = sum(
        items[max(by_question[q], key=lambda r: probs[r, ANSWERS])].label == ANSWERS
        for q in answerable
    )
    figures["top_answers"] = top_right / max(len(answerable), 1)
    figures["questions_answerable"] = float(len(answerable))
    return figures


def run(
    design: str, *, share: float, epochs: int | None, layers: int = 3
) -> dict[str, object]:
    seeded()
    train, dev = load_examples(share=share)
    name = f"distilled{layers}" if design == "distilled" else design
    folder = RUNS / f"{name}-{share:g}"
    folder.mkdir(parents=True, exist_ok=True)
    started = time.time()
    if design == "head":
        head, embedder = train_head(train, epochs=epochs or 300)
        torch.save(head.state_dict(), folder / "head.pt")
        probs = head_probabilities(head, embedder, dev)
    else:
        teacher, start, student = None, None, None
        if design == "distilled":
            teacher, start, student = _teacher_scores(train), RUNS / TEACHER, layers
        model, tokenizer = train_cross(
            train, epochs=epochs or 2, layers=student, teacher=teacher, start=start
        )
        model.encoder.save_pretrained(folder / "encoder")
        tokenizer.save_pretrained(folder / "encoder")  # type: ignore[attr-defined]
        torch.save(model.head.state_dict(), folder / "head.pt")
        probs = cross_probabilities(model, tokenizer, dev)
    result = {
        "design": design,
        "layers": layers if design == "distilled" else (None if design == "head" else 6),
        "share": share,
        "train_examples": len(train),
        "train_seconds": round(time.time() - started, 1),
        "dev": dev_figures(dev, probs),
    }
    (folder / "dev.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


def _teacher_scores(train: list[Example]) -> dict[tuple[str, str], list[float]]:
    """The teacher's probabilities for every training example, cached beside its run (the
    students of several sizes share them)."""
    folder = RUNS / TEACHER
    if not (folder / "encoder").exists():
        raise SystemExit("distillation needs the full cross-encoder first: --design cross")
    cache = folder / f"scores-{MAX_TOKENS}.json"
    known: dict[str, list[float]] = {}
    if cache.exists():
        known = json.loads(cache.read_text(encoding="utf-8"))
    missing = [e for e in train if _key(e) not in known]
    if missing:
        teacher, tokenizer = load_cross(folder)
        probs = cross_probabilities(teacher, tokenizer, missing)
        known.update({_key(e): p.tolist() for e, p in zip(missing, probs, strict=True)})
        cache.write_text(json.dumps(known), encoding="utf-8")
    return {(e.question, e.text): known[_key(e)] for e in train}


def _key(e: Example) -> str:
    return f"{e.question}\x1f{e.text}"


def load_cross(folder: Path) -> tuple[CrossReader, object]:
    model = CrossReader(str(folder / "encoder"))
    model.head.load_state_dict(torch.load(folder / "head.pt"))
    return model, AutoTokenizer.from_pretrained(folder / "encoder")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--design", choices=("cross", "head", "distilled"), default="cross")
    parser.add_argument("--share", type=float, default=1.0)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--layers", type=int, default=3, help="a student's blocks (distilled)")
    args = parser.parse_args(argv)
    run(args.design, share=args.share, epochs=args.epochs, layers=args.layers)


if __name__ == "__main__":
    main()

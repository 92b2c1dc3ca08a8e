"""How well the personal-data guard does on the hand-written set (tests/eval/personal_data.yaml).

Three figures: the share of identifying strings gone after redaction, the share of `keep`
strings of practice questions that survive, and the share of practice words (lower-cased
alphabetic words of three or more letters) of the evaluation questions that the guard wrongly
removes. `held_out` keeps every third identifying question apart, for rules tuned on the rest.

    python -m bot.devtools.privacy_eval [--split dev|held-out|all] [--show]
    python -m bot.devtools.privacy_eval --name-words /usr/share/dict/british-english-small
"""

from __future__ import annotations

import argparse
import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from bot.answering.name_words import lexicon
from bot.answering.personal_data import PLACEHOLDER, PersonalDataGuard
from bot.retrieval.glossary import Glossary

EVAL = Path(__file__).resolve().parents[2] / "tests" / "eval"
GLOSSARY = Path(__file__).resolve().parents[2] / "knowledge" / "glossary.yaml"
DEFAULT_SET = EVAL / "personal_data.yaml"
PRACTICE_SETS = (EVAL / "questions.yaml", EVAL / "holdout.yaml")
_PRACTICE_WORD = re.compile(r"[a-z]{3,}")


class IdentifyingQuestion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    q: str
    identifiers: tuple[str, ...]


class PracticeQuestion(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    q: str
    keep: tuple[str, ...]


class PrivacySet(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    questions: tuple[IdentifyingQuestion, ...]
    practice_questions: tuple[PracticeQuestion, ...]


@dataclass(frozen=True)
class PrivacyFigures:
    """Counts behind the three rates, and what was missed, for a report."""

    identifiers: int
    identifiers_removed: int
    keep: int
    kept: int
    practice_words: int
    practice_words_removed: int
    questions: int
    flagged: int  # questions in which the guard found anything (so answered privately)
    missed: tuple[str, ...]  # "identifier  <-  redacted question"
    lost: tuple[str, ...]  # keep strings or practice words removed, with their question

    @property
    def removed_rate(self) -> float:
        return self.identifiers_removed / self.identifiers if self.identifiers else 1.0

    @property
    def keep_rate(self) -> float:
        return self.kept / self.keep if self.keep else 1.0

    @property
    def practice_removed_rate(self) -> float:
        return self.practice_words_removed / self.practice_words if self.practice_words else 0.0


def load_set(path: Path = DEFAULT_SET) -> PrivacySet:
    return PrivacySet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def held_out(items: Sequence[IdentifyingQuestion]) -> tuple[IdentifyingQuestion, ...]:
    """Every third question (the 3rd, 6th, ...): no rule was tuned on these."""
    return tuple(items[2::3])


def development(items: Sequence[IdentifyingQuestion]) -> tuple[IdentifyingQuestion, ...]:
    return tuple(q for i, q in enumerate(items) if i % 3 != 2)


def practice_questions(paths: Iterable[Path] = PRACTICE_SETS) -> list[str]:
    """The `q` of every in-scope and out-of-scope question of the retrieval evaluation sets."""
    found: list[str] = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("in_scope", "out_of_scope"):
            found += [case["q"] for case in data.get(key) or [] if "q" in case]
    return found


def evaluate(
    guard: PersonalDataGuard,
    questions: Sequence[IdentifyingQuestion],
    keeps: Sequence[PracticeQuestion] = (),
    practice: Sequence[str] = (),
) -> PrivacyFigures:
    missed: list[str] = []
    lost: list[str] = []
    identifiers = removed = flagged = 0
    for question in questions:
        redaction = guard.redact(question.q)
        flagged += redaction.changed
        redacted = redaction.text.lower()
        for identifier in question.identifiers:
            identifiers += 1
            if identifier.lower() in redacted:
                missed.append(f"{identifier}  <-  {redacted}")
            else:
                removed += 1
    keep = kept = 0
    for case in keeps:
        redacted = guard.redact(case.q).text
        for part in case.keep:
            keep += 1
            if part in redacted:
                kept += 1
            else:
                lost.append(f"keep {part!r}  <-  {redacted}")
    words = words_removed = 0
    for text in practice:
        before = Counter(_PRACTICE_WORD.findall(text.lower()))
        after = Counter(
            _PRACTICE_WORD.findall(PLACEHOLDER.sub(" ", guard.redact(text).text).lower())
        )
        words += sum(before.values())
        gone = before - after
        if gone:
            words_removed += sum(gone.values())
            lost.append(f"words {sorted(gone)}  <-  {text}")
    return PrivacyFigures(
        identifiers,
        removed,
        keep,
        kept,
        words,
        words_removed,
        len(questions),
        flagged,
        tuple(missed),
        tuple(lost),
    )


def figures(
    guard: PersonalDataGuard | None = None, *, split: str = "all", path: Path = DEFAULT_SET
) -> PrivacyFigures:
    """The figures for a set (the first hand-written one unless `path`); `split` is "all",
    "dev" or "held-out". The guard is made as the runtime makes it, with the glossary."""
    data = load_set(path)
    chosen = {
        "all": data.questions,
        "dev": development(data.questions),
        "held-out": held_out(data.questions),
    }[split]
    return evaluate(
        guard or PersonalDataGuard(glossary_words=Glossary.load(GLOSSARY).words),
        chosen,
        data.practice_questions,
        practice_questions(),
    )


def name_words(dictionary: Path) -> list[str]:
    """The dictionary's lower-case words that faker's name lists also hold: NAME_WORDS in
    bot/answering/name_words.py (Debian's wbritish-small is the dictionary it was made from)."""
    lex = lexicon()
    names = lex.first | lex.surnames
    lines = dictionary.read_text(encoding="utf-8").splitlines()
    return sorted({word for word in lines if word[:1].islower() and "'" not in word} & names)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["all", "dev", "held-out"], default="all")
    parser.add_argument(
        "--set",
        type=Path,
        default=DEFAULT_SET,
        help="the set to measure (tests/eval/personal_data_channel.yaml: the second, blind one)",
    )
    parser.add_argument("--show", action="store_true", help="list what was missed or lost")
    parser.add_argument("--name-words", type=Path, metavar="DICTIONARY", help="print NAME_WORDS")
    args = parser.parse_args(argv)
    if args.name_words:
        print(textwrap.fill(" ".join(name_words(args.name_words)), width=92))
        return
    result = figures(split=args.split, path=args.set)
    print(
        f"questions flagged {result.flagged}/{result.questions}; identifiers removed "
        f"{result.identifiers_removed}/{result.identifiers} "
        f"({result.removed_rate:.1%}); keep strings kept {result.kept}/{result.keep} "
        f"({result.keep_rate:.1%}); practice words removed "
        f"{result.practice_words_removed}/{result.practice_words} "
        f"({result.practice_removed_rate:.2%})"
    )
    if args.show:
        print("\n".join(["missed:", *result.missed, "lost:", *result.lost]))


if __name__ == "__main__":
    main()

"""The evaluation set and its figures: hit@1, hit@3, MRR and abstention accuracy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.answering.answerer import Answerer
from bot.errors import ConfigError
from bot.records import Chunk
from bot.text import squash

# The repository's own set, wherever the command is run from (dev tools run from a checkout).
DEFAULT_SET = Path(__file__).resolve().parents[2] / "tests" / "eval" / "questions.yaml"


class Expected(BaseModel):
    """A passage that answers a question: its document, heading and (optionally) number."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    section: str | None = None
    para: int | None = None
    contains: str | None = None  # a phrase of the passage, for corpora whose headings vary

    def matches(self, chunk: Chunk) -> bool:
        if chunk.source != self.source:
            return False
        if (
            self.contains is not None
            and squash(self.contains).lower() not in squash(chunk.text).lower()
        ):
            return False
        heading = " > ".join(chunk.heading_path[1:]) or "Introduction"
        if self.section is not None and heading != self.section:
            return False
        if self.para is not None:
            first, _, last = (chunk.paragraph or "").partition("-")
            if not first or not int(first) <= self.para <= int(last or first):
                return False
        return True


FAMILIAR = ("familiar", "near-domain")  # uses the sources' words, asks what they do not say


class Case(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    q: str
    expect: tuple[Expected, ...] = ()  # empty: out of scope, the bot must abstain
    tag: str | None = None  # e.g. "near-domain": sounds like practice, but is not covered
    lead: tuple[str, ...] = ()  # phrases, one of which an answer's first sentence must carry
    holdout: bool = False  # no threshold or rule was tuned on it
    why: str | None = None  # for out-of-scope questions: what the sources do not say


class EvalSet(BaseModel):
    holdout: bool = False  # every case of the file is held out (no threshold tuned on it)
    in_scope: list[Case] = []
    out_of_scope: list[Case] = []

    def cases(self) -> list[tuple[Case, bool]]:
        """(case, in scope) with the file's holdout flag applied to each case."""
        marked = [
            (c.model_copy(update={"holdout": True}) if self.holdout else c, inside)
            for inside, group in ((True, self.in_scope), (False, self.out_of_scope))
            for c in group
        ]
        return marked


@dataclass(frozen=True)
class Outcome:
    case: Case
    answered: bool
    rank: int | None  # 1-based rank of the first correct passage among the citations
    retrieval_rank: int | None  # the same among the first ten retrieved passages
    cited: tuple[str, ...]
    outcome: str = "not_found"  # answered, related or not_found
    lead_ok: bool | None = None  # the answer's first line carries a lead phrase (if it has any)


@dataclass(frozen=True)
class EvalReport:
    in_scope: list[Outcome]
    out_of_scope: list[Outcome]

    def summary(self) -> dict[str, float | int]:
        n = len(self.in_scope) or 1
        m = len(self.out_of_scope) or 1
        abstained_out = sum(not o.answered for o in self.out_of_scope)
        answered_in = sum(o.answered for o in self.in_scope)
        near = [o for o in self.out_of_scope if o.case.tag == "near-domain"]
        general = [o for o in self.out_of_scope if o.case.tag != "near-domain"]
        return {
            "in_scope": len(self.in_scope),
            "out_of_scope": len(self.out_of_scope),
            "hit@1": sum(o.rank == 1 for o in self.in_scope) / n,
            "hit@3": sum(o.rank is not None and o.rank <= 3 for o in self.in_scope) / n,
            "mrr": sum(1 / o.retrieval_rank for o in self.in_scope if o.retrieval_rank) / n,
            "in_scope_answered": answered_in / n,
            "out_of_scope_abstained": abstained_out / m,
            "general_out_of_scope_abstained": sum(not o.answered for o in general)
            / (len(general) or 1),
            "near_domain_abstained": sum(not o.answered for o in near) / (len(near) or 1),
            "abstention_accuracy": (answered_in + abstained_out)
            / ((len(self.in_scope) + len(self.out_of_scope)) or 1),
        } | self._outcomes()

    def _outcomes(self) -> dict[str, float | int]:
        familiar = [o for o in self.out_of_scope if o.case.tag in FAMILIAR]
        leads = [o.lead_ok for o in self.in_scope if o.lead_ok is not None]
        n = len(self.in_scope) or 1
        return {
            "in_scope_related": sum(o.outcome == "related" for o in self.in_scope) / n,
            "in_scope_not_found": sum(o.outcome == "not_found" for o in self.in_scope) / n,
            "wrongly_answered": sum(o.answered for o in self.out_of_scope)
            / (len(self.out_of_scope) or 1),
            "familiar": len(familiar),
            "familiar_not_answered": sum(not o.answered for o in familiar) / (len(familiar) or 1),
            "familiar_related": sum(o.outcome == "related" for o in familiar)
            / (len(familiar) or 1),
            "lead_carries_answer": sum(leads) / (len(leads) or 1),
            "leads_checked": len(leads),
        }

    def split(self, *, holdout: bool) -> EvalReport:
        return EvalReport(
            [o for o in self.in_scope if o.case.holdout == holdout],
            [o for o in self.out_of_scope if o.case.holdout == holdout],
        )


def load_cases(path: Path) -> EvalSet:
    try:
        return EvalSet.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"Evaluation set {path} cannot be used: {exc}") from exc


def run_eval(answerer: Answerer, cases: EvalSet) -> EvalReport:
    return run_cases(answerer, cases.cases())


def run_cases(answerer: Answerer, cases: list[tuple[Case, bool]]) -> EvalReport:
    """Every case of one or more files (holdout flags applied), in scope or not."""
    outcomes = [(_run(answerer, case), inside) for case, inside in cases]
    return EvalReport([o for o, i in outcomes if i], [o for o, i in outcomes if not i])


def _run(answerer: Answerer, case: Case) -> Outcome:
    answer = answerer.answer(case.q)
    cited = [p.hit.chunk for p in answer.passages]
    retrieved = [h.chunk for h in answerer.retriever.retrieve(answer.question, limit=10).hits]
    first_line = answer.text.splitlines()[0].lower() if answer.text else ""
    lead_ok = (
        any(squash(p).lower() in first_line for p in case.lead)
        if case.lead and answer.answered
        else None
    )
    return Outcome(
        case=case,
        answered=answer.answered,
        rank=_first_match(case, cited) if answer.answered else None,
        retrieval_rank=_first_match(case, retrieved),
        cited=tuple(f"{c.source} · {c.section}" for c in cited),
        outcome=answer.outcome.value,
        lead_ok=lead_ok,
    )


def _first_match(case: Case, chunks: list[Chunk]) -> int | None:
    for rank, chunk in enumerate(chunks, 1):
        if any(e.matches(chunk) for e in case.expect):
            return rank
    return None


def format_report(report: EvalReport, *, verbose: bool = False) -> str:
    s = report.summary()
    lines = [
        f"In scope: {s['in_scope']} questions   Out of scope: {s['out_of_scope']} questions",
        f"hit@1 {s['hit@1']:.3f}   hit@3 {s['hit@3']:.3f}   MRR@10 {s['mrr']:.3f}",
        f"in-scope answered {s['in_scope_answered']:.3f}   "
        f"out-of-scope abstained {s['out_of_scope_abstained']:.3f} "
        f"(general {s['general_out_of_scope_abstained']:.3f}, "
        f"near-domain {s['near_domain_abstained']:.3f})",
        f"abstention accuracy {s['abstention_accuracy']:.3f}",
        format_outcomes(s),
    ]
    misses = [o for o in report.in_scope if o.rank is None or o.rank > 1]
    wrong = [o for o in report.out_of_scope if o.answered]
    if misses or wrong or verbose:
        lines.append("")
    for o in report.in_scope if verbose else misses:
        status = "abstained" if not o.answered else f"rank {o.rank}" if o.rank else "miss"
        lines.append(f"  [{status}] {o.case.q}")
        if o.rank != 1:
            lines += [f"      cited: {c}" for c in o.cited]
    for o in report.out_of_scope if verbose else wrong:
        lines.append(f"  [{'ANSWERED' if o.answered else o.outcome}] {o.case.q}")
    for o in report.in_scope:
        if o.lead_ok is False:
            lines.append(f"  [lead lacks {'/'.join(o.case.lead)}] {o.case.q}")
    return "\n".join(lines)


def format_outcomes(s: dict[str, float | int]) -> str:
    return (
        f"in scope: answered {s['in_scope_answered']:.3f}, related {s['in_scope_related']:.3f}, "
        f"not found {s['in_scope_not_found']:.3f}; lead carries the answer "
        f"{s['lead_carries_answer']:.3f} ({s['leads_checked']} checked)\n"
        f"out of scope: wrongly answered {s['wrongly_answered']:.3f}; familiar "
        f"({s['familiar']}) not answered {s['familiar_not_answered']:.3f}, related "
        f"{s['familiar_related']:.3f}"
    )

"""The sync's "done when": the Westmere manual's evaluation figures are the same whether its
chapters come in by `practice-bot sync` from a procedures website or are dropped into the
knowledge folder as files.

The local procedures site (procedures_site.py) publishes the manual's chapters as web pages;
one knowledge folder is filled by syncing it, the other by copying the very pages it saved
into `procedures/`. The manual's question sets (part A and B) are asked of both, each case's
expected source moved to where that folder keeps the chapter. The findings letter and the
glossary are put in both, as files.

    python -m bot.devtools.sync_eval [--cache DIR]      # the real model; prints both figures
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from bot.devtools.corpora import EVAL, GLOSSARY, MANUAL, REPO
from bot.devtools.evaluation import Case, EvalReport, load_cases, run_cases
from bot.devtools.procedures_site import CHAPTERS, ProceduresSite
from bot.embedding import Embedder
from bot.settings import Settings

SETS = (EVAL / "manual" / "part_a.yaml", EVAL / "manual" / "part_b.yaml")
CACHE = REPO / ".cache" / "sync-eval"


@dataclass(frozen=True)
class Compared:
    synced: EvalReport
    dropped: EvalReport

    @property
    def same(self) -> bool:
        """The same figures, and each question's answer ranked and decided the same."""
        return self.synced.summary() == self.dropped.summary() and _ranks(self.synced) == _ranks(
            self.dropped
        )


def _ranks(report: EvalReport) -> list[tuple[int | None, int | None, str]]:
    return [(o.rank, o.retrieval_rank, o.outcome) for o in report.in_scope + report.out_of_scope]


def compare(
    embedder: Embedder, *, cache: Path = CACHE, settings: Settings | None = None
) -> Compared:
    """Sync the local site into one folder, drop its saved pages into another, and evaluate
    both with the manual's question sets."""
    from bot.runtime import build, start
    from bot.sync.config import Site
    from bot.sync.fetch import FetchLimits
    from bot.sync.run import sync_sites
    from bot.sync.saved import site_folder

    if cache.exists():
        shutil.rmtree(cache)
    base = settings or Settings(_env_file=None)  # type: ignore[call-arg]
    synced, dropped = _settings(base, cache / "synced"), _settings(base, cache / "dropped")
    site = ProceduresSite().start()
    try:
        entry = Site(
            start=f"{site.origin}/manual/contents.html", sitemap=f"{site.origin}/sitemap.xml"
        )
        limits = FetchLimits(delay=0.0, max_bytes=2**20, page_seconds=0.5)
        report = sync_sites(
            [entry],
            knowledge_dir=synced.knowledge_dir,
            limits=limits,
            rebuild=lambda: build(synced, embedder),
        )
        if report.failed or report.rebuilt is None:
            raise RuntimeError(f"the sync did not build an index:\n{report.describe()}")
        folder = site_folder(synced.knowledge_dir, site.origin)
    finally:
        site.stop()
    shutil.copytree(folder / CHAPTERS.strip("/"), dropped.knowledge_dir / "procedures")
    build(dropped, embedder)
    prefix = folder.relative_to(synced.knowledge_dir).as_posix() + CHAPTERS
    figures = []
    for where, settings_ in ((prefix.lstrip("/"), synced), ("procedures/", dropped)):
        answerer = start(settings_, embedder=embedder, progress=False).current()
        cases = [
            (_moved(c, where), inside) for path in SETS for c, inside in load_cases(path).cases()
        ]
        figures.append(run_cases(answerer, cases))
    return Compared(*figures)


def _settings(base: Settings, root: Path) -> Settings:
    knowledge = root / "knowledge"
    (knowledge / "findings").mkdir(parents=True)
    for pdf in (MANUAL / "findings").iterdir():
        shutil.copy2(pdf, knowledge / "findings" / pdf.name)
    shutil.copy2(GLOSSARY, knowledge / "glossary.yaml")
    return base.model_copy(update={"knowledge_dir": knowledge, "index_dir": root / "index"})


def _moved(case: Case, where: str) -> Case:
    """The case with each expected chapter where this folder keeps it (as an .html page)."""
    expect = tuple(
        e.model_copy(update={"source": where + Path(e.source).stem + ".html"})
        if e.source.startswith("procedures/")
        else e
        for e in case.expect
    )
    return case.model_copy(update={"expect": expect})


def main() -> None:
    import argparse

    from bot.devtools.evaluation import format_outcomes
    from bot.runtime import make_embedder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    compared = compare(make_embedder(settings), cache=args.cache, settings=settings)
    for label, report in (
        ("synced from the site", compared.synced),
        ("dropped in as files", compared.dropped),
    ):
        s = report.summary()
        print(f"== {label}: {s['in_scope']} in scope, {s['out_of_scope']} out of scope")
        print(f"hit@1 {s['hit@1']:.3f}   hit@3 {s['hit@3']:.3f}   MRR@10 {s['mrr']:.3f}")
        print(format_outcomes(s))
    print("identical figures" if compared.same else "THE FIGURES DIFFER")
    raise SystemExit(0 if compared.same else 1)


if __name__ == "__main__":
    main()

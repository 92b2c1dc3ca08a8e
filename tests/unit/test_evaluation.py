import datetime as dt

from bot.devtools.evaluation import Case, EvalReport, Expected, Outcome
from bot.records import Chunk, Kind


def _chunk(source: str, path: tuple[str, ...], para: str | None) -> Chunk:
    return Chunk("id", "text", source, "T", Kind.FINDINGS, path, para, dt.date(2018, 1, 1), None)


def test_expected_matches_document_heading_and_number_exactly() -> None:
    expected = Expected(source="f.md", section="Findings", para=1)
    assert expected.matches(_chunk("f.md", ("T", "Findings"), "1"))
    assert not expected.matches(_chunk("f.md", ("T", "Findings"), "12"))
    assert not expected.matches(_chunk("g.md", ("T", "Findings"), "1"))
    assert Expected(source="f.md", section="Findings", para=3).matches(
        _chunk("f.md", ("T", "Findings"), "2-4")
    )
    assert Expected(source="f.md", section="Introduction").matches(_chunk("f.md", ("T",), "1"))


def test_summary_counts_hits_ranks_and_abstentions() -> None:
    case = Case(q="q", expect=(Expected(source="f.md"),))
    report = EvalReport(
        in_scope=[
            Outcome(case, True, 1, 1, ()),
            Outcome(case, True, 3, 2, ()),
            Outcome(case, False, None, 4, ()),
            Outcome(case, True, None, None, ()),
        ],
        out_of_scope=[
            Outcome(Case(q="x"), False, None, None, ()),
            Outcome(Case(q="y"), True, None, None, ()),
        ],
    )
    s = report.summary()
    assert s["hit@1"] == 0.25
    assert s["hit@3"] == 0.5
    assert s["mrr"] == (1 + 1 / 2 + 1 / 4) / 4
    assert s["in_scope_answered"] == 0.75
    assert s["out_of_scope_abstained"] == 0.5
    assert s["abstention_accuracy"] == 4 / 6

import re
from pathlib import Path

from bot.ingest.chunking import SPLIT_WORDS, chunk_document, sentence_windows
from bot.ingest.documents import load_document


def _chunks(path: Path, root: Path):
    return chunk_document(load_document(path, knowledge_dir=root))


def test_numbered_points_stay_separate_and_are_cited_by_number(knowledge: Path) -> None:
    chunks = _chunks(knowledge / "findings" / "letter.md", knowledge)
    assert [c.section for c in chunks] == [
        "Introduction, para 1",
        "Findings, para 1",
        "Findings, para 2",
    ]


def test_a_lead_in_ending_with_a_colon_keeps_its_list(knowledge: Path) -> None:
    chunks = _chunks(knowledge / "guidance" / "letters.md", knowledge)
    assert len(chunks) == 1
    assert chunks[0].text.startswith("A letter before proceedings must contain:")
    assert chunks[0].text.endswith("what the parents must change and by when.")


def test_chunk_ids_are_stable_and_follow_text_and_place(knowledge: Path) -> None:
    path = knowledge / "guidance" / "plans.md"
    first = [c.id for c in _chunks(path, knowledge)]
    assert first == [c.id for c in _chunks(path, knowledge)]
    path.write_text(path.read_text().replace("three months", "3 months"), encoding="utf-8")
    second = [c.id for c in _chunks(path, knowledge)]
    assert first[0] == second[0]  # untouched paragraph keeps its id
    assert first[1] != second[1]  # edited paragraph gets a new one


def test_long_paragraphs_split_only_at_sentence_ends(tmp_path: Path) -> None:
    sentence = "The social worker records what the child said about home and school today."
    (tmp_path / "long.md").write_text("# Long\n\n" + " ".join([sentence] * 40), encoding="utf-8")
    chunks = _chunks(tmp_path / "long.md", tmp_path)
    assert len(chunks) > 1
    for chunk in chunks:
        assert len(chunk.text.split()) <= SPLIT_WORDS
        assert re.fullmatch(rf"({re.escape(sentence)} ?)+", chunk.text)
    assert {c.paragraph for c in chunks} == {"1"}


def test_short_paragraphs_under_one_heading_are_joined(tmp_path: Path) -> None:
    (tmp_path / "short.md").write_text(
        "# T\n\n## H\n\nOne short line.\n\nAnother short line.\n", encoding="utf-8"
    )
    chunks = _chunks(tmp_path / "short.md", tmp_path)
    assert [(c.text, c.section) for c in chunks] == [
        ("One short line. Another short line.", "H, paras 1-2")
    ]


def test_long_passages_get_one_window_per_sentence(tmp_path: Path) -> None:
    sentences = [
        f"Sentence number {n} says something about visits and plans here." for n in range(6)
    ]
    (tmp_path / "doc.md").write_text(
        "# Doc\n\n## Visits\n\n" + " ".join(sentences), encoding="utf-8"
    )
    (tmp_path / "short.md").write_text("# Short\n\nOne line. Two lines here.", encoding="utf-8")
    windows = sentence_windows(_chunks(tmp_path / "doc.md", tmp_path)[0])
    assert windows == [f"Doc. Visits. {s}" for s in sentences]
    assert sentence_windows(_chunks(tmp_path / "short.md", tmp_path)[0]) == []

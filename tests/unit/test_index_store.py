import json
from pathlib import Path

import faiss
import pytest

from bot.errors import IndexBusyError, IndexMismatchError, IndexMissingError, NoDocumentsError
from bot.index.build import build_index
from bot.index.loaded import load_index
from bot.index.versions import CURRENT, build_lock, current_version_path
from tests.fakes.embedder import FakeEmbedder


def test_build_writes_a_self_describing_version(knowledge: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    report = build_index(knowledge, index_dir, FakeEmbedder())
    loaded = load_index(index_dir, model=FakeEmbedder.name)
    manifest = loaded.manifest
    assert manifest.model == FakeEmbedder.name
    assert manifest.dimension == FakeEmbedder.dimension
    assert manifest.normalized and manifest.metric == "inner_product"
    assert manifest.chunk_count == len(loaded.chunks) == report.chunks
    assert loaded.dense.ntotal == manifest.row_count
    assert len(manifest.corpus_hash) == 64
    assert [d.source for d in manifest.documents] == [
        "findings/letter.md",
        "guidance/letters.md",
        "guidance/plans.md",
    ]
    assert report.added == [d.source for d in manifest.documents]
    assert (index_dir / CURRENT).read_text().strip() == loaded.path.name


def test_an_index_from_another_model_is_refused_with_how_to_rebuild(
    knowledge: Path, tmp_path: Path
) -> None:
    build_index(knowledge, tmp_path / "index", FakeEmbedder())
    with pytest.raises(
        IndexMismatchError, match=r"built with the model 'fake-hash-256'.*practice-bot index build"
    ):
        load_index(tmp_path / "index", model="all-MiniLM-L6-v2")


def test_an_index_of_another_format_is_refused(knowledge: Path, tmp_path: Path) -> None:
    build_index(knowledge, tmp_path / "index", FakeEmbedder())
    manifest_path = current_version_path(tmp_path / "index") / "manifest.json"
    data = json.loads(manifest_path.read_text())
    data["format_version"] = 999
    manifest_path.write_text(json.dumps(data))
    with pytest.raises(IndexMismatchError, match=r"format 999.*practice-bot index build"):
        load_index(tmp_path / "index", model=FakeEmbedder.name)


def test_a_damaged_version_is_refused(knowledge: Path, tmp_path: Path) -> None:
    build_index(knowledge, tmp_path / "index", FakeEmbedder())
    (current_version_path(tmp_path / "index") / "dense.faiss").write_bytes(b"not faiss")
    with pytest.raises(IndexMismatchError, match="damaged or incomplete"):
        load_index(tmp_path / "index", model=FakeEmbedder.name)


def test_no_index_yet_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="practice-bot index build"):
        load_index(tmp_path / "index", model=FakeEmbedder.name)


def test_rebuild_embeds_only_what_changed_and_reports_the_diff(
    knowledge: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index(knowledge, index_dir, FakeEmbedder())
    plans = knowledge / "guidance" / "plans.md"
    plans.write_text(plans.read_text().replace("three months", "3 months"), encoding="utf-8")
    (knowledge / "guidance" / "letters.md").unlink()
    (knowledge / "guidance" / "new.md").write_text(
        "# New\n\nA brand new passage.\n", encoding="utf-8"
    )
    embedder = FakeEmbedder()
    report = build_index(knowledge, index_dir, embedder)
    assert (report.added, report.changed, report.removed) == (
        ["guidance/new.md"],
        ["guidance/plans.md"],
        ["guidance/letters.md"],
    )
    assert report.embedded == 2  # the edited paragraph and the new document's one
    assert report.parsed == 2  # the unchanged documents were not read again
    built = embedder.calls[0]  # later calls are the new version's validation probes
    assert built and all("3 months" in t or "brand new" in t for t in built)
    loaded = load_index(index_dir, model=FakeEmbedder.name)
    assert {c.source for c in loaded.chunks} == {
        "findings/letter.md",
        "guidance/plans.md",
        "guidance/new.md",
    }


def test_reused_vectors_equal_freshly_embedded_ones(knowledge: Path, tmp_path: Path) -> None:
    build_index(knowledge, tmp_path / "a", FakeEmbedder())
    build_index(knowledge, tmp_path / "a", FakeEmbedder())  # everything reused
    build_index(knowledge, tmp_path / "b", FakeEmbedder())  # everything embedded
    a = load_index(tmp_path / "a", model=FakeEmbedder.name)
    b = load_index(tmp_path / "b", model=FakeEmbedder.name)
    assert [c.id for c in a.chunks] == [c.id for c in b.chunks]
    assert (
        a.dense.reconstruct_n(0, a.dense.ntotal) == b.dense.reconstruct_n(0, b.dense.ntotal)
    ).all()


def test_unreadable_documents_are_skipped_and_reported(knowledge: Path, tmp_path: Path) -> None:
    (knowledge / "guidance" / "broken.md").write_bytes(b"\xff\xfe bad bytes")
    report = build_index(knowledge, tmp_path / "index", FakeEmbedder())
    assert [f.source for f in report.failed] == ["guidance/broken.md"]
    assert "not UTF-8" in report.failed[0].reason
    assert report.documents == 3
    assert load_index(tmp_path / "index", model=FakeEmbedder.name).manifest.skipped == report.failed


def test_nothing_indexable_fails_the_build_and_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "empty.md").write_text("", encoding="utf-8")
    with pytest.raises(NoDocumentsError, match=r"empty\.md: has no text"):
        build_index(folder, tmp_path / "index", FakeEmbedder())
    with pytest.raises(NoDocumentsError, match="does not exist"):
        build_index(tmp_path / "nowhere", tmp_path / "index", FakeEmbedder())


class ExplodingEmbedder(FakeEmbedder):
    def embed(self, texts, *, progress=False):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")


def test_a_failed_build_leaves_the_current_index_serving(knowledge: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(knowledge, index_dir, FakeEmbedder())
    before = current_version_path(index_dir)
    (knowledge / "guidance" / "new.md").write_text("# New\n\nFresh text.\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk full"):
        build_index(knowledge, index_dir, ExplodingEmbedder())
    assert current_version_path(index_dir) == before
    assert load_index(index_dir, model=FakeEmbedder.name).manifest.chunk_count > 0
    assert not list((index_dir / "versions").glob(".staging-*"))


def test_only_the_newest_versions_are_kept(knowledge: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    for n in range(4):
        (knowledge / "guidance" / "counter.md").write_text(
            f"# Counter\n\nBuild {n}.\n", encoding="utf-8"
        )
        build_index(knowledge, index_dir, FakeEmbedder(), keep=2)
    versions = sorted(p.name for p in (index_dir / "versions").iterdir())
    assert len(versions) == 2
    assert current_version_path(index_dir).name == versions[-1]


def test_a_second_build_at_once_is_told_one_is_running(knowledge: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    with (
        build_lock(index_dir),
        pytest.raises(IndexBusyError, match="Another index build is running"),
    ):
        build_index(knowledge, index_dir, FakeEmbedder())


def test_large_indexes_switch_to_ivf_with_a_checked_recall(knowledge: Path, tmp_path: Path) -> None:
    from bot.index.build import build_index as build

    report = build(knowledge, tmp_path / "index", FakeEmbedder(), ivf_above_rows=2)
    loaded = load_index(tmp_path / "index", model=FakeEmbedder.name)
    manifest = loaded.manifest
    assert manifest.dense_index == "ivf"
    assert isinstance(loaded.dense, faiss.IndexIVFFlat)
    assert manifest.dense_recall_at_10 is not None and manifest.dense_recall_at_10 >= 0.98
    assert faiss.extract_index_ivf(loaded.dense).nprobe == manifest.dense_nprobe  # set on load
    vector = FakeEmbedder().embed(["second plan"])[0]
    _, ids = loaded.dense.search(vector[None, :], 1)
    assert loaded.chunks[loaded.chunk_of_row(int(ids[0][0]))].section.startswith("Second")
    assert report.chunks == manifest.chunk_count


def test_ivf_recall_is_checked_on_clustered_vectors() -> None:
    """Many vectors in clusters, as passages are: the chosen nprobe reaches the target."""
    import numpy as np

    from bot.index.dense import TARGET_RECALL, build_dense

    rng = np.random.default_rng(1)
    centres = rng.standard_normal((40, 64)).astype(np.float32)
    vectors = centres[rng.integers(0, 40, 8000)] + 0.3 * rng.standard_normal((8000, 64))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    dense = build_dense(vectors, ivf_above_rows=1000)
    assert dense.kind == "ivf" and dense.recall_at_10 is not None
    assert dense.recall_at_10 >= TARGET_RECALL


def test_sentence_windows_can_be_turned_off(knowledge: Path, tmp_path: Path) -> None:
    from bot.index.build import build_index as build

    long = " ".join(f"Sentence {n} says something about the visits and the plan." for n in range(8))
    (knowledge / "guidance" / "long.md").write_text(f"# Long\n\n{long}\n", encoding="utf-8")
    build(knowledge, tmp_path / "with", FakeEmbedder())
    build(knowledge, tmp_path / "without", FakeEmbedder(), windows=False)
    with_windows = load_index(tmp_path / "with", model=FakeEmbedder.name).manifest
    without = load_index(tmp_path / "without", model=FakeEmbedder.name).manifest
    assert with_windows.row_count == with_windows.chunk_count + 8
    assert without.row_count == without.chunk_count


def test_removing_a_document_reports_the_topics_no_document_covers_any_more(
    knowledge: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index(knowledge, index_dir, FakeEmbedder())
    (knowledge / "guidance" / "plans.md").unlink()  # replaced by nothing
    report = build_index(knowledge, index_dir, FakeEmbedder())
    assert report.removed == ["guidance/plans.md"]
    assert report.uncovered == [
        "Child protection plans — Review conferences",
        "Child protection plans — Second or subsequent plans",
    ]
    assert "no document covers these any more" in report.describe()


def test_a_replacement_that_covers_the_same_topics_leaves_no_gap(
    knowledge: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index(knowledge, index_dir, FakeEmbedder())
    (knowledge / "guidance" / "plans.md").unlink()
    (knowledge / "guidance" / "local-plans.txt").write_text(
        "Child protection plans\n\n4.1 Second or subsequent plans\nA child can have a second "
        "plan.\n\n4.2 Review conferences\nThe first review is within 3 months.\n",
        encoding="utf-8",
    )
    assert build_index(knowledge, index_dir, FakeEmbedder()).uncovered == []

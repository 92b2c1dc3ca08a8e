"""The ONNX export against the sentence-transformers model it came from: the same vectors for
questions and passages, the same evaluation figures, and a serving process that never loads
torch. Uses the export `make install` made (python -m bot.retrieval.onnx_export)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.devtools.evaluation import DEFAULT_SET, load_cases, run_eval
from bot.errors import ConfigError, IndexMismatchError
from bot.index.build import embedding_text
from bot.index.loaded import load_index
from bot.ingest.chunking import sentence_windows
from bot.retrieval.embedder import SentenceTransformerEmbedder, resolve_model_path
from bot.retrieval.onnx_embedder import OnnxEmbedder, check_export, export_files, export_folder
from bot.retrieval.onnx_export import export
from bot.runtime import Runtime, make_embedder, start
from bot.settings import BUNDLED_MODEL, Settings
from tests.fakes.cli import run_cli, run_python

REPO = Path(__file__).resolve().parents[2]
HOLDOUT = REPO / "tests/eval/holdout.yaml"
HEAVY = ("torch", "transformers", "sentence_transformers")
TOLERANCE = 1e-5


def questions() -> list[str]:
    found = []
    for path in (REPO / DEFAULT_SET, HOLDOUT):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += [case["q"] for group in ("in_scope", "out_of_scope") for case in data[group]]
    return found


def settings_for(index_dir: Path, encoder: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=REPO / "knowledge",
        prompts_dir=REPO / "prompts",
        index_dir=index_dir,
        encoder=encoder,
    )


@pytest.fixture(scope="module")
def onnx() -> OnnxEmbedder:
    embedder = make_embedder(settings_for(Path("unused"), "onnx"))
    assert isinstance(embedder, OnnxEmbedder)
    return embedder


@pytest.fixture(scope="module")
def torch_model() -> SentenceTransformerEmbedder:
    embedder = make_embedder(settings_for(Path("unused"), "torch"))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    return embedder


@pytest.fixture(scope="module")
def runtimes(
    tmp_path_factory: pytest.TempPathFactory,
    onnx: OnnxEmbedder,
    torch_model: SentenceTransformerEmbedder,
) -> dict[str, Runtime]:
    """The knowledge base indexed and served by each encoder, end to end."""
    return {
        name: start(
            settings_for(tmp_path_factory.mktemp(f"index-{name}"), name),
            embedder=embedder,
            progress=False,
        )
        for name, embedder in (("onnx", onnx), ("torch", torch_model))
    }


def test_the_names_are_the_models_so_existing_indexes_load(
    onnx: OnnxEmbedder, torch_model: SentenceTransformerEmbedder
) -> None:
    assert onnx.name == torch_model.name == BUNDLED_MODEL
    assert onnx.dimension == torch_model.dimension == 384


def test_question_vectors_equal_the_sentence_transformers_ones(
    onnx: OnnxEmbedder, torch_model: SentenceTransformerEmbedder
) -> None:
    texts = questions()
    assert len(texts) > 200
    expected = torch_model.embed(texts)
    alone = np.vstack([onnx.embed([text]) for text in texts])  # as questions are served
    together = onnx.embed(texts)
    assert alone.dtype == together.dtype == np.float32
    assert np.abs(alone - expected).max() < TOLERANCE
    assert np.abs(together - expected).max() < TOLERANCE
    assert np.allclose(np.linalg.norm(alone, axis=1), 1.0, atol=1e-6)


def test_passage_vectors_equal_the_sentence_transformers_ones(
    runtimes: dict[str, Runtime],
    onnx: OnnxEmbedder,
    torch_model: SentenceTransformerEmbedder,
) -> None:
    chunks = runtimes["onnx"].index.chunks
    texts = [t for c in chunks for t in (embedding_text(c), *sentence_windows(c))]
    assert len(chunks) > 100
    assert np.abs(onnx.embed(texts) - torch_model.embed(texts)).max() < TOLERANCE


def test_the_evaluation_figures_are_the_same_with_either_encoder(
    runtimes: dict[str, Runtime],
) -> None:
    for path in (REPO / DEFAULT_SET, HOLDOUT):
        cases = load_cases(path)
        onnx, torch = (run_eval(runtimes[n].current(), cases) for n in ("onnx", "torch"))
        assert onnx.summary() == torch.summary(), path.name
        assert [o.cited for o in onnx.in_scope] == [o.cited for o in torch.in_scope]


def test_serving_never_imports_torch(runtimes: dict[str, Runtime]) -> None:
    index = str(runtimes["onnx"].settings.index_dir)
    check = (
        "import sys\n"
        "from bot.runtime import start\n"
        "from bot.settings import Settings\n"
        "runtime = start(Settings(), progress=False)\n"
        "assert runtime.current().answer('can a child have a second CP plan?').answered\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    started = run_python("-c", check, index_dir=index)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "[]"

    # The one-shot command, with every import it makes listed by the interpreter.
    asked = run_python(
        "-X",
        "importtime",
        "-m",
        "bot",
        "ask",
        "can a child have a second CP plan?",
        index_dir=index,
    )
    assert asked.returncode == 0, asked.stderr
    assert "Inspectors found" in asked.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in asked.stderr.splitlines()}
    assert "onnxruntime" in imported
    assert not {m for m in imported if m.split(".")[0] in HEAVY}


def test_a_missing_export_stops_the_bot_with_the_fix(tmp_path: Path) -> None:
    empty = tmp_path / "no-exports"
    with pytest.raises(ConfigError, match="make install"):
        make_embedder(Settings(_env_file=None, onnx_dir=empty))  # type: ignore[call-arg]
    asked = run_cli("ask", "rcpc timescale", onnx_dir=str(empty), index_dir=str(tmp_path / "index"))
    assert asked.returncode == 1
    message = asked.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert "no ONNX export" in message and "python -m bot.retrieval.onnx_export" in message


def test_a_local_model_folder_is_exported_the_same_way(
    tmp_path: Path, torch_model: SentenceTransformerEmbedder
) -> None:
    folder = tmp_path / "my-minilm"
    shutil.copytree(resolve_model_path(BUNDLED_MODEL), folder)
    root = tmp_path / "onnx"
    made = run_python("-m", "bot.retrieval.onnx_export", model=str(folder), onnx_dir=str(root))
    assert made.returncode == 0, made.stderr
    assert (export_folder(str(folder), root) / "model.onnx").is_file()
    embedder = make_embedder(
        Settings(_env_file=None, model=str(folder), onnx_dir=root)  # type: ignore[call-arg]
    )
    assert embedder.name == str(folder)
    texts = questions()[:40]
    assert np.abs(embedder.embed(texts) - torch_model.embed(texts)).max() < TOLERANCE
    again = export(str(folder), root=root)  # a forced export replaces the folder whole
    assert sorted(p.name for p in again.folder.iterdir()) == [
        "export.json",
        "model.onnx",
        "tokenizer.json",
    ]
    assert [p.name for p in root.iterdir()] == [again.folder.name]  # no staging left behind


@pytest.fixture(scope="module")
def permuted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The export's graph with the rows of its word-embedding table shuffled: every token
    gets another token's vector, and the model's name is unchanged."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(check_export(BUNDLED_MODEL).graph))
    table = next(t for t in graph.graph.initializer if t.name.endswith("word_embeddings.weight"))
    rows = numpy_helper.to_array(table)
    shuffled = rows[np.random.default_rng(0).permutation(len(rows))]
    table.CopyFrom(numpy_helper.from_array(shuffled, table.name))
    path = tmp_path_factory.mktemp("permuted") / "model.onnx"
    onnx.save(graph, str(path))
    return path


def _tampered_export(root: Path, graph: Path, *, rehash: bool) -> Path:
    """A copy of the real export whose model.onnx is `graph`, with the original's time; with
    `rehash`, export.json agrees with it (an export made wrong, or edited along with it)."""
    folder = export_folder(BUNDLED_MODEL, root)
    shutil.copytree(check_export(BUNDLED_MODEL).folder, folder)
    stat = (folder / "model.onnx").stat()
    shutil.copyfile(graph, folder / "model.onnx")
    os.utime(folder / "model.onnx", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    if rehash:
        meta = json.loads((folder / "export.json").read_text(encoding="utf-8"))
        meta["files"] = export_files(folder)
        (folder / "export.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def test_an_export_with_permuted_embedding_rows_fails_its_check(
    tmp_path: Path, permuted: Path
) -> None:
    root = tmp_path / "onnx"
    _tampered_export(root, permuted, rehash=False)
    with pytest.raises(ConfigError, match=r"model\.onnx is not the file export\.json") as error:
        make_embedder(Settings(_env_file=None, onnx_dir=root))  # type: ignore[call-arg]
    assert "make install" in str(error.value)


def test_an_index_is_served_only_by_an_encoder_that_reproduces_its_vectors(
    runtimes: dict[str, Runtime],
    onnx: OnnxEmbedder,
    torch_model: SentenceTransformerEmbedder,
    tmp_path: Path,
    permuted: Path,
) -> None:
    # Either encoder serves an index the other built: they agree to ~1e-5.
    for built, running in (("torch", onnx), ("onnx", torch_model)):
        index = runtimes[built].settings.index_dir
        loaded = load_index(index, model=BUNDLED_MODEL, encoder=running)
        assert loaded.manifest.encoder is not None and loaded.manifest.encoder.encoder == built
    # An export that passes its own check but embeds differently is refused, with the fixes.
    root = tmp_path / "onnx"
    _tampered_export(root, permuted, rehash=True)
    settings = settings_for(runtimes["onnx"].settings.index_dir, "onnx").model_copy(
        update={"onnx_dir": root}
    )
    tampered = make_embedder(settings)
    with pytest.raises(IndexMismatchError) as error:
        start(settings, embedder=tampered, progress=False)
    message = str(error.value)
    assert "make install" in message and "practice-bot index build" in message

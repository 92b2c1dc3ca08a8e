"""Finding the model's ONNX export and knowing it is current, without the real model: a fake
model folder and an export.json written by hand. A missing or out-of-date export is a
ConfigError that names the command that fixes it, never a quiet fall-back to torch."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.errors import ConfigError, EmbedderNotReadyError
from bot.retrieval.onnx_embedder import (
    EXPORT_FORMAT,
    OnnxEmbedder,
    check_export,
    export_files,
    export_folder,
    fingerprint,
)
from bot.retrieval.onnx_export import main
from bot.runtime import make_embedder
from bot.settings import BUNDLED_MODEL, Settings

FIXES = ("make install", "python -m bot.retrieval.onnx_export")
VOCAB = ["[PAD]", "[UNK]", "child", "plan", "visit", "review", "strategy", "carer"]
TOKENIZER = {"model": {"type": "WordPiece", "vocab": {word: n for n, word in enumerate(VOCAB)}}}


@pytest.fixture
def model(tmp_path: Path) -> Path:
    """A folder shaped like a sentence-transformers model (the weights are only bytes)."""
    folder = tmp_path / "my-model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"weights " * 1000)
    (folder / "config.json").write_text('{"hidden_size": 384}', encoding="utf-8")
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    (folder / "1_Pooling" / "config.json").write_text('{"mode": "mean"}', encoding="utf-8")
    return folder


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "onnx"


def write_export(model: Path, root: Path, **changes: object) -> Path:
    folder = export_folder(str(model), root)
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_bytes(b"graph " * 100)
    (folder / "tokenizer.json").write_text(json.dumps(TOKENIZER), encoding="utf-8")
    meta = {
        "format": EXPORT_FORMAT,
        "model": str(model),
        "source_files": fingerprint(model),
        "files": export_files(folder),
        "dimension": 384,
        "max_seq_length": 256,
        "inputs": ["input_ids", "attention_mask", "token_type_ids"],
    } | changes
    (folder / "export.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def assert_names_the_fix(error: pytest.ExceptionInfo[ConfigError]) -> None:
    assert all(fix in str(error.value) for fix in FIXES), str(error.value)


def test_a_missing_export_names_the_command_that_makes_it(model: Path, root: Path) -> None:
    with pytest.raises(ConfigError, match="no ONNX export of the embedding model") as error:
        check_export(str(model), root=root)
    assert_names_the_fix(error)
    assert "PRACTICE_BOT_ENCODER=torch" in str(error.value)


def test_a_current_export_is_found(model: Path, root: Path) -> None:
    folder = write_export(model, root)
    info = check_export(str(model), root=root)
    assert (info.folder, info.dimension, info.max_seq_length) == (folder, 384, 256)
    assert info.inputs == ("input_ids", "attention_mask", "token_type_ids")


def test_changed_weights_make_the_export_out_of_date(model: Path, root: Path) -> None:
    write_export(model, root)
    weights = model / "model.safetensors"
    weights.write_bytes(b"WEIGHTS " * 1000)  # same size, other bytes
    os.utime(weights, ns=(1, 1))
    with pytest.raises(ConfigError, match=r"out of date.*model\.safetensors") as error:
        check_export(str(model), root=root)
    assert_names_the_fix(error)


def test_the_same_weights_written_again_are_not_a_change(model: Path, root: Path) -> None:
    write_export(model, root)
    weights = model / "model.safetensors"
    weights.write_bytes(weights.read_bytes())  # a reinstall: new time, same hash
    os.utime(weights, ns=(1, 1))
    assert check_export(str(model), root=root).dimension == 384


def test_a_changed_pooling_configuration_makes_the_export_out_of_date(
    model: Path, root: Path
) -> None:
    write_export(model, root)
    (model / "1_Pooling" / "config.json").write_text('{"mode": "cls"}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"1_Pooling/config\.json"):
        check_export(str(model), root=root)


@pytest.mark.parametrize(
    "changes",
    [{"format": EXPORT_FORMAT + 1}, {"source_files": "?"}, {"dimension": "?"}, {"files": "?"}],
)
def test_an_export_of_another_format_is_out_of_date(
    model: Path, root: Path, changes: dict[str, object]
) -> None:
    write_export(model, root, **changes)
    with pytest.raises(ConfigError, match="out of date") as error:
        check_export(str(model), root=root)
    assert_names_the_fix(error)


def _tamper(path: Path, data: bytes) -> None:
    """Replace a file's bytes keeping its size and modification time, so a stat sees nothing."""
    stat = path.stat()
    assert len(data) == stat.st_size
    path.write_bytes(data)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_changed_graph_fails_the_check_though_its_size_and_time_are_the_same(
    model: Path, root: Path
) -> None:
    graph = write_export(model, root) / "model.onnx"
    _tamper(graph, graph.read_bytes().replace(b"graph", b"GRAPH", 1))  # one weight changed
    with pytest.raises(ConfigError, match=r"model\.onnx is not the file export\.json") as error:
        check_export(str(model), root=root)
    assert_names_the_fix(error)
    with pytest.raises(ConfigError, match=r"model\.onnx"):
        OnnxEmbedder(str(model), onnx_dir=root).warm_up()  # refused before onnxruntime reads it


def test_a_shuffled_tokenizer_vocabulary_fails_the_check(model: Path, root: Path) -> None:
    tokenizer = write_export(model, root) / "tokenizer.json"
    shuffled = dict(zip(VOCAB, [0, 1, 3, 2, 5, 4, 7, 6], strict=True))  # same words, other ids
    _tamper(tokenizer, json.dumps({"model": TOKENIZER["model"] | {"vocab": shuffled}}).encode())
    with pytest.raises(ConfigError, match=r"tokenizer\.json is not the file") as error:
        check_export(str(model), root=root)
    assert_names_the_fix(error)


def test_the_check_command_says_which_export_file_changed(
    model: Path,
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    graph = write_export(model, root) / "model.onnx"
    _tamper(graph, graph.read_bytes().upper())
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("PRACTICE_BOT_MODEL", str(model))
    monkeypatch.setenv("PRACTICE_BOT_ONNX_DIR", str(root))
    assert main(["--check"]) == 1
    message = capsys.readouterr().err.strip()
    assert len(message.splitlines()) == 1 and "model.onnx" in message and "make install" in message


def test_each_model_has_its_own_export_folder(tmp_path: Path, root: Path) -> None:
    assert export_folder(BUNDLED_MODEL, root) == root / BUNDLED_MODEL
    one, two = (tmp_path / "a" / "model", tmp_path / "b" / "model")
    assert export_folder(str(one), root) != export_folder(str(two), root)
    assert export_folder(str(one), root).name.startswith("model-")


def test_the_embedder_refuses_to_embed_before_warm_up(model: Path, root: Path) -> None:
    embedder = OnnxEmbedder(str(model), onnx_dir=root)
    assert embedder.name == str(model)  # what the index manifest records, as before
    with pytest.raises(EmbedderNotReadyError, match="warm_up"):
        embedder.embed(["a question"])


def test_serving_without_an_export_stops_with_the_fix(model: Path, root: Path) -> None:
    settings = Settings(_env_file=None, model=str(model), onnx_dir=root)  # type: ignore[call-arg]
    assert settings.encoder == "onnx"
    with pytest.raises(ConfigError, match="no ONNX export") as error:
        make_embedder(settings)  # never a quiet fall-back to sentence-transformers
    assert_names_the_fix(error)


def test_the_encoder_setting_takes_onnx_or_torch_only() -> None:
    assert Settings(_env_file=None, encoder="torch").encoder == "torch"  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Settings(_env_file=None, encoder="tensorflow")  # type: ignore[call-arg]


def test_the_export_command_checks_and_says_what_is_wrong(
    model: Path,
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("PRACTICE_BOT_MODEL", str(model))
    monkeypatch.setenv("PRACTICE_BOT_ONNX_DIR", str(root))
    assert main(["--check"]) == 1
    assert "no ONNX export" in capsys.readouterr().err
    write_export(model, root)
    assert main([]) == 0  # current: nothing is exported again
    assert "is current" in capsys.readouterr().out

"""Embedding with the model's ONNX export: onnxruntime and the `tokenizers` package only, so
a serving process starts in about a second and never imports torch, transformers or
sentence-transformers. Its vectors are the sentence-transformers model's (within 1e-6), and
its name is the model's, so indexes built by either encoder load with the other.

An export is a folder (bot/retrieval/onnx_export.py makes it at set-up): `model.onnx`,
`tokenizer.json` and `export.json`, which records the size and sha256 of those two and the
size, time and sha256 of each file of the model they came from. `check_export()` finds the
folder and compares. The model's files get a `stat`, and a hash only when a size or time
differs (they are checked against the model folder, which a reinstall rewrites). The export's
own two files are hashed every time: a changed graph or vocabulary keeps the model's name and
gives other vectors, and an edit can keep a file's size and time; 90 MB hash in about 0.1 s.
Missing, out of date or changed is a ConfigError that names the command that fixes it; there is
no quiet fall-back to torch.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.errors import ConfigError, EmbedderNotReadyError
from bot.retrieval.embedder import resolve_model_path
from bot.settings import BUNDLED_MODEL

if TYPE_CHECKING:
    from tokenizers import Tokenizer

EXPORT_FORMAT = 2  # 2: export.json records the sha256 of model.onnx and tokenizer.json
OUTPUT = "sentence_embedding"
EXPORT_FILES = ("model.onnx", "tokenizer.json")
FIX = "run `make install` (or `python -m bot.retrieval.onnx_export` with the same settings)"


@dataclass(frozen=True)
class ExportInfo:
    """A checked export: where its files are and what the graph takes and gives."""

    folder: Path
    model: str
    dimension: int
    max_seq_length: int
    inputs: tuple[str, ...]

    @property
    def graph(self) -> Path:
        return self.folder / "model.onnx"

    @property
    def tokenizer(self) -> Path:
        return self.folder / "tokenizer.json"


def default_root() -> Path:
    """Inside the Python environment: per machine, never committed, gone with `make clean`."""
    return Path(sys.prefix) / "share" / "practice-bot" / "onnx"


def export_folder(model: str, root: Path | None = None) -> Path:
    """One folder per model: the bundled one by name, a local folder by name and path."""
    if model == BUNDLED_MODEL:
        model_id = model
    else:
        path = str(Path(model).resolve())
        name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(path).name) or "model"
        model_id = f"{name}-{hashlib.sha256(path.encode()).hexdigest()[:10]}"
    return (root or default_root()) / model_id


def source_files(source: Path) -> list[Path]:
    """The files whose change changes the vectors: the weights sentence-transformers loads, the
    tokenizer and the configurations."""
    weights = sorted(source.glob("*.safetensors")) or sorted(source.glob("pytorch_model*.bin"))
    if not weights:
        raise ConfigError(f"No model weights (model.safetensors, pytorch_model.bin) in {source}.")
    names = ("config.json", "tokenizer.json", "modules.json", "sentence_bert_config.json")
    configs = [source / name for name in names if (source / name).is_file()]
    return weights + configs + sorted(source.glob("*_Pooling/config.json"))


def file_sha256(path: Path) -> str:
    """A file's sha256, read in 1 MB blocks (the export and the reader model are 20-90 MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(source: Path) -> dict[str, dict[str, Any]]:
    """Size, modification time and sha256 of each source file, by path inside the folder."""
    record = {}
    for path in source_files(source):
        stat = path.stat()
        record[path.relative_to(source).as_posix()] = {
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "sha256": file_sha256(path),
        }
    return record


def export_files(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and sha256 of the export's own files, for export.json."""
    return {
        name: {"size": (folder / name).stat().st_size, "sha256": file_sha256(folder / name)}
        for name in EXPORT_FILES
    }


def changed_export_file(folder: Path, recorded: dict[str, dict[str, Any]]) -> str | None:
    """The first of the export's files whose bytes are not those export.json records."""
    for name in EXPORT_FILES:
        was, path = recorded.get(name), folder / name
        try:
            if not isinstance(was, dict) or path.stat().st_size != was.get("size"):
                return name
            if file_sha256(path) != was.get("sha256"):
                return name
        except OSError:  # removed or unreadable since the folder was looked at
            return name
    return None


def changed_file(source: Path, recorded: dict[str, dict[str, Any]]) -> str | None:
    """The first source file that is not as the export recorded it, or None. A file whose
    size and time are unchanged is taken as unchanged; otherwise its hash decides (so a
    reinstall of the same weights does not count as a change)."""
    current = {p.relative_to(source).as_posix(): p for p in source_files(source)}
    added_or_gone = sorted(set(current) ^ set(recorded))
    if added_or_gone:
        return added_or_gone[0]
    for name, path in current.items():
        stat, was = path.stat(), recorded[name]
        if (stat.st_size, stat.st_mtime_ns) == (was.get("size"), was.get("mtime_ns")):
            continue
        if stat.st_size != was.get("size") or file_sha256(path) != was.get("sha256"):
            return name
    return None


def check_export(model: str, *, root: Path | None = None) -> ExportInfo:
    """The export of `model` if it is there, was made from the model's present files and its
    own files are those it made; otherwise a ConfigError that says how to make it again."""
    source = Path(resolve_model_path(model))
    folder = export_folder(model, root)
    if not all((folder / f).is_file() for f in ("export.json", "model.onnx", "tokenizer.json")):
        raise ConfigError(
            f"There is no ONNX export of the embedding model '{model}' in {folder}: {FIX}, "
            "or set PRACTICE_BOT_ENCODER=torch to embed with sentence-transformers."
        )
    try:
        meta = json.loads((folder / "export.json").read_text(encoding="utf-8"))
        made_from = meta["source_files"] if meta.get("format") == EXPORT_FORMAT else None
        made = meta["files"]
        info = ExportInfo(
            folder=folder,
            model=model,
            dimension=int(meta["dimension"]),
            max_seq_length=int(meta["max_seq_length"]),
            inputs=tuple(meta["inputs"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        made_from = made = None
    if not isinstance(made_from, dict) or not isinstance(made, dict):
        raise _out_of_date(folder, model, "export.json")
    if changed := changed_file(source, made_from):
        raise _out_of_date(folder, model, changed)
    if altered := changed_export_file(folder, made):
        raise ConfigError(
            f"The ONNX export in {folder} has been changed since it was made ({altered} is "
            f"not the file export.json records): {FIX} to export it again."
        )
    return info


def _out_of_date(folder: Path, model: str, changed: str) -> ConfigError:
    return ConfigError(
        f"The ONNX export in {folder} is out of date for the embedding model '{model}' "
        f"({changed} is not what it was made from): {FIX} to export it again."
    )


def model_inputs(
    tokenizer: Tokenizer, texts: Sequence[str], inputs: Sequence[str]
) -> dict[str, np.ndarray]:
    """The graph's inputs for `texts`: int64 arrays, padded to the longest."""
    encodings = tokenizer.encode_batch(texts)
    columns = {
        "input_ids": [e.ids for e in encodings],
        "attention_mask": [e.attention_mask for e in encodings],
        "token_type_ids": [e.type_ids for e in encodings],
    }
    return {name: np.asarray(columns[name], dtype=np.int64) for name in inputs}


class OnnxEmbedder:
    """Checks and loads the export in warm_up() (idempotent), then embeds on the CPU."""

    encoder = "onnx"

    def __init__(
        self,
        model: str = BUNDLED_MODEL,
        *,
        onnx_dir: Path | None = None,
        batch_size: int = 32,
        threads: int | None = None,
    ) -> None:
        self.name = model
        self.onnx_dir = onnx_dir
        self.batch_size = batch_size
        # A thread per core (on two: questions as fast as with one, batches 1.6x), at most four.
        self.threads = threads or min(os.cpu_count() or 1, 4)
        self._loaded: tuple[ExportInfo, Any, Tokenizer] | None = None

    def warm_up(self) -> None:
        """Check the export is current (ConfigError naming the fix if not), then load it."""
        if self._loaded is not None:
            return
        info = check_export(self.name, root=self.onnx_dir)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        # No busy-waiting between questions: the cores are shared with search and Slack.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(
            str(info.graph), options, providers=["CPUExecutionProvider"]
        )
        self._loaded = (info, session, Tokenizer.from_file(str(info.tokenizer)))
        self.embed(["warm up"])  # the first run pays onnxruntime's set-up

    def _ready(self) -> tuple[ExportInfo, Any, Tokenizer]:
        if self._loaded is None:
            raise EmbedderNotReadyError(
                "The ONNX embedding model is not loaded: call warm_up() before embed()."
            )
        return self._loaded

    @property
    def dimension(self) -> int:
        return self._ready()[0].dimension

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        info, session, tokenizer = self._ready()
        texts = list(texts)
        vectors = np.empty((len(texts), info.dimension), dtype=np.float32)
        # Longest first, as sentence-transformers does: batches of like length carry little
        # padding (the mask makes padding count for nothing; sorting only saves the work).
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        starts: Iterable[int] = range(0, len(texts), self.batch_size)
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="Batches", unit="batch")
        for start in starts:
            part = order[start : start + self.batch_size]
            feeds = model_inputs(tokenizer, [texts[i] for i in part], info.inputs)
            vectors[part] = session.run([OUTPUT], feeds)[0]
        return vectors

"""Exporting the embedding model to ONNX, once per machine at set-up (`make install`).

`python -m bot.retrieval.onnx_export` loads the sentence-transformers model that
PRACTICE_BOT_MODEL names, traces the transformer, the attention-mask mean pooling and the L2
normalisation into one graph, `model.onnx`, and writes it beside `tokenizer.json` (truncating
at the model's max_seq_length, padding to the longest text of a batch) and `export.json` (where
it came from, the source files' sizes, times and sha256, the sha256 of model.onnx and
tokenizer.json themselves, the dimension, the exporters' versions). The graph is checked
against the model before the folder is published, and nothing is done when the export is
already current. The only module that imports torch on purpose; bot/retrieval/onnx_embedder.py
serves the result without it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.errors import ConfigError, PracticeBotError
from bot.retrieval.embedder import resolve_model_path
from bot.retrieval.onnx_embedder import (
    EXPORT_FORMAT,
    OUTPUT,
    ExportInfo,
    check_export,
    export_files,
    export_folder,
    fingerprint,
    model_inputs,
)
from bot.settings import Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

OPSET = 17
# Checked against the model before an export is published: batch of one, a batch with
# padding, text past max_seq_length, an empty string.
PROBES = [
    "can a child have a second CP plan?",
    "Strategy discussion",
    "Inspectors found that plans were not reviewed in time. " * 40,
    "",
]


def export(model: str, *, root: Path | None = None) -> ExportInfo:
    """Export `model` into its folder under `root`, replacing any export there."""
    source = Path(resolve_model_path(model))
    folder = export_folder(model, root)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the export is for every user
    try:
        meta = {"format": EXPORT_FORMAT, "model": model, "source_path": str(source)}
        meta["source_files"] = fingerprint(source)  # before loading: what the graph came from
        meta |= _export_into(staging, source)
        meta["files"] = export_files(staging)  # what warm_up() checks the files against
        meta["exported_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        text = json.dumps(meta, indent=2) + "\n"
        (staging / "export.json").write_text(text, encoding="utf-8")  # last: marks it complete
        _publish(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return check_export(model, root=root)


def _publish(staging: Path, folder: Path) -> None:
    """Move the finished export into place; a starting bot sees the old one or the new one."""
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def _export_into(staging: Path, source: Path) -> dict[str, Any]:
    """Write model.onnx and tokenizer.json into `staging`; what export.json says of them."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer and deprecation notes, nothing to act on
        model = SentenceTransformer(str(source), device="cpu", local_files_only=True)
        pooling = _pooling(model, source)
        max_seq_length = int(model.max_seq_length or model.tokenizer.model_max_length)
        tokenizer = _tokenizer(source, model, max_seq_length)
        tokenizer.save(str(staging / "tokenizer.json"))
        inputs = ["input_ids", "attention_mask"]  # in the order Encoder.forward takes them
        if "token_type_ids" in model.tokenizer.model_input_names:
            inputs.append("token_type_ids")
        sample = model_inputs(tokenizer, PROBES[:2], inputs)
        with torch.no_grad():
            torch.onnx.export(
                _graph(model[0].auto_model, pooling).eval(),
                tuple(torch.from_numpy(sample[name]) for name in inputs),
                str(staging / "model.onnx"),
                input_names=inputs,
                output_names=[OUTPUT],
                dynamic_axes={n: {0: "batch", 1: "sequence"} for n in inputs}
                | {OUTPUT: {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,  # the TorchScript exporter: one self-contained file, no onnxscript
            )
        expected = model.encode(PROBES, normalize_embeddings=True, convert_to_numpy=True)
    difference = _difference(staging, tokenizer, inputs, expected)
    if difference > 1e-5:
        raise ConfigError(
            f"The ONNX export of {source} does not reproduce the model (vectors differ by up "
            f"to {difference:.1e}); set PRACTICE_BOT_ENCODER=torch to embed with "
            "sentence-transformers."
        )
    return {
        "dimension": int(expected.shape[1]),
        "max_seq_length": max_seq_length,
        "pooling": pooling,
        "normalized": True,
        "inputs": inputs,
        "output": OUTPUT,
        "opset": OPSET,
        "max_difference_on_probes": difference,
        "exporter": _versions(),
    }


def _pooling(model: SentenceTransformer, source: Path) -> str:
    """'mean' or 'cls', for the models this export can reproduce; otherwise a ConfigError."""
    modules: list[Any] = list(model)
    kinds = [type(module).__name__ for module in modules]
    pool: Any = modules[1] if len(modules) > 1 else None
    mode = getattr(pool, "pooling_mode", None)
    if mode is None and hasattr(pool, "get_pooling_mode_str"):
        mode = pool.get_pooling_mode_str()  # sentence-transformers 5
    exportable = kinds[:2] == ["Transformer", "Pooling"] and kinds[2:] in ([], ["Normalize"])
    if not exportable or mode not in ("mean", "cls") or model.default_prompt_name:
        raise ConfigError(
            f"The model in {source} ({' + '.join(kinds)}, pooling {mode}) is not one this "
            "export reproduces (a transformer, mean or CLS pooling, no default prompt); set "
            "PRACTICE_BOT_ENCODER=torch to embed it with sentence-transformers."
        )
    return str(mode)


def _tokenizer(source: Path, model: SentenceTransformer, max_seq_length: int) -> Tokenizer:
    """The model folder's tokenizer.json, truncating where the model does, padding to the
    longest text in a batch."""
    from tokenizers import Tokenizer

    path = source / "tokenizer.json"
    if path.is_file():
        tokenizer = Tokenizer.from_file(str(path))
    else:  # a folder with only vocab.txt: what transformers built from it
        tokenizer = Tokenizer.from_str(model.tokenizer.backend_tokenizer.to_str())
    tokenizer.enable_truncation(max_length=max_seq_length)
    tokenizer.enable_padding(
        pad_id=model.tokenizer.pad_token_id, pad_token=model.tokenizer.pad_token
    )
    return tokenizer


def _difference(staging: Path, tokenizer: Tokenizer, inputs: list[str], expected: Any) -> float:
    """How far the exported graph's vectors for the probes are from the model's, embedded
    each alone (as questions come) and all in one padded batch (as passages come)."""
    import onnxruntime

    session = onnxruntime.InferenceSession(
        str(staging / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    alone = np.vstack(
        [session.run([OUTPUT], model_inputs(tokenizer, [t], inputs))[0] for t in PROBES]
    )
    batch = session.run([OUTPUT], model_inputs(tokenizer, PROBES, inputs))[0]
    return float(max(np.abs(alone - expected).max(), np.abs(batch - expected).max()))


def _graph(transformer: Any, pooling: str) -> Any:
    """The transformer with pooling and normalisation inside, so the graph gives the vectors."""
    import torch

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor | None = None,
        ) -> torch.Tensor:
            extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
            states = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, **extra
            ).last_hidden_state
            if pooling == "cls":
                pooled = states[:, 0]
            else:  # padding counts for nothing: the mask weighs it 0
                mask = attention_mask.unsqueeze(-1).to(states.dtype)
                pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    return Encoder()


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"method": "torch.onnx.export (TorchScript tracer)"}
    for name in ("torch", "onnx", "onnxruntime", "tokenizers", "transformers"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    found["sentence-transformers"] = version("sentence-transformers")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.retrieval.onnx_export",
        description="Export the embedding model to ONNX for serving (skipped when current).",
    )
    parser.add_argument("--model", help="default: PRACTICE_BOT_MODEL, else the bundled model")
    parser.add_argument("--force", action="store_true", help="export even when current")
    parser.add_argument(
        "--check", action="store_true", help="only check; exit 1 if missing or out of date"
    )
    args = parser.parse_args(argv)
    settings = Settings()
    model = args.model or settings.model
    try:
        if not args.force:
            try:
                info = check_export(model, root=settings.onnx_dir)
                print(f"The ONNX export of {model} is current: {info.folder}")
                return 0
            except ConfigError:
                if args.check:
                    raise
        started = time.perf_counter()
        print(f"Exporting {model} to ONNX (about 10 s)...", file=sys.stderr, flush=True)
        info = export(model, root=settings.onnx_dir)
    except PracticeBotError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(f"Exported {model} to {info.folder} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

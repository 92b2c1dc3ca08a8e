"""The Embedder interface: what the index is built with and retrieval searches with.

It sits at the bottom so that both may name it; the models behind it live in bot/retrieval.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows. The index manifest records `name` (the
    model) and `encoder` (what runs it: "onnx" or "torch") beside its vector for a probe."""

    name: str
    encoder: str

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...

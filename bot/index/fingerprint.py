"""Which encoder made an index's vectors, and whether the running one makes the same.

The model's name does not say it: an ONNX export with permuted embedding rows or a shuffled
vocabulary carries the model's name and gives other vectors, so an index it built loads beside
a good encoder (or a good index beside it) and every question is "not found". The manifest
therefore keeps the encoder's vector for one fixed sentence, and a version is served only if
the running encoder's vector for it is the same. The ONNX and sentence-transformers encoders
agree to about 1e-5, so vectors are compared by cosine with a tolerance, not by hashing floats:
an index built by either still loads with the other.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from bot.embedding import Embedder

# Everyday practice words, so that most of the vocabulary's common rows play a part.
PROBE = (
    "Can a child on a child protection plan stay with a foster carer while the strategy "
    "discussion and the review conference are arranged?"
)
DECIMALS = 4  # rounding moves the vector by at most 5e-5 a component: far inside the tolerance
MIN_COSINE = 0.999
FIX = (
    "If the model or its ONNX export has changed, run `make install` to export it again; "
    "otherwise rebuild the index with: practice-bot index build"
)


class EncoderFingerprint(BaseModel):
    """The encoder ("onnx", "torch") and its vector for `probe`, rounded."""

    encoder: str
    probe: str
    vector: list[float]


def fingerprint_of(embedder: Embedder) -> EncoderFingerprint:
    vector = embedder.embed([PROBE])[0]
    return EncoderFingerprint(
        encoder=embedder.encoder,
        probe=PROBE,
        vector=[round(float(x), DECIMALS) for x in vector],
    )


def malformed(recorded: EncoderFingerprint, dimension: int) -> str | None:
    """Why a recorded fingerprint cannot be any encoder's vector, or None."""
    vector = np.asarray(recorded.vector, dtype=np.float64)
    if vector.shape != (dimension,):
        return f"an encoder fingerprint of {vector.size} numbers for vectors of {dimension}"
    if not np.isfinite(vector).all() or not abs(np.linalg.norm(vector) - 1.0) < 0.01:
        return "an encoder fingerprint that is not a unit vector"
    return None


def mismatch(recorded: EncoderFingerprint, embedder: Embedder) -> str | None:
    """How the running encoder differs from the one that built the index, or None."""
    if recorded.probe != PROBE:  # another release's sentence: the vectors cannot be compared
        return "its encoder fingerprint is of another test sentence"
    running = embedder.embed([PROBE])[0].astype(np.float64)
    stored = np.asarray(recorded.vector, dtype=np.float64)
    if running.shape != stored.shape:
        return f"its vectors have {stored.size} dimensions, the encoder's {running.size}"
    with np.errstate(all="ignore"):
        cosine = float(stored @ running / (np.linalg.norm(stored) * np.linalg.norm(running)))
    if cosine >= MIN_COSINE:  # written so that NaN fails too
        return None
    return (
        f"a test sentence embeds differently (cosine {cosine:.3f}; index built with the "
        f"{recorded.encoder} encoder, running {embedder.encoder})"
    )

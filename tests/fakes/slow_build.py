"""A real index build in its own process, made slow at one point so a test can kill -9 it there.

python -m tests.fakes.slow_build KNOWLEDGE INDEX MARKER {embedding|writing}
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bot.index import versions
from bot.index.build import build_index
from tests.fakes.embedder import FakeEmbedder


def main() -> None:
    knowledge, index, marker, where = sys.argv[1:5]

    def stall() -> None:
        Path(marker).touch()
        time.sleep(60)  # the test kills the process here

    class StallingEmbedder(FakeEmbedder):
        def embed(self, texts, *, progress=False):  # type: ignore[no-untyped-def]
            if where == "embedding" and len(self.calls) == 1:
                stall()
            return super().embed(texts, progress=progress)

    if where == "writing":  # after the vectors and chunks are on disk, before the switch
        original = versions._fsync_tree

        def fsync_then_stall(folder: Path) -> None:
            original(folder)
            stall()

        versions._fsync_tree = fsync_then_stall
    build_index(Path(knowledge), Path(index), StallingEmbedder())


if __name__ == "__main__":
    main()

"""Remembering what was already answered, so a retried or doubled event is answered once."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class SeenOnce:
    """Thread-safe set of recent keys; `first(key)` is True only the first time within `ttl`."""

    def __init__(self, *, ttl: float = 3600.0, max_keys: int = 50_000) -> None:
        self.ttl = ttl
        self.max_keys = max_keys
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, *keys: str | None) -> bool:
        """True if none of the keys was seen; all of them are remembered either way."""
        now = time.monotonic()
        present = [k for k in keys if k]
        with self._lock:
            while self._seen and (
                len(self._seen) > self.max_keys or next(iter(self._seen.values())) < now - self.ttl
            ):
                self._seen.popitem(last=False)
            fresh = not any(k in self._seen for k in present)
            for key in present:
                self._seen[key] = now
                self._seen.move_to_end(key)
            return fresh

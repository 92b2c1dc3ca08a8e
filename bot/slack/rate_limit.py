"""A per-person limit on questions, so one runaway script cannot starve everyone else."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class RateLimiter:
    """At most `limit` questions per person in any `window` seconds (a sliding window)."""

    def __init__(self, limit: int, *, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._asked: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, user: str) -> bool:
        now = time.monotonic()
        with self._lock:
            asked = self._asked[user]
            while asked and asked[0] <= now - self.window:
                asked.popleft()
            if len(asked) >= self.limit:
                return False
            asked.append(now)
            if len(self._asked) > 10_000:  # forget people who have gone quiet
                for quiet in [u for u, q in self._asked.items() if not q]:
                    del self._asked[quiet]
            return True

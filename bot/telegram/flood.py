"""The flood gate: a user who sends faster than anyone reads is slowed down, not banned."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Literal

FloodVerdict = Literal["serve", "warn", "drop"]


class FloodGate:
    """Per-user sliding window: `limit` served messages a minute, then one note, then silence.

    The user is slowed, not banned: as soon as their oldest served message is a minute old they are
    served again, and a later burst earns a new note. Dropped messages do not count, so a user who
    keeps typing still gets `limit` answers a minute.
    """

    WINDOW = 60.0

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._served: dict[int, deque[float]] = {}
        self._warned: set[int] = set()
        self._checks = 0

    def check(self, user_id: int) -> FloodVerdict:
        now = self._clock()
        self._checks += 1
        if self._checks % 1000 == 0:
            self._forget_idle(now)
        served = self._served.setdefault(user_id, deque())
        while served and now - served[0] >= self.WINDOW:
            served.popleft()
        if len(served) < self.limit:
            served.append(now)
            self._warned.discard(user_id)
            return "serve"
        if user_id in self._warned:
            return "drop"
        self._warned.add(user_id)
        return "warn"

    def _forget_idle(self, now: float) -> None:
        """Drop users quiet for a minute, so memory follows active users, not all users ever."""
        for user_id in [u for u, q in self._served.items() if not q or now - q[-1] >= self.WINDOW]:
            del self._served[user_id]
            self._warned.discard(user_id)

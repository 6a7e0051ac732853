"""The flood gate: a user who sends faster than anyone reads is slowed down, not banned.

Messages and button presses are counted apart, so browsing menus never costs a question: a press
that posts a message (an answer, a topic's questions) has a budget of its own, PRESS_FACTOR times
the messages', and a press that only edits the message pressed is not counted at all (it cannot
fill a chat). The handlers decide what counts as what (`bot.telegram.handlers.flood_guard`).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Literal

FloodVerdict = Literal["serve", "warn", "drop"]
Budget = Literal["message", "press"]

#: How many more presses than messages a minute: browsing is several presses per answer read.
PRESS_FACTOR = 4


class FloodGate:
    """Per-user sliding window per budget: `limit` served messages a minute (presses:
    PRESS_FACTOR times as many), then one note, then silence.

    The user is slowed, not banned: as soon as their oldest served update of that budget is a
    minute old they are served again, and a later burst earns a new note. Dropped updates do not
    count, so a user who keeps typing still gets `limit` answers a minute.
    """

    WINDOW = 60.0

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.limits: dict[Budget, int] = {"message": limit, "press": limit * PRESS_FACTOR}
        self._clock = clock
        self._served: dict[tuple[Budget, int], deque[float]] = {}
        self._warned: set[tuple[Budget, int]] = set()
        self._checks = 0

    def check(self, user_id: int, budget: Budget = "message") -> FloodVerdict:
        now = self._clock()
        self._checks += 1
        if self._checks % 1000 == 0:
            self._forget_idle(now)
        key = (budget, user_id)
        served = self._served.setdefault(key, deque())
        while served and now - served[0] >= self.WINDOW:
            served.popleft()
        if len(served) < self.limits[budget]:
            served.append(now)
            self._warned.discard(key)
            return "serve"
        if key in self._warned:
            return "drop"
        self._warned.add(key)
        return "warn"

    def _forget_idle(self, now: float) -> None:
        """Drop users quiet for a minute, so memory follows active users, not all users ever."""
        for key in [k for k, q in self._served.items() if not q or now - q[-1] >= self.WINDOW]:
            del self._served[key]
            self._warned.discard(key)

"""Who was just asked "What were you looking for?" after a 👎, and about which answer.

The next message of that user in that chat is taken as the reply (and still answered as a
question). Kept in memory only, for a few minutes and within a bound: a restart forgets it, which
costs at most one comment, and nothing about anyone is kept on disk but the comment itself.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

#: How long the question waits for its reply: a few minutes, as "your next message" means.
TTL_SECONDS = 10 * 60
#: Users waited on at once; the longest waiting is forgotten first.
MAX_WAITING = 10_000

#: A chat and a user in it.
Key = tuple[int, int]


class AwaitingComment:
    """The entry each (chat, user) was asked about, until they reply or the time runs out."""

    def __init__(
        self,
        ttl: float = TTL_SECONDS,
        limit: int = MAX_WAITING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.limit = limit
        self._clock = clock
        self._waiting: OrderedDict[Key, tuple[float, str]] = OrderedDict()

    def ask(self, key: Key, entry_id: str) -> None:
        self._waiting[key] = (self._clock(), entry_id)
        self._waiting.move_to_end(key)
        while len(self._waiting) > self.limit:
            self._waiting.popitem(last=False)

    def take(self, key: Key) -> str | None:
        """The entry `key` was asked about, once: the reply is taken with it."""
        found = self._waiting.pop(key, None)
        if found is None or self._clock() - found[0] > self.ttl:
            return None
        return found[1]

    def __len__(self) -> int:
        return len(self._waiting)

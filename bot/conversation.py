"""What a conversation remembers: the last turn of each chat, for a while, within a bound.

"and Shanghai?" or "邊個主持？" only make sense after the question before; the resolver reads them
against the previous `Turn`. Turns live in memory only: a restart forgets them, which costs a user
one question spelt out in full, and nothing about anyone is kept on disk. The store is bounded (the
least recently used conversation goes first) and a turn older than `ttl` is forgotten.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from bot.outcome import Turn

#: A conversation is forgotten after this long without a message: half an hour.
TTL_SECONDS = 30 * 60
#: Conversations remembered at once; the least recently used is forgotten first.
MAX_CONVERSATIONS = 20_000


class Conversations:
    """The last turn per key (a chat, or a user in a group chat), with a time to live."""

    def __init__(
        self,
        ttl: float = TTL_SECONDS,
        limit: int = MAX_CONVERSATIONS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.limit = limit
        self._clock = clock
        self._turns: OrderedDict[Hashable, tuple[float, Turn]] = OrderedDict()

    def get(self, key: Hashable) -> Turn | None:
        found = self._turns.get(key)
        if found is None:
            return None
        at, turn = found
        if self._clock() - at > self.ttl:
            del self._turns[key]
            return None
        return turn

    def put(self, key: Hashable, turn: Turn | None) -> None:
        if turn is None:
            return
        self._turns[key] = (self._clock(), turn)
        self._turns.move_to_end(key)
        while len(self._turns) > self.limit:
            self._turns.popitem(last=False)

    def __len__(self) -> int:
        return len(self._turns)

"""A memory of recent things: each value kept for a while (`ttl` seconds), at most `limit` of
them, the least recently used forgotten first.

What a chat is in the middle of (its last turn, an answer awaiting a comment) lives here, in
memory only: a restart forgets it, which costs a user at most one question spelt out again, and
nothing about anyone is kept on disk. The bound keeps a flood of new chats from growing memory.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    """Values by key, each forgotten `ttl` seconds after it was put, at most `limit` at once."""

    def __init__(self, ttl: float, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.limit = limit
        self._clock = clock
        self._values: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        found = self._values.get(key)
        if found is None:
            return None
        if self._clock() - found[0] > self.ttl:
            del self._values[key]
            return None
        return found[1]

    def pop(self, key: K) -> V | None:
        """The value, once: it is forgotten as it is taken."""
        found = self._values.pop(key, None)
        if found is None or self._clock() - found[0] > self.ttl:
            return None
        return found[1]

    def put(self, key: K, value: V) -> None:
        self._values[key] = (self._clock(), value)
        self._values.move_to_end(key)
        while len(self._values) > self.limit:
            self._values.popitem(last=False)

    def __len__(self) -> int:
        return len(self._values)

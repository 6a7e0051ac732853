"""What a conversation remembers: the last turn of each chat, for a while, within a bound.

"and Shanghai?" or "邊個主持？" only make sense after the question before; the resolver reads them
against the previous `Turn`. Turns live in memory only (`bot.recent`): a restart forgets them,
which costs a user one question spelt out in full.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

from bot.outcome import Turn
from bot.recent import Recent

#: A conversation is forgotten after this long without a message: half an hour.
TTL_SECONDS = 30 * 60
#: Conversations remembered at once; the least recently used is forgotten first.
MAX_CONVERSATIONS = 20_000


class Conversations(Recent[Hashable, Turn]):
    """The last turn per key (a chat, or a user in a group chat), with a time to live."""

    def __init__(
        self,
        ttl: float = TTL_SECONDS,
        limit: int = MAX_CONVERSATIONS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(ttl, limit, clock)

    def put(self, key: Hashable, value: Turn | None) -> None:
        """Remember the turn; an outcome with nothing to lean on (None) leaves the last one."""
        if value is not None:
            super().put(key, value)

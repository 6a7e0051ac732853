"""Who was just asked "What were you looking for?" after a 👎, and about which answer.

The next message of that user in that chat is taken as the reply (and still answered as a
question). Kept in memory only, for a few minutes and within a bound: a restart forgets it, which
costs at most one comment, and nothing about anyone is kept on disk but the comment itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.recent import Recent

#: How long the question waits for its reply: a few minutes, as "your next message" means.
TTL_SECONDS = 10 * 60
#: Users waited on at once; the longest waiting is forgotten first.
MAX_WAITING = 10_000

#: A chat and a user in it.
Key = tuple[int, int]


class AwaitingComment(Recent[Key, str]):
    """The entry each (chat, user) was asked about, until they reply (`pop`, so the reply is
    taken once) or the time runs out."""

    def __init__(
        self,
        ttl: float = TTL_SECONDS,
        limit: int = MAX_WAITING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(ttl, limit, clock)

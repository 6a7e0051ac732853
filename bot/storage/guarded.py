"""Storage that never holds up an answer: deadlines on every call, writes behind, and back-off.

The bot's answers come from the knowledge base; storage only remembers (a language choice, votes,
counts) and keeps the inbox. So a database that is slow, stopped or hung must cost an answer at
most one short wait, never the answer itself:

- **Every call has a deadline** (READ_TIMEOUT for what an answer reads, INBOX_TIMEOUT for keeping
  received updates, WRITE_TIMEOUT for writes). A call past it is abandoned, not awaited: against a
  hung server even cancelling a query can hang, and the answer must not wait for that either.
- **Writes go behind.** `set_language`, `add_feedback`, `add_declined`, `add_feedback_comment`,
  `count_answer` and `forget_user` return at once; one writer task gathers what is waiting into
  one transaction. A failed batch is logged ("storage write failed, carrying on: ...") and
  counted, and at most MAX_PENDING_WRITES wait: past that, new writes are dropped and counted. A
  language choice is also remembered here until it is written, so the user's next message is
  answered in it (and, while the database is down, for as long as this process runs, up to
  MAX_REMEMBERED).
- **Back-off.** After a failure, calls fail at once (StorageError) rather than each waiting for
  its deadline, while a background probe tries the database again after 0.5 s, then 1, 2, ... up
  to 10 s; the first probe that succeeds lets calls through again. psycopg's pool reconnects by
  itself meanwhile.
- **The truth for the health check**: when a write last succeeded, since when writes fail and
  why. When nothing has been written for PROBE_INTERVAL, the probe writes one small row, so a
  full disk or a deleted SQLite file shows even when no user is writing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from bot.storage.base import BackEnd, Statement, Stats, StorageError

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds an answer may wait for what it reads (a language choice): a miss means a default.
READ_TIMEOUT = 0.25
#: Seconds intake may wait to keep a batch of received updates before handling them from memory.
INBOX_TIMEOUT = 0.5
#: Seconds a batch of writes, a probe, or the done marks may take.
WRITE_TIMEOUT = 1.0
#: Seconds an operator's /stats, or the daily purge, may take.
SLOW_TIMEOUT = 5.0
#: Writes waiting to be written; past this, new ones are dropped (and counted).
MAX_PENDING_WRITES = 10_000
#: Calls written in one transaction.
MAX_BATCH = 500
#: Language choices remembered while not yet written.
MAX_REMEMBERED = 10_000
#: Seconds without a successful write after which the probe writes one.
PROBE_INTERVAL = 10.0
#: Back-off after a failure: first wait, and the longest.
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 10.0


async def wait_event(event: asyncio.Event, timeout: float) -> bool:
    """Wait until `event` is set or `timeout` seconds pass; whether it is set.

    Not `asyncio.wait_for`: in Python 3.11 it can swallow the cancellation of the task waiting
    when the event is set at that very moment, and a loop built on it then never stops.
    """
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({waiter}, timeout=max(timeout, 0.0))
    finally:
        waiter.cancel()
    return event.is_set()


@dataclass
class _Write:
    action: str
    statements: list[Statement]
    after: Callable[[bool], None] | None = None


@dataclass
class _LanguageRead:
    """One query for the languages of the users asked for in the same turn of the loop."""

    found: asyncio.Future[dict[int, str]]
    users: set[int] = field(default_factory=set)


@dataclass
class StorageHealth:
    """What the health check reads: wall-clock times (time.time()), None for never."""

    last_write_ok: float | None = None
    failing_since: float | None = None
    last_error: str = ""
    failed_writes: int = 0
    dropped_writes: int = 0
    pending_writes: int = 0


class GuardedStorage:
    """A `BackEnd` behind deadlines, a write-behind queue and back-off (see the module docstring).

    Implements the `Storage` protocol, so handlers use it as they would the back end; `start`
    before use (it needs the running event loop), `close` to flush and release.
    """

    def __init__(self, inner: BackEnd, owner: str, clock: Callable[[], float] = time.time) -> None:
        self.inner = inner
        self.owner = owner
        self._clock = clock
        self._pending: deque[_Write] = deque()
        self._languages: OrderedDict[int, str] = OrderedDict()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._backoff = 0.0
        self._retry_at = 0.0  # monotonic time of the next probe while failing
        # Calls past their deadline, referenced until they end: asyncio keeps only weak ones.
        self._abandoned: set[asyncio.Future[Any]] = set()
        self._reading: _LanguageRead | None = None  # the languages to read at the next turn
        self._reads: set[asyncio.Task[None]] = set()
        self.health = StorageHealth()
        self.probe_interval = PROBE_INTERVAL

    # --- life cycle ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the writer; the first probe runs at once, so health knows from the start."""
        self._task = asyncio.create_task(self._writer(), name="coopbot-storage-writer")

    async def close(self, timeout: float = 3.0) -> None:
        """Write what is waiting (for at most `timeout` seconds), then release the database
        (for at most as long again; a server that does not answer is left, logged)."""
        self._closing = True
        self._wake.set()
        if not await wait_event(self._idle, timeout):
            lost = len(self._pending)
            logger.error("storage: %d write(s) not written before closing", lost)
            self.health.dropped_writes += lost
            self._pending.clear()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        closing = asyncio.ensure_future(self.inner.close())
        done, _ = await asyncio.wait({closing}, timeout=timeout)
        if not done:  # a hung server: the process stops all the same, its writes were tried
            self._abandon(closing)
            logger.error("%s: closing gave up after %g s", self.inner.name, timeout)
            return
        closing.result()

    # --- reads: on the answer path, short deadlines ----------------------------------------------

    async def get_language(self, user_id: int) -> str | None:
        """The user's language: the one not yet written if any, else the database's.

        The users asked for in the same turn of the event loop (the updates of one batch from
        Telegram, all starting at once) are read together, in one query: one trip to the
        database thread rather than one per update. Each caller keeps its own deadline.
        """
        if user_id in self._languages:
            return self._languages[user_id]
        return await self.call(
            "reading the language", lambda: self._read_language(user_id), READ_TIMEOUT
        )

    async def _read_language(self, user_id: int) -> str | None:
        if self._reading is None:
            self._reading = _LanguageRead(asyncio.get_running_loop().create_future())
            task = asyncio.create_task(self._read_languages(self._reading))
            self._reads.add(task)  # referenced until done: asyncio keeps only weak references
            task.add_done_callback(self._reads.discard)
        read = self._reading
        read.users.add(user_id)
        # Shielded: a caller past its deadline abandons its own wait, not the others' read.
        found = await asyncio.shield(read.found)
        return found.get(user_id)

    async def _read_languages(self, read: _LanguageRead) -> None:
        """Read the languages of every user asked for so far; started one turn after the first
        of them, so that the rest of that turn's callers have joined."""
        self._reading = None
        try:
            found = await self.inner.get_languages(sorted(read.users))
        except asyncio.CancelledError:
            read.found.cancel()
            raise
        except Exception as exc:
            read.found.set_exception(exc)
            read.found.exception()  # retrieved here: every caller may have given up already
            return
        read.found.set_result(found)

    async def stats(self, limit: int = 10) -> Stats:
        return await self.call("reading stats", lambda: self.inner.stats(limit), SLOW_TIMEOUT)

    async def purge(self, older_than_days: int) -> int:
        return await self.call(
            "purging old rows", lambda: self.inner.purge(older_than_days), SLOW_TIMEOUT
        )

    # --- writes: behind ---------------------------------------------------------------------------

    async def set_language(self, user_id: int, lang: str) -> None:
        self._languages[user_id] = lang
        self._languages.move_to_end(user_id)
        while len(self._languages) > MAX_REMEMBERED:
            self._languages.popitem(last=False)

        def written(ok: bool) -> None:
            if ok and self._languages.get(user_id) == lang:
                del self._languages[user_id]

        self._behind("saving the language", "set_language", (user_id, lang), written)

    async def add_feedback(self, user_id: int, entry_id: str, up: bool) -> None:
        self._behind("saving feedback", "add_feedback", (user_id, entry_id, up))

    async def add_declined(self, text: str) -> None:
        self._behind("saving a declined question", "add_declined", (text,))

    async def add_feedback_comment(self, entry_id: str, text: str) -> None:
        self._behind("saving a comment", "add_feedback_comment", (entry_id, text))

    async def count_answer(self, entry_id: str) -> None:
        self._behind("counting an answer", "count_answer", (entry_id,))

    async def forget_user(self, user_id: int) -> None:
        self._languages.pop(user_id, None)
        self._behind("forgetting a user", "forget_user", (user_id,))

    # --- the inbox --------------------------------------------------------------------------------

    async def inbox_add(self, updates: list[tuple[int, str]]) -> set[int]:
        return await self.call(
            "keeping received updates",
            lambda: self.inner.inbox_add(self.owner, updates),
            INBOX_TIMEOUT,
        )

    def mark_done(self, update_ids: list[int], after: Callable[[bool], None]) -> None:
        """Mark updates handled, behind, in the transaction of the other writes waiting (an
        answer's count is made in the same turn as its update's done mark); `after(ok)` is told
        whether they were written, so marks that failed can be tried again. Dropped, like any
        write, when MAX_PENDING_WRITES wait: the updates are then answered again after a
        restart, never lost."""
        self._behind("marking updates handled", "inbox_done", (update_ids,), after)

    async def inbox_pending(
        self, limit: int, stale_after: timedelta | None = None
    ) -> list[tuple[int, str]]:
        return await self.call(
            "reading kept updates",
            lambda: self.inner.inbox_pending(self.owner, limit, stale_after),
            WRITE_TIMEOUT,
        )

    # --- the machinery ----------------------------------------------------------------------------

    @property
    def failing(self) -> bool:
        return self.health.failing_since is not None

    async def call(self, action: str, make: Callable[[], Awaitable[T]], timeout: float) -> T:
        """`make()` awaited for at most `timeout` seconds; StorageError on failure, at once
        while backing off. A call past its deadline is abandoned (see the module docstring)."""
        if self.failing and not self._closing:
            raise StorageError(
                f"{self.inner.name}: {action} skipped: the database is failing "
                f"({self.health.last_error}); trying it again in the background"
            )
        task = asyncio.ensure_future(make())
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            self._abandon(task)
            error = StorageError(
                f"{self.inner.name}: {action} failed: no answer within {timeout:g} s"
            )
            self._failed(error)
            raise error
        try:
            return task.result()
        except StorageError as exc:
            self._failed(exc)
            raise

    def _behind(
        self,
        action: str,
        call: str,
        args: tuple[Any, ...],
        after: Callable[[bool], None] | None = None,
    ) -> None:
        if len(self._pending) >= MAX_PENDING_WRITES:
            self.health.dropped_writes += 1
            if self.health.dropped_writes % 1000 == 1:
                logger.error(
                    "storage: %d write(s) waiting; dropping new ones (%d so far)",
                    len(self._pending),
                    self.health.dropped_writes,
                )
            return
        self._pending.append(_Write(action, self.inner.statements(call, *args), after))
        self.health.pending_writes = len(self._pending)
        self._idle.clear()
        self._wake.set()

    async def _writer(self) -> None:
        """Write what waits, in batches; while failing, probe with back-off; when nothing has
        been written for PROBE_INTERVAL, probe."""
        await self._probe()
        while True:
            if self.failing:
                if self._closing:
                    self._drop_pending("the database is failing")
                    self._idle.set()
                    return
                await self._wait(self._retry_at - time.monotonic())
                if time.monotonic() >= self._retry_at:
                    await self._probe()
            elif self._pending:
                await self._write_batch()
            else:
                self._idle.set()
                if self._closing:
                    return
                last = self.health.last_write_ok or 0.0
                quiet_for = self._clock() - last
                if quiet_for >= self.probe_interval:
                    await self._probe()
                else:
                    await self._wait(self.probe_interval - quiet_for)

    async def _wait(self, seconds: float) -> None:
        """Sleep up to `seconds`, or until a write or `close` wakes the writer."""
        await wait_event(self._wake, seconds)
        self._wake.clear()

    async def _probe(self) -> None:
        task = asyncio.ensure_future(self.inner.probe(self.owner))
        done, _ = await asyncio.wait({task}, timeout=WRITE_TIMEOUT)
        if not done:
            self._abandon(task)
            self._failed(StorageError(f"{self.inner.name}: no answer within {WRITE_TIMEOUT:g} s"))
            return
        try:
            task.result()
        except StorageError as exc:
            self._failed(exc)
            return
        self._written()

    async def _write_batch(self) -> None:
        batch = [self._pending.popleft() for _ in range(min(len(self._pending), MAX_BATCH))]
        self.health.pending_writes = len(self._pending)
        statements = [statement for write in batch for statement in write.statements]
        action = batch[0].action if len(batch) == 1 else f"writing {len(batch)} changes"
        task = asyncio.ensure_future(self.inner.write_behind(action, statements))
        done, _ = await asyncio.wait({task}, timeout=WRITE_TIMEOUT)
        ok = False
        if not done:
            self._abandon(task)
            error = StorageError(
                f"{self.inner.name}: {action} failed: no answer within {WRITE_TIMEOUT:g} s"
            )
        else:
            try:
                task.result()
                ok = True
            except StorageError as exc:
                error = exc
        if ok:
            self._written()
        else:
            self._failed(error)
            self.health.failed_writes += len(batch)
            logger.error("storage write failed, carrying on: %s", error)
        for write in batch:
            if write.after is not None:
                write.after(ok)

    def _drop_pending(self, why: str) -> None:
        lost = len(self._pending)
        self._pending.clear()
        self.health.pending_writes = 0
        self.health.dropped_writes += lost
        logger.error("storage: %d write(s) dropped: %s", lost, why)

    def _written(self) -> None:
        if self.failing:
            logger.warning(
                "storage: %s answers again (it failed for %.1f s)",
                self.inner.name,
                self._clock() - (self.health.failing_since or self._clock()),
            )
        self.health.last_write_ok = self._clock()
        self.health.failing_since = None
        self.health.last_error = ""
        self._backoff = 0.0

    def _failed(self, error: StorageError) -> None:
        if not self.failing:
            logger.error("storage: %s; answering without it meanwhile", error)
            self.health.failing_since = self._clock()
        self.health.last_error = str(error)
        self._backoff = min(max(self._backoff * 2, BACKOFF_FIRST), BACKOFF_MAX)
        self._retry_at = time.monotonic() + self._backoff
        self._wake.set()

    def _abandon(self, task: asyncio.Future[Any]) -> None:
        """Let a call past its deadline finish (or fail) on its own, unawaited."""
        task.cancel()
        self._abandoned.add(task)
        task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Future[Any]) -> None:
        self._abandoned.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved, so asyncio does not log it as never retrieved

"""Durable intake: every update kept before Telegram is told it arrived, answered once.

python-telegram-bot confirms updates before handling them (polling: the next `getUpdates` offset;
webhook: the 200 once queued) and queues them in memory, without bound: a crash lost whatever was
queued. Here an update goes, in order:

1. **kept**: written to the inbox table (bot/storage/schema.py), one transaction per batch, with
   the process's name as owner. Only then is it confirmed: polling asks for the next offset,
   the webhook answers 200. A replayed update_id already handled is recognised and dropped.
2. **queued**: into the Application's queue, once one of MAX_IN_FLIGHT places is free. Polling
   waits for a place before asking Telegram for more (back-pressure: updates wait at Telegram, not
   in memory); a webhook delivery waits up to DELIVERY_WAIT, and past that is left in the inbox
   for the recovery loop.
3. **handled**: `PerUserUpdateProcessor` reports when its handlers are done; the done marks are
   written behind the answers, in one transaction with the other writes of the moment.

At start, and every RECOVER_INTERVAL, updates kept and not handled are queued again (oldest
first): those of an earlier run that crashed or stopped before finishing them.

When the inbox cannot be written (the database is down or hung), updates are handled from memory
rather than not at all: answers keep coming, a crash then loses what is in memory (as before this
inbox existed), the log says so once per outage and the health check reports the database.

The one window left: an update whose answer reached Telegram in the instant before the process
was killed, before its done mark was written, is answered again after the restart. Telegram offers
no way to ask whether a message went out; answering twice is the lesser harm than never.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.storage import StorageError
from bot.storage.guarded import GuardedStorage, wait_event
from bot.telegram.retry import seconds

logger = logging.getLogger(__name__)

#: Updates queued or being handled at once; more wait (at Telegram, or in the inbox).
MAX_IN_FLIGHT = 256
#: Seconds a webhook delivery may wait for a place before being left to the recovery loop.
DELIVERY_WAIT = 5.0
#: Seconds between looks at the inbox for updates kept and not handled.
RECOVER_INTERVAL = 5.0
#: Another process's updates not handled after this long are taken over (webhook replicas).
STALE_AFTER = timedelta(minutes=2)
#: Ids remembered as handled while their done marks cannot be written.
MAX_REMEMBERED = 100_000
#: Seconds of back-off after a failed getUpdates: first and longest.
POLL_BACKOFF_FIRST, POLL_BACKOFF_MAX = 0.5, 30.0


class TokenRejected(Exception):
    """The Bot API refused the token (401): revoked or wrong; nothing more can be done."""


class Intake:
    """Keeps, queues and tracks updates (see the module docstring); one per Application."""

    def __init__(self, app: Application, capacity: int | None = None) -> None:
        self.app = app
        self.capacity = MAX_IN_FLIGHT if capacity is None else capacity
        self.storage: GuardedStorage | None = None
        self.take_over_after: timedelta = STALE_AFTER
        self._places = asyncio.Semaphore(self.capacity)
        # update_id -> time.time() it arrived: queued or being handled.
        self._in_flight: dict[int, float] = {}
        # Handled, the done mark not written yet; kept so a replay is recognised meanwhile.
        self._handled: OrderedDict[int, None] = OrderedDict()
        self._to_mark: list[int] = []
        self._tasks: dict[int, asyncio.Task[Any]] = {}
        self._wake = asyncio.Event()
        self._stopped = False
        self._memory_outage = False
        self._backlog = False  # the last recovery found more than it had places for
        self.last_received: float | None = None
        self.memory_only = 0

    # --- what the health check reads ---------------------------------------------------------------

    @property
    def waiting(self) -> int:
        """Updates queued or being handled now."""
        return len(self._in_flight)

    @property
    def oldest(self) -> float | None:
        """When the oldest update not yet handled arrived (time.time()), if any."""
        return min(self._in_flight.values(), default=None)

    # --- taking updates in ---------------------------------------------------------------------------

    async def receive(self, raws: list[dict[str, Any]], *, wait: float | None = None) -> bool:
        """Keep `raws` (updates as Telegram sent them), then queue them.

        `wait` None waits for places as long as it takes (polling); a number is how long a
        delivery may wait. False when an update could be neither kept nor queued: the webhook
        answers 503 then, so Telegram delivers it again.
        """
        self.last_received = time.time()
        fresh = [raw for raw in raws if not self._known(raw.get("update_id"))]
        if not fresh:
            return True
        # ASCII: lone surrogates and NULs, which Telegram can send, as JSON escapes any database takes.
        kept = [(int(raw["update_id"]), json.dumps(raw)) for raw in fresh]
        durable, replays = await self._keep(kept)
        for raw in fresh:
            update_id = int(raw["update_id"])
            if update_id in replays:
                logger.info("update %d was handled before: not answered again", update_id)
                continue
            if not await self._queue(update_id, raw, wait):
                if not durable:
                    return False
                logger.warning("update %d left in the inbox: every place is taken", update_id)
        return True

    async def recover(self, limit: int | None = None) -> int:
        """Queue updates kept and not handled (an earlier run's, or left when every place was
        taken); how many were queued."""
        if self.storage is None or self.storage.failing:
            return 0
        free = limit if limit is not None else self._free()
        if free <= 0:
            return 0
        wanted = free + len(self._in_flight)
        try:
            rows = await self.storage.inbox_pending(wanted, self.take_over_after)
        except StorageError as exc:
            logger.warning("inbox: cannot read kept updates: %s", exc)
            return 0
        self._backlog = len(rows) >= wanted
        queued = 0
        for update_id, body in rows:
            if self._known(update_id):
                continue
            try:
                raw = json.loads(body)
            except ValueError:
                raw = {"update_id": update_id}  # marked handled below, as unreadable
            if not await self._queue(update_id, raw, wait=0):
                break
            queued += 1
        if queued:
            logger.info("inbox: %d kept update(s) queued again", queued)
        return queued

    def _known(self, update_id: object) -> bool:
        return update_id in self._in_flight or update_id in self._handled

    def _free(self) -> int:
        return self.capacity - len(self._in_flight)

    async def _keep(self, kept: list[tuple[int, str]]) -> tuple[bool, set[int]]:
        """Write to the inbox: (kept durably?, ids handled before)."""
        if self.storage is None:
            return False, set()
        try:
            replays = await self.storage.inbox_add(kept)
        except StorageError as exc:
            self.memory_only += len(kept)
            if not self._memory_outage:
                self._memory_outage = True
                logger.error(
                    "inbox: cannot keep received updates (%s); handling them from memory "
                    "until the database answers: a crash meanwhile loses them",
                    exc,
                )
            return False, set()
        if self._memory_outage:
            self._memory_outage = False
            logger.warning("inbox: keeping received updates again")
        return True, replays

    async def _queue(self, update_id: int, raw: dict[str, Any], wait: float | None) -> bool:
        """Put one update on the Application's queue once a place is free; False if none
        became free within `wait` seconds."""
        try:
            update = Update.de_json(raw, self.app.bot)
        except Exception:  # what Telegram would never send; its content stays out of the log
            update = None
        if update is None or self._stopped:
            if update is None:
                logger.warning("update %d is not a readable update: skipped", update_id)
                self._mark(update_id)
            return update is not None
        if wait is None:
            await self._places.acquire()
        elif not await self._take_place(wait):
            return False
        if self._stopped or self._known(update_id):
            self._places.release()
            return True
        self._in_flight[update_id] = time.time()
        self.app.update_queue.put_nowait(update)
        return True

    async def _take_place(self, wait: float) -> bool:
        """Take a place within `wait` seconds; False, holding none, if none came free."""
        acquire = asyncio.ensure_future(self._places.acquire())
        done, _ = await asyncio.wait({acquire}, timeout=max(wait, 0.0))
        if done:
            return True
        acquire.cancel()

        def give_back(future: asyncio.Future[bool]) -> None:
            if not future.cancelled():  # it got a place after all, just too late
                self._places.release()

        acquire.add_done_callback(give_back)
        return False

    # --- what the processor reports ------------------------------------------------------------------

    def started(self, update: object) -> None:
        """The update's handlers start, in the current task (cancelled if the drain runs out)."""
        if isinstance(update, Update) and update.update_id in self._in_flight:
            self._tasks[update.update_id] = asyncio.current_task()  # type: ignore[assignment]

    def finished(self, update: object, completed: bool) -> None:
        """The update's handlers are done (`completed`), or were cancelled at stop (left in
        the inbox for the next start)."""
        if not isinstance(update, Update) or update.update_id not in self._in_flight:
            return
        update_id = update.update_id
        del self._in_flight[update_id]
        self._tasks.pop(update_id, None)
        self._places.release()
        if completed:
            self._mark(update_id)
        if self._backlog and not self._stopped and self._free() > self.capacity // 2:
            self._wake.set()

    def _mark(self, update_id: int) -> None:
        self._handled[update_id] = None
        while len(self._handled) > MAX_REMEMBERED:
            self._handled.popitem(last=False)
        self._to_mark.append(update_id)
        self.write_marks()

    # --- the background work: done marks and recovery ------------------------------------------------

    async def maintain(self) -> None:
        """Hand over the done marks left waiting, and look for kept updates every
        RECOVER_INTERVAL (at once when places free up after a recovery that found more than it
        had places for)."""
        next_recovery = time.monotonic() + RECOVER_INTERVAL
        while True:
            await wait_event(self._wake, max(next_recovery - time.monotonic(), 0.01))
            self._wake.clear()
            self.write_marks()
            backlog = self._backlog and self._free() > self.capacity // 2
            if backlog or time.monotonic() >= next_recovery:
                if not self._stopped:
                    await self.recover()
                next_recovery = time.monotonic() + RECOVER_INTERVAL

    def write_marks(self) -> None:
        """Hand the done marks waiting to storage, which writes them behind the answers in the
        transaction of the other writes of the moment (`GuardedStorage.mark_done`): an answer's
        count and its update's mark are one write, not two. While the database fails they wait
        here, for the pass of `maintain` after it answers again."""
        if not self._to_mark or self.storage is None or self.storage.failing:
            return
        marks, self._to_mark = self._to_mark, []
        self.storage.mark_done(marks, lambda ok: self._marks_written(marks, ok))

    def _marks_written(self, marks: list[int], ok: bool) -> None:
        if not ok:
            logger.warning("inbox: %d done mark(s) wait for the database", len(marks))
            self._to_mark = (marks + self._to_mark)[-MAX_REMEMBERED:]
            return
        for update_id in marks:
            self._handled.pop(update_id, None)

    # --- stopping ----------------------------------------------------------------------------------

    def stop(self) -> None:
        """Take no more updates: what arrives from now on stays at Telegram or in the inbox."""
        self._stopped = True

    async def drain(self, deadline: float) -> int:
        """Let the updates queued or in progress finish, for at most `deadline` seconds; then
        take back those not started and cancel the rest. They stay in the inbox, not handled, for
        the next start. Returns how many were left."""
        end = time.monotonic() + deadline
        while self._in_flight and time.monotonic() < end:
            await asyncio.sleep(0.02)
        left = len(self._in_flight)
        if not left:
            return 0
        queue = self.app.update_queue
        while not queue.empty():
            update = queue.get_nowait()
            queue.task_done()
            self.finished(update, completed=False)
        for task in list(self._tasks.values()):
            task.cancel()
        for _ in range(50):  # the cancelled handlers unwind in a few loop turns
            if not self._in_flight:
                break
            await asyncio.sleep(0.01)
        logger.warning(
            "stopping: %d update(s) not finished within %g s stay in the inbox for the next start",
            left,
            deadline,
        )
        return left


class Poller:
    """Long polling of our own, in place of python-telegram-bot's Updater, so that each batch is
    kept in the inbox before the next `getUpdates` confirms it."""

    def __init__(
        self,
        app: Application,
        intake: Intake,
        poll_timeout: int,
        read_timeout: float,
        allowed_updates: list[str],
    ) -> None:
        self.app, self.intake = app, intake
        self.poll_timeout, self.read_timeout = poll_timeout, read_timeout
        self.allowed_updates = allowed_updates
        self.offset = 0

    async def run(self, stopping: asyncio.Event) -> None:
        """Poll until `stopping` is set; TokenRejected on a 401."""
        await self._until_done(self._delete_webhook, stopping)
        backoff = 0.0
        while not stopping.is_set():
            poll = asyncio.ensure_future(self._get_updates(self.poll_timeout))
            stop = asyncio.ensure_future(stopping.wait())
            done, _ = await asyncio.wait({poll, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if poll not in done:  # stopping: what this poll would return stays at Telegram
                poll.cancel()
                with contextlib.suppress(BaseException):
                    await poll
                break
            try:
                raws = poll.result()
            except InvalidToken as exc:
                raise TokenRejected(str(exc)) from None
            except RetryAfter as exc:
                await self._pause(seconds(exc.retry_after), stopping)
                continue
            except (NetworkError, TelegramError) as exc:
                backoff = min(max(backoff * 2, POLL_BACKOFF_FIRST), POLL_BACKOFF_MAX)
                logger.warning("getUpdates failed, trying again in %.1f s: %s", backoff, exc)
                await self._pause(backoff, stopping)
                continue
            backoff = 0.0
            self.intake.last_received = time.time()
            if raws:
                await self.intake.receive(raws)
                self.offset = int(raws[-1]["update_id"]) + 1
        await self._confirm()

    async def _get_updates(self, timeout: int) -> list[dict[str, Any]]:
        data: dict[str, Any] = {"timeout": timeout, "allowed_updates": self.allowed_updates}
        if self.offset:
            data["offset"] = self.offset
        result = await self.app.bot._post(  # the raw updates, kept as Telegram sent them
            "getUpdates", data, read_timeout=timeout + self.read_timeout
        )
        return list(result)

    async def _confirm(self) -> None:
        """Tell Telegram the last batch arrived (it is in the inbox), so it is not sent again."""
        if not self.offset:
            return
        with contextlib.suppress(TelegramError):
            data = {"offset": self.offset, "limit": 1, "timeout": 0}
            await self.app.bot._post("getUpdates", data, read_timeout=self.read_timeout)

    async def _delete_webhook(self) -> None:
        try:
            await self.app.bot.delete_webhook()
        except InvalidToken as exc:
            raise TokenRejected(str(exc)) from None

    async def _until_done(self, call: Any, stopping: asyncio.Event) -> None:
        backoff = 0.0
        while not stopping.is_set():
            try:
                await call()
                return
            except (NetworkError, TelegramError) as exc:
                backoff = min(max(backoff * 2, POLL_BACKOFF_FIRST), POLL_BACKOFF_MAX)
                logger.warning("Bot API unreachable, trying again in %.1f s: %s", backoff, exc)
                await self._pause(backoff, stopping)

    @staticmethod
    async def _pause(delay: float, stopping: asyncio.Event) -> None:
        await wait_event(stopping, delay)

"""How updates are scheduled: different users at once, one user's updates in order."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram.intake import Intake

#: Updates handled at once (across users); one user's updates still go one at a time.
MAX_CONCURRENT_UPDATES = 64


@dataclass
class _UserLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Different users' updates run concurrently; one user's run one at a time, in order.

    So a `/lang` choice is saved before the question typed right after it is answered, and the
    flood gate counts a burst in order. The user lock is taken before a concurrency slot, so one
    user's queue of updates never holds slots that other users need.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, _UserLock] = {}
        self.intake: Intake | None = None  # told when each update is handled (its done mark)

    async def process_update(self, update: object, coroutine: Any) -> None:
        """Handle `update`; the intake hears when it is done, or that it was cancelled at stop
        (then it is not marked done, and the next start handles it)."""
        if self.intake is None:
            await self._in_order(update, coroutine)
            return
        self.intake.started(update)
        completed = False
        try:
            await self._in_order(update, coroutine)
            completed = True
        finally:
            if not completed:
                coroutine.close()  # cancelled before its turn: never started, never to start
            self.intake.finished(update, completed)

    async def _in_order(self, update: object, coroutine: Any) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await super().process_update(update, coroutine)
            return
        entry = self._locks.setdefault(user.id, _UserLock())
        entry.users += 1
        try:
            async with entry.lock:
                await super().process_update(update, coroutine)
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._locks[user.id]

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up: the locks are made as users appear."""

    async def shutdown(self) -> None:
        """Nothing to release: Application.stop has already waited for every update."""

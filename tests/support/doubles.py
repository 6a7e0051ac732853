"""Stand-ins for storage that misbehaves, put in place of a running bot's real storage."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

from bot.storage import Storage, StorageError


class FailingStorage:
    """Storage whose every call fails, as a locked or full disk would; closing reaches the real one."""

    def __init__(self, real: Storage) -> None:
        self.real = real

    def __getattr__(self, name: str) -> Callable[..., Awaitable[NoReturn]]:
        async def fail(*args: object, **kwargs: object) -> NoReturn:
            raise StorageError("coopbot.db: saving failed: database is locked")

        return fail

    async def close(self) -> None:
        await self.real.close()


class BrokenBackEnd:
    """A back end whose every call fails, as a full disk or a stopped server would; it still
    builds statements and names itself like the real one, and closing reaches the real one.
    Put behind a running bot's GuardedStorage: `bot_data.storage.inner = BrokenBackEnd(...)`."""

    def __init__(self, real: Any, problem: str = "database is locked") -> None:
        self.real = real
        self.problem = problem
        self.name = real.name
        self.statements = real.statements

    def __getattr__(self, name: str) -> Callable[..., Awaitable[NoReturn]]:
        async def fail(*args: object, **kwargs: object) -> NoReturn:
            raise StorageError(f"{self.name}: saving failed: {self.problem}")

        return fail

    async def close(self) -> None:
        await self.real.close()


class HungBackEnd(BrokenBackEnd):
    """A back end that never answers, as a server stopped with SIGSTOP would not."""

    def __getattr__(self, name: str) -> Callable[..., Awaitable[NoReturn]]:
        async def hang(*args: object, **kwargs: object) -> NoReturn:
            await asyncio.sleep(3600)
            raise AssertionError("unreachable")

        return hang

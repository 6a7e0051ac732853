"""Stand-ins for storage that misbehaves, put in place of a running bot's real storage."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import NoReturn

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


class SilentStorage:
    """Storage that never answers a read, as a database locked for long would not."""

    def __init__(self, real: Storage) -> None:
        self.real = real

    async def get_language(self, user_id: int) -> str | None:
        await asyncio.sleep(3600)
        return None

    async def close(self) -> None:
        await self.real.close()

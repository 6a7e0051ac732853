"""Storage behind its guard (bot/storage/guarded.py) as the answer path uses it: the languages
asked for at once read in one query, each caller with its own deadline; an answer's count and its
update's done mark written in one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import SQLiteStorage, StorageError
from bot.storage.guarded import READ_TIMEOUT, GuardedStorage

USERS = [11, 22, 33]


class Recorded(SQLiteStorage):
    """SQLite, counting the language queries and the write transactions it is asked for."""

    language_reads: list[list[int]]
    transactions: list[str]
    hang_reads: bool = False
    fail_reads: bool = False

    async def get_languages(self, user_ids: list[int]) -> dict[int, str]:
        self.language_reads.append(user_ids)
        if self.hang_reads:
            await asyncio.sleep(3600)
        if self.fail_reads:
            raise StorageError("test.db: reading languages failed: the disk is on fire")
        return await super().get_languages(user_ids)

    async def write_behind(self, action: str, statements: list) -> int:
        self.transactions.append(action)
        return await super().write_behind(action, statements)


@pytest.fixture
async def guarded(tmp_path: Path) -> AsyncIterator[tuple[GuardedStorage, Recorded]]:
    inner = await Recorded.open(tmp_path / "test.db", b"test key")
    inner.language_reads, inner.transactions = [], []
    storage = GuardedStorage(inner, "host-a")
    storage.start()
    await asyncio.sleep(0.05)  # the writer's first probe
    yield storage, inner
    await storage.close(1.0)


async def test_languages_asked_for_at_once_are_read_in_one_query(
    guarded: tuple[GuardedStorage, Recorded],
) -> None:
    storage, inner = guarded
    await inner.set_language(22, "zh-Hans")
    found = await asyncio.gather(*(storage.get_language(user) for user in USERS))
    assert found == [None, "zh-Hans", None]
    assert inner.language_reads == [USERS]
    assert await storage.get_language(22) == "zh-Hans"  # a later turn: a query of its own
    assert inner.language_reads == [USERS, [22]]


async def test_a_choice_not_yet_written_is_answered_without_a_query(
    guarded: tuple[GuardedStorage, Recorded],
) -> None:
    storage, inner = guarded
    await storage.set_language(11, "en")
    assert await storage.get_language(11) == "en"
    assert inner.language_reads == []


async def test_a_failed_read_fails_each_caller(guarded: tuple[GuardedStorage, Recorded]) -> None:
    storage, inner = guarded
    inner.fail_reads = True
    results = await asyncio.gather(
        *(storage.get_language(user) for user in USERS), return_exceptions=True
    )
    assert all(isinstance(result, StorageError) for result in results)
    assert storage.failing


async def test_a_hung_read_costs_each_caller_its_deadline_only(
    guarded: tuple[GuardedStorage, Recorded],
) -> None:
    storage, inner = guarded
    inner.hang_reads = True
    started = asyncio.get_running_loop().time()
    results = await asyncio.gather(
        *(storage.get_language(user) for user in USERS), return_exceptions=True
    )
    assert all(isinstance(result, StorageError) for result in results)
    assert asyncio.get_running_loop().time() - started < READ_TIMEOUT + 0.5


async def test_an_answers_count_and_its_done_mark_are_one_transaction(
    guarded: tuple[GuardedStorage, Recorded],
) -> None:
    storage, inner = guarded
    await inner.inbox_add("host-a", [(7, "{}")])
    written: list[bool] = []
    await storage.count_answer("cepa")
    storage.mark_done([7], written.append)
    for _ in range(100):
        if written:
            break
        await asyncio.sleep(0.01)
    assert written == [True]
    assert inner.transactions == ["writing 2 changes"]
    assert await inner.inbox_pending("host-a", 10) == []
    assert (await inner.stats()).top_answers == [("cepa", 1)]

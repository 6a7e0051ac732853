"""Tests of the SQLite storage: behaviour through the async API, privacy and failures by
reading or damaging the file directly."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import MAX_DECLINED_CHARS, SCHEMA_VERSION, SQLiteStorage, StorageError

REPO_ROOT = Path(__file__).resolve().parents[1]
USER = 987_654_321_987
OTHER_USER = 123_456_789_012
KEY = b"test key, not secret"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand, to write rows 'in the past'."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "coopbot.db"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
async def storage(db_path: Path, clock: FakeClock) -> AsyncIterator[SQLiteStorage]:
    opened = await SQLiteStorage.open(db_path, KEY, clock=clock)
    yield opened
    await opened.close()


@pytest.fixture
async def existing_db(db_path: Path) -> Path:
    await (await SQLiteStorage.open(db_path)).close()
    return db_path


@contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Another connection holding the write lock, as a second bot process would."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            conn.rollback()


def all_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as conn:
        tables = [
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {table: conn.execute(f"SELECT * FROM {table}").fetchall() for table in tables}


async def test_language_round_trip(storage: SQLiteStorage) -> None:
    assert await storage.get_language(USER) is None
    await storage.set_language(USER, "zh-Hant")
    await storage.set_language(USER, "en")
    assert await storage.get_language(USER) == "en"
    assert await storage.get_language(OTHER_USER) is None


async def test_language_survives_close_and_reopen_with_generated_key(db_path: Path) -> None:
    first = await SQLiteStorage.open(db_path)
    await first.set_language(USER, "zh-Hans")
    await first.close()
    second = await SQLiteStorage.open(db_path)
    assert await second.get_language(USER) == "zh-Hans"
    await second.close()


async def test_repeated_vote_replaces_the_users_earlier_vote(storage: SQLiteStorage) -> None:
    await storage.add_feedback(USER, "gba-youth", up=True)
    await storage.add_feedback(USER, "gba-youth", up=False)
    await storage.add_feedback(OTHER_USER, "gba-youth", up=False)
    stats = await storage.stats()
    assert (stats.feedback_up, stats.feedback_down) == (0, 2)
    assert stats.feedback_by_entry == [("gba-youth", 0, 2)]


async def test_stats_counts_answers_feedback_and_declined(
    storage: SQLiteStorage, clock: FakeClock
) -> None:
    for entry in ["cepa", "gba-youth", "cepa", "cepa", "gba-youth", "qianhai"]:
        await storage.count_answer(entry)
    await storage.add_feedback(USER, "cepa", up=True)
    await storage.add_feedback(OTHER_USER, "cepa", up=False)
    await storage.add_feedback(USER, "qianhai", up=True)
    await storage.add_declined("What is the weather?")
    clock.now += timedelta(minutes=1)
    await storage.add_declined("Who won the match?")

    stats = await storage.stats(limit=2)

    assert stats.top_answers == [("cepa", 3), ("gba-youth", 2)]
    assert stats.recent_declined == [
        ("Who won the match?", "2025-06-01T12:01:00+00:00"),
        ("What is the weather?", "2025-06-01T12:00:00+00:00"),
    ]
    assert (stats.feedback_up, stats.feedback_down) == (2, 1)
    assert stats.feedback_by_entry == [("cepa", 1, 1), ("qianhai", 1, 0)]


async def test_user_ids_are_not_stored_in_clear(storage: SQLiteStorage, db_path: Path) -> None:
    await storage.set_language(USER, "en")
    await storage.add_feedback(USER, "cepa", up=True)
    await storage.close()

    rows = all_rows(db_path)
    values = [value for table in rows.values() for row in table for value in row]
    assert USER not in values
    assert not any(str(USER) in str(value) for value in values)
    assert rows["user_language"] and rows["feedback"]
    assert KEY.hex() not in values  # a key given by the caller stays out of the file


async def test_declined_text_is_cut_to_limit(storage: SQLiteStorage) -> None:
    await storage.add_declined("問" * (MAX_DECLINED_CHARS + 500))
    [(text, _)] = (await storage.stats()).recent_declined
    assert text == "問" * MAX_DECLINED_CHARS


async def test_purge_removes_old_feedback_and_declined_and_keeps_new(
    storage: SQLiteStorage, clock: FakeClock
) -> None:
    clock.now = NOW - timedelta(days=200)
    await storage.add_feedback(USER, "cepa", up=False)
    await storage.add_declined("old question")
    clock.now = NOW
    await storage.add_feedback(OTHER_USER, "cepa", up=True)
    await storage.add_declined("new question")

    assert await storage.purge(older_than_days=180) == 2

    stats = await storage.stats()
    assert [text for text, _ in stats.recent_declined] == ["new question"]
    assert (stats.feedback_up, stats.feedback_down) == (1, 0)


async def test_purge_keeps_answer_counts_and_languages(
    storage: SQLiteStorage, clock: FakeClock
) -> None:
    clock.now = NOW - timedelta(days=200)
    await storage.set_language(USER, "en")
    await storage.count_answer("cepa")
    clock.now = NOW

    assert await storage.purge(older_than_days=180) == 0

    assert await storage.get_language(USER) == "en"
    assert (await storage.stats()).top_answers == [("cepa", 1)]


async def test_forget_user_removes_only_that_users_rows(storage: SQLiteStorage) -> None:
    for user in (USER, OTHER_USER):
        await storage.set_language(user, "en")
        await storage.add_feedback(user, "cepa", up=True)

    await storage.forget_user(USER)

    assert await storage.get_language(USER) is None
    assert await storage.get_language(OTHER_USER) == "en"
    assert (await storage.stats()).feedback_up == 1


async def test_corrupt_file_raises_storage_error_naming_it(db_path: Path) -> None:
    db_path.parent.mkdir()
    db_path.write_bytes(os.urandom(4096))
    with pytest.raises(StorageError, match="not a SQLite database") as caught:
        await SQLiteStorage.open(db_path)
    assert str(db_path) in str(caught.value)


async def test_read_only_file_raises_storage_error(existing_db: Path) -> None:
    existing_db.chmod(0o444)
    with pytest.raises(StorageError, match="read-only") as caught:
        await SQLiteStorage.open(existing_db)
    assert str(existing_db) in str(caught.value)


async def test_uncreatable_directory_raises_storage_error(tmp_path: Path) -> None:
    (tmp_path / "plain-file").write_text("")
    path = tmp_path / "plain-file" / "sub" / "coopbot.db"
    with pytest.raises(StorageError, match="cannot create directory") as caught:
        await SQLiteStorage.open(path)
    assert str(path) in str(caught.value)


async def test_locked_database_raises_storage_error_at_open(existing_db: Path) -> None:
    with (
        write_lock_held(existing_db),
        pytest.raises(StorageError, match="locked by another process") as caught,
    ):
        await SQLiteStorage.open(existing_db, busy_timeout=0.05)
    assert str(existing_db) in str(caught.value)


async def test_failed_write_raises_storage_error(db_path: Path) -> None:
    opened = await SQLiteStorage.open(db_path, busy_timeout=0.05)
    with (
        write_lock_held(db_path),
        pytest.raises(StorageError, match=r"counting an answer failed: .*locked"),
    ):
        await opened.count_answer("cepa")
    await opened.close()


async def test_newer_schema_version_is_refused(existing_db: Path) -> None:
    with closing(sqlite3.connect(existing_db)) as conn, conn:
        conn.execute(
            "UPDATE settings SET value = ? WHERE key = 'schema_version'",
            (str(SCHEMA_VERSION + 1),),
        )
    with pytest.raises(StorageError, match="newer than this bot"):
        await SQLiteStorage.open(existing_db)


async def test_committed_write_survives_crash_without_close(db_path: Path) -> None:
    # A real crash: the child process writes, then dies without close, checkpoint or atexit.
    script = textwrap.dedent(
        f"""
        import asyncio, os
        from bot.storage import SQLiteStorage

        async def main():
            storage = await SQLiteStorage.open({str(db_path)!r}, {KEY!r})
            await storage.set_language({USER}, "en")
            await storage.count_answer("cepa")
            os._exit(0)

        asyncio.run(main())
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, check=True, timeout=30)

    reopened = await SQLiteStorage.open(db_path, KEY)
    assert await reopened.get_language(USER) == "en"
    assert (await reopened.stats()).top_answers == [("cepa", 1)]
    await reopened.close()


async def test_close_waits_for_pending_writes(db_path: Path) -> None:
    opened = await SQLiteStorage.open(db_path, KEY)
    pending = [asyncio.create_task(opened.count_answer("cepa")) for _ in range(20)]
    await asyncio.sleep(0)  # let the tasks submit their writes
    await opened.close()
    await asyncio.gather(*pending)

    reopened = await SQLiteStorage.open(db_path, KEY)
    assert (await reopened.stats()).top_answers == [("cepa", 20)]
    await reopened.close()


async def test_calls_after_close_raise_storage_error(storage: SQLiteStorage) -> None:
    await storage.close()
    with pytest.raises(StorageError, match="closed"):
        await storage.count_answer("cepa")


async def test_wal_mode_is_on(existing_db: Path) -> None:
    with closing(sqlite3.connect(existing_db)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)

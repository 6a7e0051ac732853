"""Tests of storage: the behaviour both back ends share runs against each (SQLite in a temporary
file, PostgreSQL in a fresh schema on COOPBOT_TEST_DATABASE_URL), through the async API, with
privacy and failures checked by looking behind it; then the migrations, starting from a database
the bot made before there were any; then what only one back end has."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import re
import socket
import sqlite3
import subprocess
import sys
import textwrap
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from bot.config import Settings
from bot.storage import (
    DEFAULT_BUSY_TIMEOUT,
    MAX_DECLINED_CHARS,
    SCHEMA_VERSION,
    SQLiteStorage,
    Storage,
    StorageError,
    database_label,
    open_storage,
    schema,
)
from bot.storage.base import BackEnd
from bot.storage.schema import MIGRATIONS, Migration
from tests.support.postgres_server import (
    fresh_schema,
    require_driver,
    server_url,
    unavailable,
    with_password,
)

if TYPE_CHECKING:
    from bot.storage.postgres import PostgresStorage

REPO_ROOT = Path(__file__).resolve().parents[1]
USER = 987_654_321_987
OTHER_USER = 123_456_789_012
KEY = b"test key, not secret"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
TABLES = ["settings", "user_language", "feedback", "declined", "answer_count"]
#: The tables of what users did, as opposed to the bot's own settings.
DATA_TABLES = TABLES[1:]


class FakeClock:
    """A clock the test moves by hand, to write rows 'in the past'."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Backend(Protocol):
    """One back end as the shared tests see it: settings that open it, and a look behind it."""

    name: str
    opened: list[Storage]
    """Every storage `open` returned, closed after the test even when it failed half-way."""

    def settings(self, hash_key: bytes | None) -> Settings: ...
    async def open(
        self,
        hash_key: bytes | None,
        clock: Callable[[], datetime] = ...,
        busy_timeout: float = ...,
    ) -> Storage: ...
    def rows(self) -> dict[str, list[tuple[object, ...]]]: ...
    def execute(self, *statements: str) -> None: ...
    def layout(self) -> list[tuple[object, ...]]:
        """The tables, columns, constraints and indexes, as the database describes them."""
        ...

    def lock_held(self) -> AbstractContextManager[None]: ...


class _OpenedBackend(ABC):
    """What both back ends' test views do alike: open storages and keep them for closing, and
    read or write behind them through a connection of their own."""

    name: str

    def __init__(self, address: str | Path) -> None:
        self.address = address
        self.opened: list[Storage] = []

    async def open(
        self,
        hash_key: bytes | None,
        clock: Callable[[], datetime] = lambda: NOW,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> Storage:
        opened = await self.storage_class().open(
            self.address, hash_key, clock=clock, busy_timeout=busy_timeout
        )
        self.opened.append(opened)
        return opened

    def rows(self) -> dict[str, list[tuple[object, ...]]]:
        with self.connection() as conn:
            return {table: conn.execute(f"SELECT * FROM {table}").fetchall() for table in TABLES}

    def execute(self, *statements: str) -> None:
        with self.connection() as conn:
            for sql in statements:
                conn.execute(sql)

    @abstractmethod
    def storage_class(self) -> type[SQLiteStorage] | type[PostgresStorage]: ...

    @abstractmethod
    def connection(self) -> AbstractContextManager[Any]:
        """A connection that commits what was done on it when the block ends."""


class SQLiteBackend(_OpenedBackend):
    name = "sqlite"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.path = path

    def settings(self, hash_key: bytes | None) -> Settings:
        return Settings(db_path=self.path, user_hash_key=hash_key)

    def storage_class(self) -> type[SQLiteStorage]:
        return SQLiteStorage

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)  # as SQLiteStorage.open would
        with closing(sqlite3.connect(self.path)) as conn, conn:
            yield conn

    def layout(self) -> list[tuple[object, ...]]:
        """Each table and index with the statement that made it, blanks removed: SQLite keeps
        the statement's text (less any IF NOT EXISTS), so only its layout may differ."""
        with self.connection() as conn:
            found = conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
            )
            return [(*row[:3], row[3] and re.sub(r"\s+", "", row[3])) for row in found]

    @contextmanager
    def lock_held(self) -> Iterator[None]:
        """Another connection holding the write lock, as a second bot process would."""
        with closing(sqlite3.connect(self.path, isolation_level=None)) as conn:
            conn.execute("BEGIN EXCLUSIVE")
            try:
                yield
            finally:
                conn.rollback()


class PostgresBackend(_OpenedBackend):
    name = "postgres"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url

    def settings(self, hash_key: bytes | None) -> Settings:
        return Settings(database_url=self.url, user_hash_key=hash_key)

    def storage_class(self) -> type[PostgresStorage]:
        from bot.storage.postgres import PostgresStorage  # the driver is an optional extra

        return PostgresStorage

    def connection(self) -> AbstractContextManager[Any]:
        import psycopg

        return psycopg.connect(self.url)

    def layout(self) -> list[tuple[object, ...]]:
        """Every column with its type and collation, every constraint and every index."""
        with self.connection() as conn:
            return [
                *conn.execute(
                    "SELECT table_name, column_name, data_type, collation_name, is_nullable, "
                    "column_default, is_identity, identity_generation "
                    "FROM information_schema.columns WHERE table_schema = current_schema() "
                    "ORDER BY table_name, ordinal_position"
                ),
                *conn.execute(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                    "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace "
                    "ORDER BY 1, 2"
                ),
                *conn.execute(
                    "SELECT tablename, indexname, indexdef FROM pg_indexes "
                    "WHERE schemaname = current_schema() ORDER BY indexname"
                ),
            ]

    @contextmanager
    def lock_held(self) -> Iterator[None]:
        """Another session holding every table, as a long migration or a stuck replica would."""
        with self.connection() as conn:
            conn.execute(f"LOCK TABLE {', '.join(TABLES)} IN ACCESS EXCLUSIVE MODE")
            try:
                yield
            finally:
                conn.rollback()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return server_url()


async def close_all(backend: Backend) -> None:
    """Close what a test left open: an open pool would hang the event loop's shutdown, and an
    open connection would keep its schema from being dropped."""
    for opened in backend.opened:
        await opened.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        sqlite = SQLiteBackend(tmp_path / "data" / "coopbot.db")
        yield sqlite
        await close_all(sqlite)
        return
    with fresh_schema(request.getfixturevalue("postgres_url")) as url:
        postgres = PostgresBackend(url)
        yield postgres
        await close_all(postgres)


@pytest.fixture
async def postgres(postgres_url: str) -> AsyncIterator[PostgresBackend]:
    with fresh_schema(postgres_url) as url:
        backend = PostgresBackend(url)
        yield backend
        await close_all(backend)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
async def storage(backend: Backend, clock: FakeClock) -> AsyncIterator[Storage]:
    opened = await backend.open(KEY, clock)
    yield opened
    await opened.close()


@pytest.fixture
async def existing(backend: Backend) -> Backend:
    """The back end after a first open has created its tables."""
    await (await backend.open(None)).close()
    return backend


# --- the behaviour both back ends share ------------------------------------------------------------


async def test_language_round_trip(storage: Storage) -> None:
    assert await storage.get_language(USER) is None
    await storage.set_language(USER, "zh-Hant")
    await storage.set_language(USER, "en")
    assert await storage.get_language(USER) == "en"
    assert await storage.get_language(OTHER_USER) is None


async def test_languages_of_several_users_are_read_in_one_call(storage: BackEnd) -> None:
    await storage.set_language(USER, "zh-Hant")
    assert await storage.get_languages([USER, OTHER_USER, USER]) == {USER: "zh-Hant"}
    assert await storage.get_languages([]) == {}


async def test_language_survives_close_and_reopen_with_generated_key(backend: Backend) -> None:
    first = await backend.open(None)
    await first.set_language(USER, "zh-Hans")
    await first.close()
    second = await backend.open(None)
    assert await second.get_language(USER) == "zh-Hans"
    await second.close()


async def test_two_storages_opened_at_once_share_users_state(backend: Backend) -> None:
    # Two replicas starting together: they must agree on the generated key and see each other.
    first, second = await asyncio.gather(backend.open(None), backend.open(None))
    await first.set_language(USER, "zh-Hant")
    await first.add_feedback(USER, "cepa", up=True)
    await second.add_feedback(USER, "cepa", up=False)

    assert await second.get_language(USER) == "zh-Hant"
    assert (await first.stats()).feedback_by_entry == [("cepa", 0, 1)]
    await first.close()
    await second.close()


async def test_repeated_vote_replaces_the_users_earlier_vote(storage: Storage) -> None:
    await storage.add_feedback(USER, "gba-youth", up=True)
    await storage.add_feedback(USER, "gba-youth", up=False)
    await storage.add_feedback(OTHER_USER, "gba-youth", up=False)
    stats = await storage.stats()
    assert (stats.feedback_up, stats.feedback_down) == (0, 2)
    assert stats.feedback_by_entry == [("gba-youth", 0, 2)]


async def test_stats_counts_answers_feedback_and_declined(
    storage: Storage, clock: FakeClock
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


async def test_stats_break_ties_by_entry_id_byte_order(storage: Storage) -> None:
    # A locale-aware collation would put "b-x" before "B-y"; SQLite and "C" compare bytes.
    for entry in ["b-x", "B-y", "a"]:
        await storage.count_answer(entry)
    assert [entry for entry, _ in (await storage.stats()).top_answers] == ["B-y", "a", "b-x"]


async def test_user_ids_are_not_stored_in_clear(storage: Storage, backend: Backend) -> None:
    await storage.set_language(USER, "en")
    await storage.add_feedback(USER, "cepa", up=True)
    await storage.close()

    rows = backend.rows()
    values = [value for table in rows.values() for row in table for value in row]
    assert USER not in values
    assert not any(str(USER) in str(value) for value in values)
    assert rows["user_language"] and rows["feedback"]
    assert KEY.hex() not in values  # a key given by the caller stays out of the database


async def test_declined_text_is_cut_to_limit(storage: Storage) -> None:
    await storage.add_declined("問" * (MAX_DECLINED_CHARS + 500))
    [(text, _)] = (await storage.stats()).recent_declined
    assert text == "問" * MAX_DECLINED_CHARS


async def test_declined_text_that_no_database_can_store_is_kept_with_replacements(
    storage: Storage,
) -> None:
    await storage.add_declined("a\x00b\ud800c😀")
    [(text, _)] = (await storage.stats()).recent_declined
    assert text == "a\ufffdb\ufffdc😀"


async def test_purge_removes_old_feedback_and_declined_and_keeps_new(
    storage: Storage, clock: FakeClock
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


async def test_comments_after_a_vote_down_are_kept_with_their_entry_and_purged_by_age(
    storage: Storage, clock: FakeClock
) -> None:
    clock.now = NOW - timedelta(days=200)
    await storage.add_feedback_comment("cepa", "old wish")
    clock.now = NOW
    await storage.add_feedback_comment("cepa-zero-tariff", "tariff on wine\x00" + "x" * 2000)

    assert await storage.purge(older_than_days=180) == 1

    stats = await storage.stats()
    [(entry, text, written)] = stats.recent_comments
    assert (entry, written) == ("cepa-zero-tariff", "2025-06-01T12:00:00+00:00")
    assert text.startswith("tariff on wine\ufffd") and len(text) == MAX_DECLINED_CHARS
    assert stats.feedback_by_entry == []  # a comment is not a vote, and names no user


async def test_purge_keeps_answer_counts_and_languages(storage: Storage, clock: FakeClock) -> None:
    clock.now = NOW - timedelta(days=200)
    await storage.set_language(USER, "en")
    await storage.count_answer("cepa")
    clock.now = NOW

    assert await storage.purge(older_than_days=180) == 0

    assert await storage.get_language(USER) == "en"
    assert (await storage.stats()).top_answers == [("cepa", 1)]


async def test_forget_user_removes_only_that_users_rows(storage: Storage) -> None:
    for user in (USER, OTHER_USER):
        await storage.set_language(user, "en")
        await storage.add_feedback(user, "cepa", up=True)

    await storage.forget_user(USER)

    assert await storage.get_language(USER) is None
    assert await storage.get_language(OTHER_USER) == "en"
    assert (await storage.stats()).feedback_up == 1


async def test_locked_database_raises_storage_error_at_open(existing: Backend) -> None:
    with (
        existing.lock_held(),
        pytest.raises(StorageError, match="locked by another process") as caught,
    ):
        await existing.open(KEY, busy_timeout=0.05)
    assert database_label(existing.settings(KEY)) in str(caught.value)


async def test_failed_write_raises_storage_error(backend: Backend) -> None:
    opened = await backend.open(KEY, busy_timeout=0.05)
    with (
        backend.lock_held(),
        pytest.raises(StorageError, match=r"counting an answer failed: .*locked"),
    ):
        await opened.count_answer("cepa")
    await opened.close()


async def test_newer_schema_version_is_refused(existing: Backend) -> None:
    existing.execute(
        f"UPDATE settings SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'"
    )
    with pytest.raises(StorageError, match="newer than this bot"):
        await existing.open(KEY)


async def test_committed_write_survives_crash_without_close(backend: Backend) -> None:
    # A real crash: the child process writes, then dies without close or atexit.
    settings = backend.settings(KEY)
    script = textwrap.dedent(
        f"""
        import asyncio, os
        from pathlib import Path
        from bot.config import Settings
        from bot.storage import open_storage

        async def main():
            settings = Settings(
                db_path=Path({str(settings.db_path)!r}),
                database_url={settings.database_url!r},
                user_hash_key={KEY!r},
            )
            storage = await open_storage(settings)
            await storage.set_language({USER}, "en")
            await storage.count_answer("cepa")
            os._exit(0)

        asyncio.run(main())
        """
    )
    subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, check=True, timeout=30)

    reopened = await backend.open(KEY)
    assert await reopened.get_language(USER) == "en"
    assert (await reopened.stats()).top_answers == [("cepa", 1)]
    await reopened.close()


async def test_close_waits_for_pending_writes(backend: Backend) -> None:
    opened = await backend.open(KEY)
    pending = [asyncio.create_task(opened.count_answer("cepa")) for _ in range(20)]
    await asyncio.sleep(0)  # let the tasks submit their writes
    await opened.close()
    await asyncio.gather(*pending)

    reopened = await backend.open(KEY)
    assert (await reopened.stats()).top_answers == [("cepa", 20)]
    await reopened.close()


async def test_calls_after_close_raise_storage_error(storage: Storage) -> None:
    await storage.close()
    with pytest.raises(StorageError, match="closed"):
        await storage.count_answer("cepa")


async def test_open_storage_opens_the_back_end_the_settings_name(backend: Backend) -> None:
    opened = await open_storage(backend.settings(KEY))
    await opened.set_language(USER, "zh-Hant")
    await opened.close()

    reopened = await backend.open(KEY)
    assert await reopened.get_language(USER) == "zh-Hant"
    await reopened.close()


# --- migrations: a database made by an earlier bot is brought up to date -------------------------

#: The schema of version 1, exactly as the bot created it before migrations were numbered: frozen
#: here, as databases made with it must open with every later bot.
VERSION_1_SCHEMA = {
    "sqlite": [
        "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE IF NOT EXISTS user_language (
        user_hash TEXT PRIMARY KEY,
        lang TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS feedback (
        user_hash TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        up INTEGER NOT NULL CHECK (up IN (0, 1)),
        voted_at TEXT NOT NULL,
        PRIMARY KEY (user_hash, entry_id))""",
        "CREATE INDEX IF NOT EXISTS feedback_voted_at ON feedback (voted_at)",
        """CREATE TABLE IF NOT EXISTS declined (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        asked_at TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS declined_asked_at ON declined (asked_at)",
        """CREATE TABLE IF NOT EXISTS answer_count (
        entry_id TEXT PRIMARY KEY,
        count INTEGER NOT NULL)""",
    ],
    "postgres": [
        'CREATE TABLE IF NOT EXISTS settings (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL)',
        """CREATE TABLE IF NOT EXISTS user_language (
        user_hash TEXT COLLATE "C" PRIMARY KEY,
        lang TEXT NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS feedback (
        user_hash TEXT COLLATE "C" NOT NULL,
        entry_id TEXT COLLATE "C" NOT NULL,
        up INTEGER NOT NULL CHECK (up IN (0, 1)),
        voted_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (user_hash, entry_id))""",
        "CREATE INDEX IF NOT EXISTS feedback_voted_at ON feedback (voted_at)",
        """CREATE TABLE IF NOT EXISTS declined (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        text TEXT NOT NULL,
        asked_at TEXT COLLATE "C" NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS declined_asked_at ON declined (asked_at)",
        """CREATE TABLE IF NOT EXISTS answer_count (
        entry_id TEXT COLLATE "C" PRIMARY KEY,
        count BIGINT NOT NULL)""",
    ],
}


def user_hash(user_id: int) -> str:
    """How version 1 stored a user id (keyed with KEY)."""
    return hmac.new(KEY, str(user_id).encode("ascii"), hashlib.sha256).hexdigest()


def version_1_rows() -> list[str]:
    """Some of everything a version-1 bot stored, its generated hash key (KEY) among them."""
    earlier = "2025-05-01T08:00:00+00:00"
    return [
        f"INSERT INTO settings (key, value) VALUES ('schema_version', '1'), "
        f"('user_hash_key', '{KEY.hex()}')",
        f"INSERT INTO user_language VALUES ('{user_hash(USER)}', 'zh-Hant', '{earlier}')",
        f"INSERT INTO feedback VALUES ('{user_hash(USER)}', 'cepa', 1, '{earlier}'), "
        f"('{user_hash(OTHER_USER)}', 'cepa', 0, '{earlier}')",
        f"INSERT INTO declined (text, asked_at) VALUES ('Will it rain?', '{earlier}')",
        "INSERT INTO answer_count VALUES ('cepa', 3), ('gba-youth', 1)",
    ]


#: The next version after this bot's, for the steps the tests plant.
NEXT = SCHEMA_VERSION + 1
ADD_COLUMN = Migration(
    NEXT, ("ALTER TABLE answer_count ADD COLUMN first_answered_at {sortable_text}",)
)


def plant(monkeypatch: pytest.MonkeyPatch, *steps: Migration) -> None:
    """Migrations as if a later bot had added `steps` to the list."""
    monkeypatch.setattr(schema, "MIGRATIONS", (*MIGRATIONS, *steps))


def settings_of(backend: Backend) -> dict[object, object]:
    return dict(backend.rows()["settings"])


def data_of(backend: Backend) -> dict[str, list[tuple[object, ...]]]:
    rows = backend.rows()
    return {table: sorted(rows[table], key=repr) for table in DATA_TABLES}


@pytest.fixture
def version_1(backend: Backend) -> Backend:
    """The back end holding a database of version 1, made as the bot made it then."""
    backend.execute(*VERSION_1_SCHEMA[backend.name], *version_1_rows())
    return backend


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    assert [step.version for step in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert len(MIGRATIONS) == SCHEMA_VERSION


async def test_migration_1_creates_exactly_the_schema_of_version_1(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[:1])
    await (await backend.open(KEY)).close()
    migrated = backend.layout()

    backend.execute(*(f"DROP TABLE {table}" for table in TABLES))
    backend.execute(*VERSION_1_SCHEMA[backend.name])

    assert migrated == backend.layout()


async def test_version_1_database_keeps_its_rows_and_is_brought_to_this_version(
    version_1: Backend,
) -> None:
    before = data_of(version_1)

    opened = await version_1.open(None)  # the key kept in the database
    assert await opened.get_language(USER) == "zh-Hant"
    await opened.close()

    assert settings_of(version_1)["schema_version"] == str(SCHEMA_VERSION)
    assert data_of(version_1) == before


async def test_planted_step_upgrades_version_1_database_in_one_open(
    version_1: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = data_of(version_1)
    plant(monkeypatch, ADD_COLUMN)

    await (await version_1.open(None)).close()

    assert settings_of(version_1)["schema_version"] == str(NEXT)
    assert data_of(version_1) == {
        **before,
        "answer_count": [(*row, None) for row in before["answer_count"]],  # the new column
    }


async def test_storages_opened_at_once_apply_a_step_once(
    version_1: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Adding the same column twice would fail: replicas must take turns, the later ones seeing
    # the step already done.
    plant(monkeypatch, ADD_COLUMN)

    # Every open finishes (and is closed after the test) even when one fails.
    opened = await asyncio.gather(*(version_1.open(None) for _ in range(4)), return_exceptions=True)

    assert [result for result in opened if isinstance(result, BaseException)] == []
    assert settings_of(version_1)["schema_version"] == str(NEXT)


async def test_failed_step_is_undone_whole_and_the_steps_before_it_kept(
    version_1: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = Migration(NEXT + 1, ("ALTER TABLE declined ADD COLUMN source TEXT", "NOT SQL"))
    plant(monkeypatch, ADD_COLUMN, broken)

    with pytest.raises(StorageError, match="cannot open"):
        await version_1.open(None)

    rows = version_1.rows()
    assert settings_of(version_1)["schema_version"] == str(NEXT)
    assert sorted(rows["answer_count"]) == [("cepa", 3, None), ("gba-youth", 1, None)]
    assert [len(row) for row in rows["declined"]] == [3]  # no column `source`


# --- the inbox (migration 2): updates kept from arrival to answer, both back ends ------------------


def updates(*ids: int) -> list[tuple[int, str]]:
    return [(i, f'{{"update_id": {i}, "message": {{"text": "question {i}"}}}}') for i in ids]


async def test_inbox_keeps_updates_until_they_are_handled(storage: BackEnd) -> None:
    assert await storage.inbox_add("host-a", updates(3, 1, 2)) == set()
    await storage.inbox_done([2])
    pending = await storage.inbox_pending("host-a", 10)
    assert [uid for uid, _ in pending] == [1, 3]  # oldest first
    assert "question 1" in pending[0][1]


async def test_inbox_recognises_a_replay_of_a_handled_update(storage: BackEnd) -> None:
    await storage.inbox_add("host-a", updates(1, 2))
    await storage.inbox_done([1])
    # Telegram sends 1 and 2 again (the offset was never confirmed): 1 was answered.
    assert await storage.inbox_add("host-a", updates(1, 2, 3)) == {1}
    assert [uid for uid, _ in await storage.inbox_pending("host-a", 10)] == [2, 3]


async def test_a_handled_update_keeps_no_text(storage: BackEnd, backend: Backend) -> None:
    await storage.inbox_add("host-a", updates(7))
    await storage.inbox_done([7])
    with backend.connection() as conn:
        assert conn.execute("SELECT body FROM inbox").fetchall() == [("",)]


async def test_inbox_gives_each_process_its_own_and_stale_ones_to_anyone(
    storage: BackEnd, clock: FakeClock
) -> None:
    await storage.inbox_add("host-a", updates(1))
    clock.now = NOW + timedelta(minutes=5)
    await storage.inbox_add("host-b", updates(2))
    assert [u for u, _ in await storage.inbox_pending("host-b", 10)] == [2]
    taken = await storage.inbox_pending("host-b", 10, stale_after=timedelta(minutes=2))
    assert [u for u, _ in taken] == [1, 2]  # host-a's, left for 5 minutes, taken over
    assert await storage.inbox_pending("host-a", 10) == []


async def test_purge_forgets_handled_updates_after_a_day_and_keeps_pending_ones(
    storage: BackEnd, clock: FakeClock
) -> None:
    await storage.inbox_add("host-a", updates(1, 2))
    await storage.inbox_done([1])
    clock.now = NOW + timedelta(days=2)
    await storage.purge(180)
    assert await storage.inbox_add("host-a", updates(1)) == set()  # forgotten: new again
    assert [u for u, _ in await storage.inbox_pending("host-a", 10)] == [1, 2]


async def test_writes_gathered_from_several_calls_go_in_one_transaction(
    storage: BackEnd,
) -> None:
    statements = [
        *storage.statements("set_language", USER, "zh-Hans"),
        *storage.statements("count_answer", "cepa"),
        *storage.statements("count_answer", "cepa"),
    ]
    await storage.write_behind("writing 3 changes", statements)
    assert await storage.get_language(USER) == "zh-Hans"
    assert (await storage.stats()).top_answers == [("cepa", 2)]


async def test_probe_writes_and_fails_on_a_database_that_cannot_be_written(
    backend: Backend,
) -> None:
    opened = await backend.open(KEY)
    await opened.probe("host-a")
    backend.execute("DROP TABLE settings")
    with pytest.raises(StorageError, match="checking the database is writable failed"):
        await opened.probe("host-a")


async def test_sqlite_probe_notices_the_file_was_deleted(tmp_path: Path) -> None:
    path = tmp_path / "coopbot.db"
    opened = await SQLiteStorage.open(path, KEY)
    try:
        path.unlink()
        with pytest.raises(StorageError, match="the database file is gone"):
            await opened.probe("host-a")
    finally:
        await opened.close()


# --- SQLite only: the file -------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "coopbot.db"


@pytest.fixture
async def existing_db(db_path: Path) -> Path:
    await (await SQLiteStorage.open(db_path)).close()
    return db_path


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


async def test_two_openers_of_a_new_file_at_once_both_succeed(tmp_path: Path) -> None:
    """SQLite reports "locked" at once, bypassing its busy timeout, to the second of two
    connections that create the same new file together: opening retries until the timeout."""

    async def open_and_close(path: Path) -> None:
        await (await SQLiteStorage.open(path)).close()

    for round_ in range(100):
        path = tmp_path / f"new-{round_}.db"
        await asyncio.gather(open_and_close(path), open_and_close(path))


async def test_lock_message_says_how_long_it_waited(existing: Backend) -> None:
    with existing.lock_held(), pytest.raises(StorageError, match=r"waited 0\.[0-9] s"):
        await existing.open(KEY, busy_timeout=0.2)


async def test_wal_mode_is_on(existing_db: Path) -> None:
    with closing(sqlite3.connect(existing_db)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


# --- PostgreSQL only: the URL and the server -------------------------------------------------------

PASSWORD = "s3cret-Pa55"


def refused_url(password: str = PASSWORD) -> str:
    """A URL on a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql://coopbot:{password}@127.0.0.1:{port}/coopbot"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (f"mysql://coopbot:{PASSWORD}@db/coopbot", "must start with postgresql://, not mysql://"),
        (f"coopbot:{PASSWORD}@db/coopbot", "must start with postgresql://$"),
        (f"postgresql://coopbot:{PASSWORD}@db:54x/coopbot", "port must be a number"),
        (f"postgresql://coopbot:{PASSWORD}%zz@db/coopbot", "% must be followed by two hex"),
    ],
)
async def test_bad_url_is_refused_in_one_line_without_the_password(url: str, problem: str) -> None:
    with pytest.raises(StorageError, match=problem) as caught:
        await open_storage(Settings(database_url=url))
    assert str(caught.value).startswith("COOPBOT_DATABASE_URL is not a usable PostgreSQL URL: ")
    assert PASSWORD not in str(caught.value)
    assert "\n" not in str(caught.value)


async def test_url_libpq_refuses_is_reported_without_the_password() -> None:
    require_driver()
    url = f"postgresql://coopbot:{PASSWORD}@db/coopbot?password={PASSWORD}&bogus=1"
    with pytest.raises(StorageError, match="invalid URI query parameter") as caught:
        await open_storage(Settings(database_url=url))
    assert PASSWORD not in str(caught.value)


async def test_missing_driver_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # makes `import psycopg` fail
    monkeypatch.delitem(sys.modules, "bot.storage.postgres", raising=False)
    with pytest.raises(StorageError, match=r"pip install 'coopbot\[postgres\]'"):
        await open_storage(Settings(database_url=refused_url()))


def test_database_label_names_the_database_without_the_password() -> None:
    url = f"postgresql://coopbot:{PASSWORD}@db.internal:5433/coopbot?sslmode=require"
    assert (
        database_label(Settings(database_url=url))
        == "postgresql://coopbot@db.internal:5433/coopbot"
    )


async def test_refused_connection_is_one_line_naming_the_server() -> None:
    require_driver()
    url = refused_url()
    with pytest.raises(StorageError, match="cannot connect: connection refused") as caught:
        await open_storage(Settings(database_url=url))
    message = str(caught.value)
    assert message.startswith(database_label(Settings(database_url=url)) + ": ")
    assert PASSWORD not in message
    assert "\n" not in message


async def test_wrong_password_is_an_authentication_failure_without_the_password(
    postgres_url: str,
) -> None:
    url = with_password(postgres_url, PASSWORD)
    with pytest.raises(StorageError, match="cannot connect: authentication failed") as caught:
        await open_storage(Settings(database_url=url))
    assert PASSWORD not in str(caught.value)


async def test_storage_reconnects_after_the_server_drops_its_connections(
    postgres: PostgresBackend,
) -> None:
    opened = await postgres.open(KEY)
    await opened.set_language(USER, "en")
    # What a database restart or fail-over does to every open connection.
    postgres.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE usename = current_user AND datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )
    assert await opened.get_language(USER) == "en"
    await opened.close()


# --- the test set-up itself: PostgreSQL missing in CI is a failure, elsewhere a skip ----------------


def test_missing_postgres_fails_where_ci_requires_it() -> None:
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is required here"):
        unavailable("no server", {"CI": "true", "COOPBOT_REQUIRE_POSTGRES": "1"})


def test_missing_postgres_skips_with_the_reason_elsewhere() -> None:
    with pytest.raises(pytest.skip.Exception, match="skipped: no server; set COOPBOT_TEST_"):
        unavailable("no server", {"CI": "true"})

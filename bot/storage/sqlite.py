"""The SQLite implementation of `Storage`: a file, the embedded default for one process.

Durability: WAL journal, every write in its own ``BEGIN IMMEDIATE`` transaction, and
``synchronous=NORMAL``: a committed write survives the bot crashing or being killed, and the file
is never corrupted; only a power cut or OS crash can lose the last few commits. That is acceptable
for feedback and counters, and FULL would add an fsync to every vote. All SQLite calls run on one
dedicated worker thread that owns the connection, so the event loop never blocks on disk or locks.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from bot.storage.base import (
    ADD_HASH_KEY,
    DEFAULT_BUSY_TIMEOUT,
    READ_SETTING,
    WRITE_SCHEMA_VERSION,
    BackEnd,
    Rows,
    Statement,
    StorageError,
    check_hash_key,
    failed,
    locked,
    new_hash_key,
    utc_now,
)
from bot.storage.schema import SQLITE, next_migration

T = TypeVar("T")


class SQLiteStorage(BackEnd):
    """The SQLite implementation of `Storage`; create it with `SQLiteStorage.open`."""

    def __init__(
        self,
        path: Path,
        executor: ThreadPoolExecutor,
        conn: sqlite3.Connection,
        hash_key: bytes,
        busy_timeout: float,
        clock: Callable[[], datetime],
    ) -> None:
        """Wrap an open connection; `open` is the way in, as the connection must be made on
        the executor's thread."""
        super().__init__(str(path), hash_key, clock)
        self._path = path
        opened = path.stat()
        self._identity = (opened.st_dev, opened.st_ino)
        self._executor = executor
        self._conn = conn
        self._busy_timeout = busy_timeout

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        hash_key: bytes | None = None,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: Callable[[], datetime] = utc_now,
    ) -> SQLiteStorage:
        """Open (creating if needed) the database at `path` and bring its schema up to date.

        `hash_key` keys the user-id hash; None means use (or create) the key kept in the file,
        see bot/storage/base.py. `clock` must return timezone-aware datetimes; tests pass a
        fake one to write rows in the past. Raises StorageError when the file cannot be used.
        """
        check_hash_key(hash_key)
        db_path = Path(path)
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coopbot-sqlite")
        try:
            conn, key = await asyncio.get_running_loop().run_in_executor(
                executor, _connect, db_path, hash_key, busy_timeout
            )
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(db_path, executor, conn, key, busy_timeout, clock)

    async def _release(self) -> None:
        """Finish the writes already submitted, fold the WAL into the main file and close."""
        try:
            # Queued behind every call already submitted: the worker runs them in order.
            await asyncio.get_running_loop().run_in_executor(
                self._executor, _checkpoint_and_close, self._conn
            )
        except sqlite3.Error as exc:
            problem = _problem(exc, self._busy_timeout)
            raise StorageError(f"{self._name}: closing failed: {problem}") from exc
        finally:
            self._executor.shutdown(wait=True)

    async def _write(self, action: str, *statements: Statement) -> int:
        def write(conn: sqlite3.Connection) -> int:
            with _transaction(conn):
                return sum(conn.execute(sql, params).rowcount for sql, params in statements)

        return await self._run(action, write)

    async def _write_then_read(
        self, action: str, statements: list[Statement], query: Statement
    ) -> Rows:
        def write(conn: sqlite3.Connection) -> Rows:
            with _transaction(conn):
                conn.executemany(statements[0][0], [params for _sql, params in statements])
                return conn.execute(*query).fetchall()

        if len({sql for sql, _params in statements}) != 1:
            raise ValueError("_write_then_read takes statements of one SQL text")
        return await self._run(action, write)

    async def _read(self, action: str, *queries: Statement) -> list[Rows]:
        def read(conn: sqlite3.Connection) -> list[Rows]:
            with _transaction(conn, "DEFERRED"):
                return [conn.execute(sql, params).fetchall() for sql, params in queries]

        return await self._run(action, read)

    async def probe(self, owner: str) -> None:
        """A real write, after checking that the file is still the one opened: SQLite writes on
        happily into a file deleted or replaced under it, and every write would then be lost."""
        try:
            now = self._path.stat()
        except OSError as exc:
            problem = f"the database file is gone ({exc.strerror or exc})"
            raise failed(self._name, "checking the database is writable", problem) from None
        if (now.st_dev, now.st_ino) != self._identity:
            problem = "the database file was replaced since the bot opened it"
            raise failed(self._name, "checking the database is writable", problem)
        await super().probe(owner)

    async def _run(self, action: str, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` on the connection's thread; SQLite errors become StorageError."""
        if self._closed:
            raise failed(self._name, action, "storage is closed")
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._executor, work, self._conn
            )
        except sqlite3.Error as exc:
            raise failed(self._name, action, _problem(exc, self._busy_timeout)) from exc


@contextmanager
def _transaction(conn: sqlite3.Connection, mode: str = "IMMEDIATE") -> Iterator[None]:
    """An explicit transaction; IMMEDIATE takes the write lock up front, so a busy database
    fails at BEGIN after the busy timeout instead of half-way through."""
    conn.execute(f"BEGIN {mode}")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full).
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _connect(
    path: Path, hash_key: bytes | None, busy_timeout: float
) -> tuple[sqlite3.Connection, bytes]:
    """Open the database on the worker thread and prepare it; return it with the hash key.

    SQLite answers "locked" at once, without calling its busy handler, to a second process that
    switches a new file to WAL or reads its schema while the first is still creating it: so the
    whole opening is retried, with short random pauses, until `busy_timeout` has passed.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"{path}: cannot create directory {path.parent}: {exc.strerror or exc}"
        ) from exc
    # Checked by hand because root (common in containers) can write to a file marked read-only,
    # and an operator who marked it so does not want it written.
    if path.is_file() and stat.S_IMODE(path.stat().st_mode) & 0o222 == 0:
        raise StorageError(f"{path}: cannot open: the file is read-only")
    started = time.monotonic()
    while True:
        try:
            return _connect_once(path, hash_key, busy_timeout)
        except sqlite3.Error as exc:
            waited = time.monotonic() - started
            if _busy(exc) and waited < busy_timeout:
                time.sleep(random.uniform(0.005, 0.05))
                continue
            raise StorageError(f"{path}: cannot open: {_problem(exc, waited)}") from exc


def _connect_once(
    path: Path, hash_key: bytes | None, busy_timeout: float
) -> tuple[sqlite3.Connection, bytes]:
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode != "wal":
            raise StorageError(f"{path}: cannot open: WAL journal mode unavailable (got {mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
        key = _prepare(conn, path, hash_key)
    except BaseException:
        conn.close()
        raise
    return conn, key


def _prepare(conn: sqlite3.Connection, path: Path, hash_key: bytes | None) -> bytes:
    """Apply the migrations the file lacks, each in its own transaction (bot/storage/schema.py),
    and return the hash key, refusing a file of a newer bot.

    The write lock (BEGIN IMMEDIATE) keeps another process from migrating at the same time; each
    transaction reads the version again under it. The last one writes schema_version although it
    is unchanged: deliberate, it makes a file SQLite opened read-only (owned by someone else,
    read-only file system) fail here rather than at the first vote.
    """
    while True:
        with _transaction(conn):
            version = _schema_version(conn)
            step = next_migration(str(path), version)
            if step is None:
                conn.execute(WRITE_SCHEMA_VERSION, (str(version),))
                if hash_key is not None:
                    return hash_key
                conn.execute(ADD_HASH_KEY, (new_hash_key(),))
                return bytes.fromhex(conn.execute(READ_SETTING, ("user_hash_key",)).fetchone()[0])
            for statement in step.sql(SQLITE):
                conn.execute(statement)
            conn.execute(WRITE_SCHEMA_VERSION, (str(step.version),))


def _schema_version(conn: sqlite3.Connection) -> int:
    """The migrations the file has had: 0 when it is new."""
    if conn.execute(SQLITE.settings_exist).fetchone() is None:
        return 0
    row = conn.execute(READ_SETTING, ("schema_version",)).fetchone()
    return 0 if row is None else int(row[0])


def _checkpoint_and_close(conn: sqlite3.Connection) -> None:
    """Fold the WAL into the main file first, so a copy of the .db file alone is complete."""
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


_PROBLEMS = {
    sqlite3.SQLITE_NOTADB: "not a SQLite database (corrupt, or some other kind of file)",
    sqlite3.SQLITE_CORRUPT: "the database is corrupt",
    sqlite3.SQLITE_READONLY: "the file or its directory is read-only",
    sqlite3.SQLITE_CANTOPEN: "cannot open the file (a directory, or no permission?)",
    sqlite3.SQLITE_PERM: "permission denied",
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_IOERR: "input/output error",
}


def _busy(exc: sqlite3.Error) -> bool:
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF  # primary code of an extended one
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _problem(exc: sqlite3.Error, waited: float) -> str:
    """One line saying what went wrong, in words an operator can act on; `waited` is how long
    the lock was waited for, had the database been locked."""
    if _busy(exc):
        return locked(waited)
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    problem = _PROBLEMS.get(code)
    detail = " ".join(str(exc).split())
    return detail if problem is None else f"{problem} [{detail}]"

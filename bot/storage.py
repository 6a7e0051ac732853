"""Persistent state of the bot: language choices, feedback, declined questions, answer counts.

Two back ends keep the same tables with the same meaning: `SQLiteStorage`, a file, the embedded
default for one process; and `PostgresStorage` (bot/storage_pg.py, the `postgres` extra), for two
or more replicas sharing their users' state. `open_storage` picks one from the settings. What
they share, every call as SQL over those tables and the wording of their errors, is written once
in `BackEnd`: each back end adds only how it opens, runs statements and closes.

Schema (``settings.schema_version`` says which layout a database has)::

    settings       (key PRIMARY KEY, value)                  -- schema_version, user_hash_key
    user_language  (user_hash PRIMARY KEY, lang, updated_at)
    feedback       (user_hash, entry_id, up, voted_at, PRIMARY KEY (user_hash, entry_id))
    declined       (id PRIMARY KEY, text, asked_at)          -- not linked to any user
    answer_count   (entry_id PRIMARY KEY, count)

Times are UTC ISO 8601 text with whole seconds (``2025-01-31T12:00:00+00:00``), so they compare
and sort correctly as text and stay readable in the ``sqlite3`` shell.

Privacy: no names, usernames or chat ids are stored. A Telegram user id appears only as
``HMAC-SHA256(key, str(user_id))`` in hex, enough to find a user's language choice again and to
let a repeated vote replace the earlier one. The key should come from the caller
(``COOPBOT_USER_HASH_KEY``): kept outside the file, it means a copied database cannot be linked to
Telegram accounts. Without a key, a random one is generated on first use and kept in
``settings``: zero configuration and stable across restarts, but whoever has the file has the key,
and Telegram ids are few enough (about 10**10) to be recovered by trying them all, so the hash then
only keeps ids from being read at a glance. Changing the key (or going from a generated key to a
configured one) orphans the earlier rows: those users see the default language again, and their
old votes can no longer be replaced or forgotten, only purged by age. Declined questions are kept
without any user link, but their text is whatever the user typed, which is why it is purged.

Retention: ``purge(days)`` deletes declined questions and feedback older than ``days``. Answer
counts (aggregates, no user link) and language choices (needed to serve the user) are kept; a user
can delete theirs with ``forget_user``, which removes every row keyed by their hash.

Durability of SQLite: WAL journal, every write in its own ``BEGIN IMMEDIATE`` transaction, and
``synchronous=NORMAL``: a committed write survives the bot crashing or being killed, and the file
is never corrupted; only a power cut or OS crash can lose the last few commits. That is acceptable
for feedback and counters, and FULL would add an fsync to every vote. All SQLite calls run on one
dedicated worker thread that owns the connection, so the event loop never blocks on disk or locks.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import random
import re
import secrets
import sqlite3
import stat
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import unquote

if TYPE_CHECKING:
    from bot.config import Settings

SCHEMA_VERSION = 1
#: Declined questions are kept to improve the knowledge base; a longer text adds nothing to that.
MAX_DECLINED_CHARS = 1000
#: Seconds to wait for another writer's lock before giving up (at open and for each call).
DEFAULT_BUSY_TIMEOUT = 5.0

T = TypeVar("T")
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")

_SETTINGS_TABLE = "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_TABLES = (
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
)

# The statements both back ends run, in SQLite's "?" style (PostgresStorage turns each "?" into
# psycopg's "%s"); only the tables' definitions differ between them.
READ_SETTING = "SELECT value FROM settings WHERE key = ?"
WRITE_SCHEMA_VERSION = (
    "INSERT INTO settings (key, value) VALUES ('schema_version', ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
ADD_HASH_KEY = (
    "INSERT INTO settings (key, value) VALUES ('user_hash_key', ?) ON CONFLICT (key) DO NOTHING"
)
_GET_LANGUAGE = "SELECT lang FROM user_language WHERE user_hash = ?"
_SET_LANGUAGE = (
    "INSERT INTO user_language (user_hash, lang, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT (user_hash) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at"
)
_ADD_FEEDBACK = (
    "INSERT INTO feedback (user_hash, entry_id, up, voted_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (user_hash, entry_id) DO UPDATE SET up = excluded.up, voted_at = excluded.voted_at"
)
_ADD_DECLINED = "INSERT INTO declined (text, asked_at) VALUES (?, ?)"
_COUNT_ANSWER = (
    "INSERT INTO answer_count (entry_id, count) VALUES (?, 1) "
    "ON CONFLICT (entry_id) DO UPDATE SET count = answer_count.count + 1"
)
_TOP_ANSWERS = "SELECT entry_id, count FROM answer_count ORDER BY count DESC, entry_id LIMIT ?"
_RECENT_DECLINED = "SELECT text, asked_at FROM declined ORDER BY asked_at DESC, id DESC LIMIT ?"
_FEEDBACK_TOTALS = "SELECT COALESCE(SUM(up), 0), COALESCE(SUM(1 - up), 0) FROM feedback"
_FEEDBACK_BY_ENTRY = (
    "SELECT entry_id, SUM(up), SUM(1 - up) FROM feedback GROUP BY entry_id "
    "ORDER BY COUNT(*) DESC, entry_id LIMIT ?"
)
_PURGE_DECLINED = "DELETE FROM declined WHERE asked_at < ?"
_PURGE_FEEDBACK = "DELETE FROM feedback WHERE voted_at < ?"
_FORGET_LANGUAGE = "DELETE FROM user_language WHERE user_hash = ?"
_FORGET_FEEDBACK = "DELETE FROM feedback WHERE user_hash = ?"

#: One SQL statement with its parameters.
Statement = tuple[str, tuple[object, ...]]
#: What a query returned, as each driver gives it (the types the columns declare).
Rows = list[tuple[Any, ...]]


class StorageError(Exception):
    """Storage failed. The message is one line naming the file or database and the problem, fit
    for a log, and never holding a password.

    Callers log it and carry on (the user still gets an answer), so no traceback is needed.
    """


@dataclass(frozen=True)
class Stats:
    """What the operators look at: what is asked, what is declined, what users think."""

    top_answers: list[tuple[str, int]]
    """(entry id, times answered), most answered first."""
    recent_declined: list[tuple[str, str]]
    """(question text, ISO time asked), newest first."""
    feedback_up: int
    feedback_down: int
    feedback_by_entry: list[tuple[str, int, int]]
    """(entry id, up votes, down votes), most voted first."""


class Storage(Protocol):
    """What the handlers need from storage, so a PostgreSQL class can stand in for SQLite.

    Opening is not part of it: each backend is opened from its own kind of address.
    """

    async def get_language(self, user_id: int) -> str | None: ...
    async def set_language(self, user_id: int, lang: str) -> None: ...
    async def add_feedback(self, user_id: int, entry_id: str, up: bool) -> None: ...
    async def add_declined(self, text: str) -> None: ...
    async def count_answer(self, entry_id: str) -> None: ...
    async def stats(self, limit: int = 10) -> Stats: ...
    async def purge(self, older_than_days: int) -> int: ...
    async def forget_user(self, user_id: int) -> None: ...
    async def close(self) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_hash_key(hash_key: bytes | None) -> None:
    """An empty key would hash every user id with no secret at all: refuse it outright."""
    if hash_key is not None and not hash_key:
        raise ValueError("hash_key must not be empty; pass None to use a generated key")


def check_schema_version(name: str, stored: object | None) -> None:
    """Refuse a database written by a newer bot, whose tables this one may not understand."""
    if stored is not None and int(str(stored)) > SCHEMA_VERSION:
        raise StorageError(
            f"{name}: cannot open: schema version {stored} is newer than this bot's "
            f"({SCHEMA_VERSION}); upgrade the bot"
        )


def new_hash_key() -> str:
    """A generated key, as kept in ``settings`` (trade-off in the module docstring)."""
    return secrets.token_bytes(32).hex()


def failed(name: str, action: str, problem: str) -> StorageError:
    """The one error both back ends raise for a call, worded alike so logs read the same."""
    return StorageError(f"{name}: {action} failed: {problem}")


def locked(waited: float) -> str:
    """Another writer held the lock for as long as we waited, in either back end."""
    return f"the database is locked by another process (waited {waited:.1f} s)"


class BackEnd(ABC):
    """Every `Storage` call as SQL over the shared tables, written once for both back ends.

    A back end supplies only how to run statements: `_write` in one write transaction, `_read`
    from one snapshot. Rows are keyed and timed here, so both store exactly the same values.
    """

    def __init__(self, name: str, hash_key: bytes, clock: Callable[[], datetime]) -> None:
        self._name = name
        self._hash_key = hash_key
        self._clock = clock
        self._closed = False

    @abstractmethod
    async def _write(self, action: str, *statements: Statement) -> int:
        """Run `statements` in one transaction; the number of rows they changed."""

    @abstractmethod
    async def _read(self, action: str, *queries: Statement) -> list[Rows]:
        """The rows of each of `queries`, all from the same snapshot."""

    @abstractmethod
    async def _release(self) -> None:
        """Let the calls already made finish, then let go of the database."""

    async def get_language(self, user_id: int) -> str | None:
        """The language the user chose, or None if they never chose one."""
        [rows] = await self._read("reading the language", (_GET_LANGUAGE, (self._hash(user_id),)))
        return str(rows[0][0]) if rows else None

    async def set_language(self, user_id: int, lang: str) -> None:
        """Remember the user's language choice, replacing any earlier one."""
        row = (self._hash(user_id), lang, self._now())
        await self._write("saving the language", (_SET_LANGUAGE, row))

    async def add_feedback(self, user_id: int, entry_id: str, up: bool) -> None:
        """Record a vote on an entry; a user's new vote on the same entry replaces the old one,
        so pressing the button twice (or on two replicas) does not count twice."""
        row = (self._hash(user_id), entry_id, int(up), self._now())
        await self._write("saving feedback", (_ADD_FEEDBACK, row))

    async def add_declined(self, text: str) -> None:
        """Keep a question the bot declined, cut to MAX_DECLINED_CHARS and linked to no user."""
        row = (_storable_text(text), self._now())
        await self._write("saving a declined question", (_ADD_DECLINED, row))

    async def count_answer(self, entry_id: str) -> None:
        """Add one to the number of times the entry was given as an answer."""
        await self._write("counting an answer", (_COUNT_ANSWER, (entry_id,)))

    async def stats(self, limit: int = 10) -> Stats:
        """Summary for operators; each list holds at most `limit` items."""
        top, declined, totals, by_entry = await self._read(
            "reading stats",
            (_TOP_ANSWERS, (limit,)),
            (_RECENT_DECLINED, (limit,)),
            (_FEEDBACK_TOTALS, ()),
            (_FEEDBACK_BY_ENTRY, (limit,)),
        )
        [(up, down)] = totals
        return Stats(
            top_answers=[(str(entry), int(count)) for entry, count in top],
            recent_declined=[(str(text), str(asked_at)) for text, asked_at in declined],
            feedback_up=int(up),
            feedback_down=int(down),
            feedback_by_entry=[
                (str(entry), int(ups), int(downs)) for entry, ups, downs in by_entry
            ],
        )

    async def purge(self, older_than_days: int) -> int:
        """Delete declined questions and feedback older than `older_than_days`; return how many
        rows went. Answer counts and language choices are kept (see the module docstring)."""
        if older_than_days < 0:
            raise ValueError(f"older_than_days must be 0 or more, not {older_than_days}")
        cutoff = (_iso(self._clock() - timedelta(days=older_than_days)),)
        return await self._write(
            "purging old rows", (_PURGE_DECLINED, cutoff), (_PURGE_FEEDBACK, cutoff)
        )

    async def forget_user(self, user_id: int) -> None:
        """Delete everything keyed by the user: their language choice and their votes."""
        user = (self._hash(user_id),)
        await self._write("forgetting a user", (_FORGET_LANGUAGE, user), (_FORGET_FEEDBACK, user))

    async def close(self) -> None:
        """Release the database once the calls already made are done.

        Closing twice is harmless; any other call after close raises StorageError.
        """
        if self._closed:
            return
        self._closed = True
        await self._release()

    def _hash(self, user_id: int) -> str:
        """The only form in which a user id is stored (see the module docstring), the same in
        both back ends, so a database moved from one to the other still finds its users."""
        return hmac.new(self._hash_key, str(user_id).encode("ascii"), hashlib.sha256).hexdigest()

    def _now(self) -> str:
        return _iso(self._clock())


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
        see the module docstring. `clock` must return timezone-aware datetimes; tests pass a
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

    async def _read(self, action: str, *queries: Statement) -> list[Rows]:
        def read(conn: sqlite3.Connection) -> list[Rows]:
            with _transaction(conn, "DEFERRED"):
                return [conn.execute(sql, params).fetchall() for sql, params in queries]

        return await self._run(action, read)

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


def _storable_text(text: str) -> str:
    """`text` cut to MAX_DECLINED_CHARS, with what no database can store as text (NUL, lone
    surrogates, which Telegram can send) replaced by U+FFFD, so odd input never fails a write."""
    return _UNSTORABLE.sub("\ufffd", text[:MAX_DECLINED_CHARS])


def _iso(moment: datetime) -> str:
    """UTC with whole seconds, so stored times compare correctly as text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


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
        with _transaction(conn):
            key = _prepare(conn, path, hash_key)
    except BaseException:
        conn.close()
        raise
    return conn, key


def _prepare(conn: sqlite3.Connection, path: Path, hash_key: bytes | None) -> bytes:
    """Create missing tables and return the hash key, refusing a file of a newer bot.

    Writing schema_version every time is deliberate: it makes a file SQLite opened read-only
    (owned by someone else, read-only file system) fail here rather than at the first vote.
    """
    conn.execute(_SETTINGS_TABLE)
    row = conn.execute(READ_SETTING, ("schema_version",)).fetchone()
    check_schema_version(str(path), None if row is None else row[0])
    for statement in _TABLES:
        conn.execute(statement)
    conn.execute(WRITE_SCHEMA_VERSION, (str(SCHEMA_VERSION),))
    if hash_key is not None:
        return hash_key
    conn.execute(ADD_HASH_KEY, (new_hash_key(),))
    return bytes.fromhex(conn.execute(READ_SETTING, ("user_hash_key",)).fetchone()[0])


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


# --- choosing the back end -----------------------------------------------------------------------

_POSTGRES_SCHEMES = ("postgresql", "postgres")
# libpq refuses a URL with a stray %, and quotes the offending part (the password, often) in its error.
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST_PORT = re.compile(r"(?:\[[^\]]*\]|[^:\[\]]*)(?::(\d*))?")


async def open_storage(settings: Settings) -> Storage:
    """The storage the settings ask for: PostgreSQL when COOPBOT_DATABASE_URL is set, so replicas
    share their users' state, else the SQLite file at COOPBOT_DB.

    Raises StorageError (one line, never the password) when the database cannot be used.
    """
    if not settings.database_url:
        return await SQLiteStorage.open(settings.db_path, settings.user_hash_key)
    postgres_address(settings.database_url)  # a bad URL is reported before a missing driver
    try:
        from bot.storage_pg import PostgresStorage
    except ImportError as exc:
        if not (exc.name or "").startswith("psycopg"):
            raise
        raise StorageError(
            "COOPBOT_DATABASE_URL is set, but PostgreSQL support is not installed: "
            "pip install 'coopbot[postgres]'"
        ) from None
    return await PostgresStorage.open(settings.database_url, settings.user_hash_key)


def database_label(settings: Settings) -> str:
    """Which database the settings name, fit for a log line or a status: never the password."""
    if settings.database_url:
        return postgres_address(settings.database_url)
    return str(settings.db_path)


def postgres_address(url: str) -> str:
    """`url` as ``postgresql://user@host:port/database``, to name the database in messages.

    The password and the query (which may hold ``password=``) are left out. Raises StorageError
    when `url` is not a PostgreSQL URL libpq could read, saying why without quoting it.
    """
    problem = "COOPBOT_DATABASE_URL is not a usable PostgreSQL URL"
    scheme, sep, rest = url.strip().partition("://")
    if not sep or scheme.lower() not in _POSTGRES_SCHEMES:
        # The scheme is safe to show; anything else could be a password typed in the wrong place.
        shown = f", not {scheme}://" if sep and scheme.isalnum() else ""
        raise StorageError(f"{problem}: it must start with postgresql://{shown}")
    if _BAD_PERCENT.search(url):
        raise StorageError(
            f"{problem}: a % must be followed by two hex digits; percent-encode special "
            "characters of the password (@ as %40, % as %25, / as %2F)"
        )
    netloc, _, path = rest.partition("?")[0].partition("/")
    userinfo, _, hosts = netloc.rpartition("@")
    # One or more host[:port], comma-separated, as libpq allows for fail-over.
    for host in hosts.split(","):
        port = _HOST_PORT.fullmatch(host)
        if port is None or (port[1] and not 0 < int(port[1]) <= 65535):
            raise StorageError(f"{problem}: a port must be a number from 1 to 65535")
    user = unquote(userinfo.partition(":")[0])
    return f"postgresql://{user + '@' if user else ''}{hosts or 'localhost'}{'/' + path if path else ''}"


def url_secrets(url: str) -> list[str]:
    """Every form in which `url` holds a password (as written and decoded), longest first, so
    that a message quoting any of them can have them blanked out."""
    rest = url.strip().partition("://")[2]
    netloc, _, query = rest.partition("?")
    found = [netloc.partition("/")[0].rpartition("@")[0].partition(":")[2]]
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if unquote(name) == "password":
            found.append(value)
    forms = {form for secret in found if secret for form in (secret, unquote(secret))}
    return sorted(forms, key=len, reverse=True)


def redact(text: str, secrets_: list[str]) -> str:
    """`text` with each of `secrets_` replaced by ``***``, on one line."""
    for secret in secrets_:
        text = text.replace(secret, "***")
    return " ".join(text.split())

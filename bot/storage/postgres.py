"""The PostgreSQL implementation of `Storage`, for two or more replicas sharing their users' state.

The tables, columns and meaning are those of the SQLite file (bot/storage/schema.py): times stay
ISO 8601 text and user ids stay keyed hashes, so both back ends give the same answers and rows can
be copied from one to the other. Text columns use the "C" collation, so they sort byte by byte as
in SQLite whatever the database's locale: stored times compare correctly and ties in stats break
the same way. This is the only module that imports psycopg, the `postgres` extra.

Replicas: every call is one transaction on a connection from a small pool, and the schema is
migrated under an advisory lock, so replicas starting together neither apply a migration twice
nor generate two different hash keys. A connection is checked before each use, so after a database
restart or fail-over the next call reconnects instead of failing. ``lock_timeout`` is the busy
timeout: a call waiting for another's lock fails in bounded time, with the same message as SQLite.

Errors are StorageError with one line naming the database as ``postgresql://user@host:port/db``;
libpq's messages never hold the password, but they are scrubbed of it anyway, as an operator may
have typed it where libpq quotes a value.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import psycopg
from psycopg import errors
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import AsyncConnectionPool

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
    postgres_address,
    redact,
    url_secrets,
    utc_now,
)
from bot.storage.schema import POSTGRES, next_migration

#: Seconds to wait for the server to answer a new connection (libpq counts whole seconds, >= 2).
DEFAULT_CONNECT_TIMEOUT = 10
#: Connections per process: writes are single short statements, so a few serve 64 updates at once.
DEFAULT_POOL_SIZE = 4
#: Seconds a call waits for a free connection of the pool, and the server may spend on one
#: statement, once the bot runs: the bot's own deadlines (bot/storage/guarded.py) are shorter
#: still, so these only bound what a call abandoned by them keeps holding.
CALL_TIMEOUT = 5.0
#: Key of the advisory lock that makes replicas migrate the schema one at a time ("coop").
_SCHEMA_LOCK = 0x636F6F70

T = TypeVar("T")
Connection = psycopg.AsyncConnection[tuple[object, ...]]


class PostgresStorage(BackEnd):
    """The PostgreSQL implementation of `Storage`; create it with `PostgresStorage.open`."""

    def __init__(
        self,
        address: str,
        pool: AsyncConnectionPool[Connection],
        hash_key: bytes,
        busy_timeout: float,
        clock: Callable[[], datetime],
        url: str,
    ) -> None:
        """Wrap an open pool; `open` is the way in, as it migrates the schema first."""
        super().__init__(address, hash_key, clock)
        self._pool = pool
        self._busy_timeout = busy_timeout
        self._secrets = url_secrets(url)
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @classmethod
    async def open(
        cls,
        url: str,
        hash_key: bytes | None = None,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        connect_timeout: int = DEFAULT_CONNECT_TIMEOUT,
        pool_size: int = DEFAULT_POOL_SIZE,
        clock: Callable[[], datetime] = utc_now,
    ) -> PostgresStorage:
        """Connect to the database at `url` (``postgresql://user:password@host:port/db``) and
        bring its schema up to date.

        `hash_key` and `clock` mean what they do for `SQLiteStorage.open`; a generated key is
        kept in the database, shared by every replica. Raises StorageError when the URL is
        malformed or the server cannot be reached, refuses the login or has no such database.
        """
        check_hash_key(hash_key)
        address = postgres_address(url)
        hidden = url_secrets(url)
        try:
            conninfo_to_dict(url)
        except psycopg.ProgrammingError as exc:
            raise StorageError(
                f"COOPBOT_DATABASE_URL is not a usable PostgreSQL URL: {redact(str(exc), hidden)}"
            ) from None
        options = {"autocommit": True, "connect_timeout": connect_timeout}
        try:
            conn = await psycopg.AsyncConnection.connect(url, **options)
        except psycopg.Error as exc:
            raise StorageError(
                f"{address}: cannot connect: {_connect_problem(exc, hidden)}"
            ) from None
        try:
            async with conn:
                await _set_lock_timeout(conn, busy_timeout)
                key = await _prepare(conn, address, hash_key)
        except psycopg.Error as exc:
            problem = _problem(exc, busy_timeout, hidden)
            raise StorageError(f"{address}: cannot open: {problem}") from None

        async def configure(new: Connection) -> None:
            await _set_lock_timeout(new, busy_timeout)
            await new.execute(f"SET statement_timeout = {round(CALL_TIMEOUT * 1000)}")

        pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            url,
            kwargs=options,
            min_size=1,
            max_size=pool_size,
            open=False,
            configure=configure,
            check=AsyncConnectionPool.check_connection,
            timeout=CALL_TIMEOUT,
            name="coopbot",
        )
        try:
            await pool.open(wait=True, timeout=connect_timeout)
        except psycopg.Error as exc:
            await pool.close()
            raise StorageError(
                f"{address}: cannot connect: {_connect_problem(exc, hidden)}"
            ) from None
        except BaseException:  # cancelled: a pool left half-open would hang the loop's shutdown
            await pool.close()
            raise
        return cls(address, pool, key, busy_timeout, clock, url)

    async def _release(self) -> None:
        """Let the calls already made finish, then close every connection."""
        await self._idle.wait()
        await self._pool.close()

    async def _write(self, action: str, *statements: Statement) -> int:
        async def write(conn: Connection) -> int:
            changed = 0
            for sql, params in statements:
                changed += (await conn.execute(_pg(sql), params)).rowcount
            return changed

        return await self._run(action, write)

    async def _write_then_read(
        self, action: str, statements: list[Statement], query: Statement
    ) -> Rows:
        async def write(conn: Connection) -> Rows:
            async with conn.cursor() as cursor:
                await cursor.executemany(
                    _pg(statements[0][0]), [params for _sql, params in statements]
                )
                await cursor.execute(_pg(query[0]), query[1])
                return await cursor.fetchall()

        if len({sql for sql, _params in statements}) != 1:
            raise ValueError("_write_then_read takes statements of one SQL text")
        return await self._run(action, write)

    async def _read(self, action: str, *queries: Statement) -> list[Rows]:
        async def read(conn: Connection) -> list[Rows]:
            # All from one snapshot, as other replicas keep writing meanwhile.
            await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return [
                await (await conn.execute(_pg(sql), params)).fetchall() for sql, params in queries
            ]

        return await self._run(action, read)

    async def _run(self, action: str, work: Callable[[Connection], Awaitable[T]]) -> T:
        """Run `work` in one transaction on a pooled connection; errors become StorageError.

        Counted while running, so `close` can wait for every call made before it.
        """
        if self._closed:
            raise failed(self._name, action, "storage is closed")
        self._in_flight += 1
        self._idle.clear()
        try:
            async with self._pool.connection() as conn, conn.transaction():
                return await work(conn)
        except psycopg.Error as exc:
            raise failed(
                self._name, action, _problem(exc, self._busy_timeout, self._secrets)
            ) from None
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()


def _pg(sql: str) -> str:
    """A statement shared with SQLite in psycopg's parameter style: "%s" where SQLite has "?"."""
    return sql.replace("?", "%s")


async def _set_lock_timeout(conn: Connection, seconds: float) -> None:
    # SET takes no bind parameters; the value is a number this module computed.
    await conn.execute(f"SET lock_timeout = {max(1, round(seconds * 1000))}")


async def _prepare(conn: Connection, address: str, hash_key: bytes | None) -> bytes:
    """Apply the migrations the database lacks, each in its own transaction (bot/storage/schema.py),
    and return the hash key, refusing a database of a newer bot.

    The advisory lock, held to the end of each transaction, keeps replicas from migrating at the
    same time; each transaction reads the version again under it. As with SQLite, the last one
    writes schema_version although it is unchanged, so a user that may only read fails here
    rather than at the first vote.
    """
    while True:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            version = await _schema_version(conn)
            step = next_migration(address, version)
            if step is None:
                await conn.execute(_pg(WRITE_SCHEMA_VERSION), (str(version),))
                if hash_key is not None:
                    return hash_key
                await conn.execute(_pg(ADD_HASH_KEY), (new_hash_key(),))
                stored = await (
                    await conn.execute(_pg(READ_SETTING), ("user_hash_key",))
                ).fetchone()
                assert stored is not None, "inserted above under the schema lock"
                return bytes.fromhex(str(stored[0]))
            for statement in step.sql(POSTGRES):
                await conn.execute(statement)
            await conn.execute(_pg(WRITE_SCHEMA_VERSION), (str(step.version),))


async def _schema_version(conn: Connection) -> int:
    """The migrations the database has had: 0 when it has no tables yet."""
    if await (await conn.execute(POSTGRES.settings_exist)).fetchone() is None:
        return 0
    row = await (await conn.execute(_pg(READ_SETTING), ("schema_version",))).fetchone()
    return 0 if row is None else int(str(row[0]))


def _connect_problem(exc: psycopg.Error, hidden: list[str]) -> str:
    """Why a connection failed, in words an operator can act on, without the password."""
    detail = redact(str(exc).removeprefix("connection failed: "), hidden)
    lowered = detail.lower()
    if "password authentication failed" in lowered or "authentication failed" in lowered:
        return f"authentication failed: check the user name and password [{detail}]"
    if "no pg_hba.conf entry" in lowered:
        return f"the server does not accept this user from this host (pg_hba.conf) [{detail}]"
    if "does not exist" in lowered:
        return f"no such database or user [{detail}]"
    if "connection refused" in lowered:
        return f"connection refused: is PostgreSQL running and listening there? [{detail}]"
    if "timeout" in lowered or "timed out" in lowered:
        return f"no answer from the server (timed out) [{detail}]"
    if "resolve host" in lowered or "translate host name" in lowered:
        return f"unknown host [{detail}]"
    return detail


def _problem(exc: psycopg.Error, busy_timeout: float, hidden: list[str]) -> str:
    """One line saying what went wrong with a call, in the words SQLiteStorage uses."""
    if isinstance(exc, errors.LockNotAvailable):
        return locked(busy_timeout)
    if isinstance(exc, errors.InsufficientPrivilege | errors.ReadOnlySqlTransaction):
        return f"the database user may not write here [{redact(str(exc), hidden)}]"
    if isinstance(exc, psycopg.OperationalError):
        return _connect_problem(exc, hidden)
    return redact(str(exc), hidden)

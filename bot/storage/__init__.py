"""Persistent state of the bot: language choices, feedback, declined questions, answer counts.

Two back ends keep the same tables with the same meaning: `SQLiteStorage`, a file, the embedded
default for one process; and `PostgresStorage` (the `postgres` extra), for two or more replicas
sharing their users' state. `open_storage` picks one from the settings.

    base.py      the `Storage` protocol, and every call written once as SQL in `BackEnd`;
                 privacy (hashed user ids) and retention
    schema.py    the tables, written once for both, and the numbered migrations
    sqlite.py    `SQLiteStorage`: how SQLite opens, runs statements and closes
    postgres.py  `PostgresStorage`: the same for PostgreSQL; the only module importing psycopg

Callers import from here: ``from bot.storage import Storage, open_storage``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.storage.base import (
    DEFAULT_BUSY_TIMEOUT,
    MAX_DECLINED_CHARS,
    Stats,
    Storage,
    StorageError,
    postgres_address,
)
from bot.storage.schema import SCHEMA_VERSION
from bot.storage.sqlite import SQLiteStorage

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "MAX_DECLINED_CHARS",
    "SCHEMA_VERSION",
    "SQLiteStorage",
    "Stats",
    "Storage",
    "StorageError",
    "database_label",
    "open_storage",
]


async def open_storage(settings: Settings) -> Storage:
    """The storage the settings ask for: PostgreSQL when COOPBOT_DATABASE_URL is set, so replicas
    share their users' state, else the SQLite file at COOPBOT_DB.

    Raises StorageError (one line, never the password) when the database cannot be used.
    """
    if not settings.database_url:
        return await SQLiteStorage.open(settings.db_path, settings.user_hash_key)
    postgres_address(settings.database_url)  # a bad URL is reported before a missing driver
    try:
        from bot.storage.postgres import PostgresStorage
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

"""`coopbot health`: could this installation serve users right now? One line, exit 0 or 1.

It is the container's HEALTHCHECK, a new process beside the bot, so it reads what the running bot
knows: the bot writes a **heartbeat** file (`heartbeat_path`) every HEARTBEAT_INTERVAL seconds
with the last successful `getUpdates` or delivery, the last successful database write, since when
writes fail, and the updates waiting. The check fails when the heartbeat is stale (the process is
stopped or stuck), when polling has not succeeded for long, when the database cannot be written,
or when updates wait unserved (`verdict`); `GET /healthz` in webhook mode gives the same verdict
from the same figures.

Without a heartbeat (no bot running here: a fresh container, or `docker run IMAGE health`) it
checks what a broken deployment breaks: the knowledge base loads and answers a question of its
own, and the database the settings name can be read. Either way it never creates, migrates or
locks the schema: it reads, read-only, with a short timeout, so a health check can neither stall
the bot's writes nor be stalled by them. Telegram is not asked: a Bot API outage is no reason to
restart a healthy container.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.engine import Engine
from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.storage import StorageError
from bot.storage.base import READ_SETTING, postgres_address, redact, url_secrets
from bot.storage.schema import SQLITE

#: Seconds between heartbeats.
HEARTBEAT_INTERVAL = 2.0
#: A heartbeat older than this means the bot is stopped or stuck.
STALE_HEARTBEAT = 15.0
#: Polling that has not succeeded for this long (past its own timeout) has stopped.
POLL_SILENCE = 60.0
#: An update waiting this long unserved means the bot is not keeping up.
UNSERVED_AFTER = 60.0
#: Seconds the database may take to answer the check's read.
PROBE_TIMEOUT = 2.0


class HealthError(Exception):
    """Something the bot needs is broken; the message is one line saying what."""


@dataclass(frozen=True)
class Heartbeat:
    """What the running bot knows of its own health; times are time.time(), None for never."""

    pid: int
    mode: str  # "polling" or "webhook"
    beat: float  # when this was written
    started: float  # when the bot started serving
    poll_timeout: float
    received: float | None  # last successful getUpdates, or webhook delivery
    written: float | None  # last successful database write
    failing_since: float | None  # writes fail since then
    error: str  # why they fail
    waiting: int  # updates queued or being handled
    oldest: float | None  # when the oldest of them arrived
    memory_only: int  # updates handled without being kept in the inbox (database down)
    entries: int  # entries of the knowledge base being served


def heartbeat_path(settings: Settings) -> Path:
    """Beside the SQLite file, in the data folder (the image's /data), whichever database is used."""
    return settings.db_path.with_name(settings.db_path.name + ".heartbeat")


def write_heartbeat(path: Path, heartbeat: Heartbeat) -> None:
    """Replace the file whole, so a reader never sees half of it."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(asdict(heartbeat)), encoding="utf-8")
    os.replace(temporary, path)


def read_heartbeat(path: Path) -> Heartbeat | None:
    """The heartbeat at `path`, None when there is none (no bot has run here, or it stopped)."""
    try:
        return Heartbeat(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:
        raise HealthError(f"{path}: unreadable heartbeat: {exc}") from None


def verdict(heartbeat: Heartbeat, now: float | None = None) -> list[str]:
    """What is wrong, one phrase each; empty when the bot is serving."""
    now = time.time() if now is None else now
    problems = []
    if now - heartbeat.beat > STALE_HEARTBEAT:
        problems.append(
            f"the bot (pid {heartbeat.pid}) last gave a sign of life {now - heartbeat.beat:.0f} s "
            "ago: it is stopped or stuck"
        )
    if heartbeat.mode == "polling":
        silence = now - (heartbeat.received or heartbeat.started)
        if silence > heartbeat.poll_timeout + POLL_SILENCE:
            problems.append(f"polling has stopped: no getUpdates has succeeded for {silence:.0f} s")
    if heartbeat.failing_since is not None:
        problems.append(
            f"the database cannot be written (for {now - heartbeat.failing_since:.0f} s): "
            f"{heartbeat.error}"
        )
    if heartbeat.oldest is not None and now - heartbeat.oldest > UNSERVED_AFTER:
        problems.append(
            f"{heartbeat.waiting} update(s) waiting, the oldest for {now - heartbeat.oldest:.0f} s"
        )
    if heartbeat.entries <= 0:
        problems.append("the knowledge base has no entries")
    return problems


def describe(heartbeat: Heartbeat, now: float | None = None) -> str:
    """The running bot's state, as the OK line says it."""
    now = time.time() if now is None else now

    def ago(moment: float | None) -> str:
        return "never" if moment is None else f"{now - moment:.1f} s ago"

    what = "getUpdates" if heartbeat.mode == "polling" else "delivery"
    return (
        f"bot serving ({heartbeat.mode}, pid {heartbeat.pid}): last {what} "
        f"{ago(heartbeat.received)}, last write {ago(heartbeat.written)}, "
        f"{heartbeat.waiting} waiting"
    )


def check(knowledge: Path, env: dict[str, str] | None = None) -> str:
    """What was checked, as one line; HealthError when anything fails.

    Settings come from `env` (default: the environment) exactly as `coopbot run` reads them.
    """
    try:
        settings = Settings.from_env(env)
    except ConfigError as exc:
        raise HealthError(str(exc)) from None
    heartbeat = read_heartbeat(heartbeat_path(settings))
    answered = check_knowledge(knowledge, settings.engine_cache)
    if heartbeat is not None:
        problems = verdict(heartbeat)
        if problems:
            raise HealthError("; ".join(problems))
        return f"{answered}; {describe(heartbeat)}"
    return f"{answered}; database {check_database(settings)}"


def probe_question(kb: KnowledgeBase) -> tuple[str, str]:
    """(question, id of the entry that must answer it): the first platform's overview question,
    or the first entry's where a knowledge base has no platforms."""
    platforms = kb.platforms()
    entry = kb.entries[platforms[0].overview] if platforms else next(iter(kb.entries.values()))
    return entry.question("en"), entry.id


def check_knowledge(path: Path, cache: Path | None = None) -> str:
    """Build the engine the bot would serve (or read it from `cache`, built from these very
    files) and ask it its probe question, the way a user's question goes."""
    try:
        engine = Engine.load(path, cache)
    except KnowledgeError as exc:
        raise HealthError(f"{path}: {exc}; run `coopbot validate`") from None
    kb = engine.kb
    question, expected = probe_question(kb)
    outcome = engine.ask(question, lang="en")
    if outcome.entry is None or outcome.entry.id != expected:
        raise HealthError(
            f"{path}: {question!r} should be answered by {expected}, but the bot would "
            f"{outcome.kind} ({outcome.entry.id if outcome.entry else 'no answer'})"
        )
    return f"{len(kb.entries)} entries, {question!r} answered by {expected}"


def check_database(settings: Settings) -> str:
    """Read the database, read-only: its name and state (never a password) when it can be read."""
    try:
        if settings.database_url:
            return _check_postgres(settings.database_url)
        return _check_sqlite(settings.db_path)
    except StorageError as exc:
        raise HealthError(str(exc)) from None


def _check_sqlite(path: Path) -> str:
    if not path.exists():
        folder = next(p for p in path.parents if p.exists())
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise StorageError(f"{path}: cannot be created: {folder} is not a writable folder")
        return f"{path} not created yet (the bot creates it when it starts)"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=PROBE_TIMEOUT)
        try:
            version = _schema_version(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StorageError(f"{path}: cannot be read: {' '.join(str(exc).split())}") from None
    return f"{path} reads (schema version {version})"


def _check_postgres(url: str) -> str:
    address = postgres_address(url)
    try:
        import psycopg
    except ImportError:
        raise StorageError(
            "COOPBOT_DATABASE_URL is set, but PostgreSQL support is not installed: "
            "pip install 'coopbot[postgres]'"
        ) from None
    timeout = max(2, round(PROBE_TIMEOUT))  # libpq counts whole seconds, at least 2
    try:
        with psycopg.connect(url, connect_timeout=timeout, autocommit=True) as conn:
            conn.execute(f"SET statement_timeout = {round(PROBE_TIMEOUT * 1000)}")
            conn.execute("SET default_transaction_read_only = on")
            exists = conn.execute("SELECT to_regclass('settings') IS NOT NULL").fetchone()
            version = "none yet"
            if exists and exists[0]:
                row = conn.execute(READ_SETTING.replace("?", "%s"), ("schema_version",)).fetchone()
                version = str(row[0]) if row else "none yet"
    except psycopg.Error as exc:
        problem = redact(str(exc), url_secrets(url))
        raise StorageError(f"{address}: cannot be read: {problem}") from None
    return f"{address} reads (schema version {version})"


def _schema_version(conn: sqlite3.Connection) -> str:
    if conn.execute(SQLITE.settings_exist).fetchone() is None:
        return "none yet"
    row = conn.execute(READ_SETTING, ("schema_version",)).fetchone()
    return str(row[0]) if row else "none yet"

"""`coopbot health`, the container's HEALTHCHECK: one line, exit 0 only when the knowledge base
answers its own question and the database opens."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.cli import EXIT_OK, EXIT_PROBLEMS, main
from bot.engine import Engine
from bot.health import Heartbeat, write_heartbeat
from bot.outcome import Outcome
from bot.text import Lang
from tests.support.postgres_server import fresh_schema, server_url
from tests.support.running_bot import RunningBot

SETTINGS = ["COOPBOT_DB", "COOPBOT_DATABASE_URL", "COOPBOT_KNOWLEDGE", "COOPBOT_USER_HASH_KEY"]

Health = Callable[..., tuple[int, list[str]]]
FailingHealth = Callable[..., str]


@pytest.fixture(autouse=True)
def environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fixture_kb_path: Path
) -> pytest.MonkeyPatch:
    """Settings only from this test: the fixture knowledge base and a fresh SQLite file."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COOPBOT_KNOWLEDGE", str(fixture_kb_path))
    monkeypatch.setenv("COOPBOT_DB", str(tmp_path / "data" / "coopbot.db"))
    return monkeypatch


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with fresh_schema(server_url()) as url:
        yield url


@pytest.fixture
def health(capsys: pytest.CaptureFixture[str], environment: pytest.MonkeyPatch) -> Health:
    """`health(NAME=value, ...)`: `coopbot health` with these settings on top of the test's;
    its exit code and every line it printed, to stdout or stderr."""

    def run(**settings: str) -> tuple[int, list[str]]:
        for name, value in settings.items():
            environment.setenv(name, value)
        code = main(["health"])
        out, err = capsys.readouterr()
        return code, (out + err).splitlines()

    return run


@pytest.fixture
def failing_health(health: Health) -> FailingHealth:
    """`failing_health(NAME=value, ...)`: the one line of a health check that must fail."""

    def run(**settings: str) -> str:
        code, [line] = health(**settings)
        assert code == EXIT_PROBLEMS
        return line

    return run


def test_healthy_installation_says_ok_in_one_line(health: Health, tmp_path: Path) -> None:
    code, lines = health()
    assert code == EXIT_OK
    [line] = lines
    assert line.startswith("coopbot health: OK: ")
    assert "answered by chongqing-overview" in line
    assert str(tmp_path / "data" / "coopbot.db") in line


def test_health_fails_when_the_bot_would_not_answer_its_probe_question(
    failing_health: FailingHealth, monkeypatch: pytest.MonkeyPatch
) -> None:
    def declines(self: Engine, question: str, lang: Lang | None = None, **_: object) -> Outcome:
        return Outcome("decline", question, lang or "en", 0.0, ())

    monkeypatch.setattr(Engine, "ask", declines)
    line = failing_health()
    assert line.startswith("coopbot health: FAIL: ")
    assert "should be answered by chongqing-overview" in line


def test_health_fails_on_a_broken_knowledge_base(
    failing_health: FailingHealth, broken_kb: Path
) -> None:
    assert "coopbot validate" in failing_health(COOPBOT_KNOWLEDGE=str(broken_kb))


def test_health_fails_naming_a_database_file_that_cannot_open(
    failing_health: FailingHealth, tmp_path: Path
) -> None:
    (tmp_path / "plain-file").write_text("")
    database = str(tmp_path / "plain-file" / "coopbot.db")
    assert database in failing_health(COOPBOT_DB=database)


def test_health_fails_on_a_bad_database_url_without_the_password(
    failing_health: FailingHealth,
) -> None:
    line = failing_health(COOPBOT_DATABASE_URL="mysql://coopbot:hunter2-secret@db/coopbot")
    assert "must start with postgresql://" in line
    assert "hunter2-secret" not in line


def test_health_fails_on_a_malformed_setting(failing_health: FailingHealth) -> None:
    assert "COOPBOT_RETENTION_DAYS" in failing_health(COOPBOT_RETENTION_DAYS="soon")


def test_health_opens_postgresql_when_a_database_url_is_set(
    health: Health, postgres_url: str
) -> None:
    code, [line] = health(COOPBOT_DATABASE_URL=postgres_url)
    assert code == EXIT_OK
    assert "database postgresql://" in line


# --- the running bot's heartbeat ---------------------------------------------------------------------


def beat(**changes: object) -> Heartbeat:
    now = time.time()
    fields: dict[str, Any] = {
        "pid": 4321,
        "mode": "polling",
        "beat": now,
        "started": now - 100,
        "poll_timeout": 10.0,
        "received": now - 1,
        "written": now - 2,
        "failing_since": None,
        "error": "",
        "waiting": 0,
        "oldest": None,
        "memory_only": 0,
        "entries": 3,
    }
    return Heartbeat(**{**fields, **changes})


@pytest.fixture
def heartbeat_file(tmp_path: Path) -> Callable[..., None]:
    """Write the heartbeat the bot would, beside the test's database."""

    def write(**changes: object) -> None:
        path = tmp_path / "data" / "coopbot.db.heartbeat"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_heartbeat(path, beat(**changes))

    return write


def test_health_reads_a_serving_bots_heartbeat(
    health: Health, heartbeat_file: Callable[..., None], tmp_path: Path
) -> None:
    heartbeat_file()
    code, [line] = health()
    assert code == EXIT_OK
    assert "bot serving (polling, pid 4321): last getUpdates 1.0 s ago" in line
    assert not (tmp_path / "data" / "coopbot.db").exists()  # the database was not even opened


#: Times as seconds before the check, so they hold whenever the test runs.
AGO = ("beat", "received", "started", "failing_since", "oldest")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"beat": 60}, "it is stopped or stuck"),
        ({"received": 300}, "polling has stopped"),
        ({"received": None, "started": 300}, "polling has stopped"),
        (
            {"failing_since": 30, "error": "coopbot.db: the disk is full"},
            "the database cannot be written (for 30 s): coopbot.db: the disk is full",
        ),
        ({"waiting": 7, "oldest": 120}, "7 update(s) waiting, the oldest for 120 s"),
    ],
    ids=["stale", "polling-stopped", "never-polled", "database-failing", "unserved"],
)
def test_health_fails_on_what_the_heartbeat_tells(
    failing_health: FailingHealth,
    heartbeat_file: Callable[..., None],
    changes: dict[str, Any],
    problem: str,
) -> None:
    now = time.time()
    heartbeat_file(**{k: now - v if k in AGO and v is not None else v for k, v in changes.items()})
    assert problem in failing_health()


def test_a_webhook_bot_is_not_unhealthy_for_want_of_deliveries(
    health: Health, heartbeat_file: Callable[..., None]
) -> None:
    heartbeat_file(mode="webhook", received=None, started=time.time() - 3600)
    assert health()[0] == EXIT_OK


def test_health_never_creates_the_database(health: Health, tmp_path: Path) -> None:
    code, [line] = health()
    assert code == EXIT_OK
    assert "not created yet" in line
    assert not (tmp_path / "data").exists()


def test_health_neither_waits_for_nor_stalls_a_writer(health: Health, tmp_path: Path) -> None:
    db = tmp_path / "data" / "coopbot.db"
    health(COOPBOT_DB=str(db))
    db.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(db, isolation_level=None)) as writer:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT)")
        writer.execute("INSERT INTO settings VALUES ('schema_version', '2')")
        writer.execute("BEGIN IMMEDIATE")  # a write in progress, as the bot's
        writer.execute("INSERT INTO settings VALUES ('other', 'x')")
        started = time.monotonic()
        code, [line] = health()
        assert time.monotonic() - started < 1.5
        writer.execute("COMMIT")  # not stalled: the check took no lock
    assert code == EXIT_OK
    assert "reads (schema version 2)" in line


def test_health_on_postgresql_creates_no_schema(health: Health, postgres_url: str) -> None:
    import psycopg

    code, [line] = health(COOPBOT_DATABASE_URL=postgres_url)
    assert code == EXIT_OK
    assert "schema version none yet" in line
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT to_regclass('settings')").fetchone() == (None,)


def test_health_reads_the_heartbeat_of_the_bot_running_here(
    start_bot: Callable[..., RunningBot], health: Health, tmp_path: Path
) -> None:
    bot = start_bot(db_path=tmp_path / "data" / "coopbot.db")
    bot.say("What is CEPA?")
    code, [line] = health()
    assert code == EXIT_OK
    assert "bot serving (polling" in line
    bot.stop()
    assert not (tmp_path / "data" / "coopbot.db.heartbeat").exists()  # gone with the bot

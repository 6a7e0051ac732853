"""`coopbot health`, the container's HEALTHCHECK: one line, exit 0 only when the knowledge base
answers its own question and the database opens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import bot.health
from bot.cli import EXIT_OK, EXIT_PROBLEMS, main
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher, Thresholds
from tests.support.postgres_server import fresh_schema, server_url

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


def test_health_fails_when_the_matcher_answers_nothing(
    failing_health: FailingHealth, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never_sure(kb: KnowledgeBase) -> Matcher:
        return Matcher(kb, Thresholds(answer=10.0))

    monkeypatch.setattr(bot.health, "Matcher", never_sure)
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

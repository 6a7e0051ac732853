"""`coopbot health`, the container's HEALTHCHECK: one line, exit 0 only when the knowledge base
answers its own question and the database opens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_server import fresh_schema, server_url

import bot.health
from bot.cli import EXIT_OK, EXIT_PROBLEMS, main
from bot.knowledge import KnowledgeBase
from bot.matcher import Matcher, Thresholds

SETTINGS = ["COOPBOT_DB", "COOPBOT_DATABASE_URL", "COOPBOT_KNOWLEDGE", "COOPBOT_USER_HASH_KEY"]


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


def health(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Exit code and every line printed, to stdout or stderr."""
    code = main(["health"])
    out, err = capsys.readouterr()
    return code, (out + err).splitlines()


def test_healthy_installation_says_ok_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, lines = health(capsys)
    assert code == EXIT_OK
    [line] = lines
    assert line.startswith("coopbot health: OK: ")
    assert "answered by chongqing-overview" in line
    assert str(tmp_path / "data" / "coopbot.db") in line


def test_health_fails_when_the_matcher_answers_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def never_sure(kb: KnowledgeBase) -> Matcher:
        return Matcher(kb, Thresholds(answer=10.0))

    monkeypatch.setattr(bot.health, "Matcher", never_sure)
    code, [line] = health(capsys)
    assert code == EXIT_PROBLEMS
    assert line.startswith("coopbot health: FAIL: ")
    assert "should be answered by chongqing-overview" in line


def test_health_fails_on_a_broken_knowledge_base(
    capsys: pytest.CaptureFixture[str],
    environment: pytest.MonkeyPatch,
    broken_kb: Path,
) -> None:
    environment.setenv("COOPBOT_KNOWLEDGE", str(broken_kb))
    code, [line] = health(capsys)
    assert code == EXIT_PROBLEMS
    assert "coopbot validate" in line


def test_health_fails_naming_a_database_file_that_cannot_open(
    capsys: pytest.CaptureFixture[str], environment: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "plain-file").write_text("")
    environment.setenv("COOPBOT_DB", str(tmp_path / "plain-file" / "coopbot.db"))
    code, [line] = health(capsys)
    assert code == EXIT_PROBLEMS
    assert str(tmp_path / "plain-file" / "coopbot.db") in line


def test_health_fails_on_a_bad_database_url_without_the_password(
    capsys: pytest.CaptureFixture[str], environment: pytest.MonkeyPatch
) -> None:
    environment.setenv("COOPBOT_DATABASE_URL", "mysql://coopbot:hunter2-secret@db/coopbot")
    code, [line] = health(capsys)
    assert code == EXIT_PROBLEMS
    assert "must start with postgresql://" in line
    assert "hunter2-secret" not in line


def test_health_fails_on_a_malformed_setting(
    capsys: pytest.CaptureFixture[str], environment: pytest.MonkeyPatch
) -> None:
    environment.setenv("COOPBOT_RETENTION_DAYS", "soon")
    code, [line] = health(capsys)
    assert code == EXIT_PROBLEMS
    assert "COOPBOT_RETENTION_DAYS" in line


def test_health_opens_postgresql_when_a_database_url_is_set(
    capsys: pytest.CaptureFixture[str], environment: pytest.MonkeyPatch, postgres_url: str
) -> None:
    environment.setenv("COOPBOT_DATABASE_URL", postgres_url)
    code, [line] = health(capsys)
    assert code == EXIT_OK
    assert "database postgresql://" in line

"""Shared fixtures: the fixture knowledge base, loaded once, broken copies of it, and the bot running
against the fake Bot API. Helpers and constants live in tests/support, where any test may import them."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.engine import Engine
from bot.knowledge import KnowledgeBase, load_or_raise
from bot.matcher import Matcher, Thresholds
from tests.support.data import FIXTURE_KB, REAL_KB
from tests.support.fake_bot_api import FakeBotApi
from tests.support.running_bot import (
    TELEGRAM_ADMIN_ID,
    TELEGRAM_TOKEN,
    TELEGRAM_WEBHOOK_SECRET,
    RunningBot,
    free_port,
)

#: Set by .ci/run: a test that skips for any reason but a missing PostgreSQL server fails the run,
#: so the suite cannot quietly shrink (a clone without ../shared once skipped every Telegram test).
FORBID_SKIPS = "COOPBOT_FORBID_SKIPS"
_ALLOWED_SKIP = "PostgreSQL tests skipped"
_forbidden_skips: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and os.environ.get(FORBID_SKIPS) == "1":
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        if not reason.removeprefix("Skipped: ").startswith(_ALLOWED_SKIP):
            _forbidden_skips.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _forbidden_skips:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _forbidden_skips:
        terminalreporter.section(
            f"skipped, though only PostgreSQL tests may skip ({FORBID_SKIPS}=1)"
        )
        for line in _forbidden_skips:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True, scope="session")
def _engines_built_not_cached() -> Iterator[None]:
    """Every test builds its engines: a build read from the user's cache would hide a change a
    test makes to the code it runs. tests/test_engine_cache.py checks the cache itself."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COOPBOT_CACHE_DIR", "off")
        yield


# What a keyword of `make_kb` may say about one file of the copy.
Change = str | tuple[str, str] | list[tuple[str, str]] | Callable[[str], str] | None


@pytest.fixture(scope="session")
def fixture_kb_path() -> Path:
    return FIXTURE_KB


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_or_raise(FIXTURE_KB)


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


@pytest.fixture(scope="session")
def shipped() -> Engine:
    """The engine on the knowledge base that ships: what users get."""
    return Engine.load(REAL_KB)


@pytest.fixture(scope="session")
def clarifying_matcher(kb: KnowledgeBase) -> Matcher:
    """A matcher that never finds an answer good enough, so every in-scope question clarifies."""
    return Matcher(kb, Thresholds(answer=10.0))


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[..., Path]:
    """Copy the fixture knowledge base into tmp_path and change some of its files.

    Each keyword names a file without `.yaml` (`cepa`, `meta`, or a new one) and says what to do:
    a string is the file's whole new text; an `(old, new)` pair, or a list of them, replaces text that
    must occur exactly once; a function maps the old text to the new; None deletes the file.
    Returns the folder, so a test can name the files in the problems it expects.
    """
    counter = iter(range(1_000_000))

    def make(**files: Change) -> Path:
        folder = tmp_path / f"kb{next(counter)}"
        shutil.copytree(FIXTURE_KB, folder)
        for name, change in files.items():
            path = folder / f"{name}.yaml"
            if change is None:
                path.unlink()
                continue
            if isinstance(change, str):
                path.write_text(change, encoding="utf-8")
                continue
            text = path.read_text(encoding="utf-8")
            if callable(change):
                text = change(text)
            else:
                for old, new in [change] if isinstance(change, tuple) else change:
                    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
                    text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        return folder

    return make


@pytest.fixture
def broken_kb(make_kb: Callable[..., Path]) -> Path:
    """The fixture knowledge base with one error: its CEPA source is an http:// link."""
    return make_kb(cepa=("url: https://", "url: http://"))


# --- The Telegram bot against the fake Bot API (tests/test_telegram_*.py) --------------------------


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    """A strict fake Bot API server on 127.0.0.1."""
    with FakeBotApi() as api:
        yield api


_TLS_CONTEXTS: dict = {}


@pytest.fixture
def shared_tls_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the default TLS context once per test session instead of twice per bot.

    Each of the bot's two httpx clients loads certifi's CA bundle (~0.13 s) even though the fake
    is plain HTTP; over a hundred bot starts that would be half the suite's time.
    """
    import ssl

    original = ssl.create_default_context

    def cached(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        key = (args, tuple(sorted(kwargs.items())))
        if key not in _TLS_CONTEXTS:
            _TLS_CONTEXTS[key] = original(*args, **kwargs)
        return _TLS_CONTEXTS[key]

    monkeypatch.setattr(ssl, "create_default_context", cached)


@pytest.fixture
def start_bot(
    fake_api: FakeBotApi, tmp_path: Path, shared_tls_context: None
) -> Iterator[Callable[..., RunningBot]]:
    """Start the bot against the fake API: `start_bot(mode="webhook", flood_limit=3, ...)`.

    Keywords other than `mode`, `rate_limiter`, `engine` (one already built, to save building
    it again) and `poll_timeout` (seconds a long poll waits) override Settings fields. The rate
    limiter is off by default: it adds nothing to what the tests check but waiting.
    """
    running: list[RunningBot] = []

    def start(
        mode: str = "polling",
        rate_limiter: bool = False,
        engine: Engine | None = None,
        poll_timeout: int = 2,
        **overrides: Any,
    ) -> RunningBot:
        settings = Settings(
            token=TELEGRAM_TOKEN,
            api_url=fake_api.root,
            knowledge=FIXTURE_KB,
            db_path=tmp_path / "coopbot.db",
            admin_ids=frozenset({TELEGRAM_ADMIN_ID}),
            user_hash_key=b"test-key",
        )
        if mode == "webhook":
            port = free_port()
            settings = dataclasses.replace(
                settings,
                webhook_url="https://coopbot.example.org/telegram/hook",
                webhook_secret=TELEGRAM_WEBHOOK_SECRET,
                listen="127.0.0.1",
                port=port,
            )
        settings = dataclasses.replace(settings, **overrides)
        bot = RunningBot(fake_api, settings, mode, rate_limiter, engine, poll_timeout)
        running.append(bot)
        return bot.start()

    yield start
    for bot in running:
        bot.stop()


@pytest.fixture
def telegram_bot(start_bot: Callable[..., RunningBot]) -> RunningBot:
    """The bot in polling mode with default settings."""
    return start_bot()


@pytest.fixture(params=["polling", "webhook"])
def bot_each_mode(
    request: pytest.FixtureRequest, start_bot: Callable[..., RunningBot]
) -> RunningBot:
    """The bot once in polling mode and once in webhook mode."""
    return start_bot(mode=request.param)

"""Shared fixtures: the small fixture knowledge base, loaded once, and broken copies of it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.knowledge import KnowledgeBase, load_or_raise
from bot.matcher import Matcher, Thresholds

if TYPE_CHECKING:  # imported where used: only the Telegram tests need them
    from bot.config import Settings
    from bot.engine import Engine
    from tests.support.fake_bot_api import Call, FakeBotApi

FIXTURE_KB = Path(__file__).resolve().parent / "fixtures" / "kb"
#: The fields of `coopbot ask --json`, in order: README promises them to other programs.
ASK_JSON_FIELDS = [
    "question",
    "answered",
    "id",
    "lang",
    "answer",
    "confidence",
    "sources",
    "suggestions",
]

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

#: Well-formed (bot.config.check_token accepts it) and distinctive, so a leak is easy to grep for.
TELEGRAM_TOKEN = "123456789:AAFakeTokenForTests-0123456789_abcdef"
TELEGRAM_ADMIN_ID = 4242
TELEGRAM_WEBHOOK_SECRET = "test-webhook-secret_0123"


@pytest.fixture
def fake_api() -> Iterator[FakeBotApi]:
    """A strict fake Bot API server on 127.0.0.1."""
    from tests.support.fake_bot_api import FakeBotApi

    with FakeBotApi() as api:
        yield api


class RunningBot:
    """The real Application, run by `bot.telegram.app.run` in a thread, as `coopbot run` runs it.

    A thread (not the test's event loop) because `run_polling`/`run_webhook` own their loop, and
    running those, rather than re-creating their start-up steps, is what the tests must cover.
    """

    def __init__(
        self,
        api: FakeBotApi,
        settings: Settings,
        mode: str,
        rate_limiter: bool,
        engine: Engine | None = None,
        poll_timeout: int = 2,
    ) -> None:
        import asyncio
        import threading

        from bot.engine import Engine
        from bot.knowledge import load_or_raise
        from bot.telegram.app import build_application

        self.api, self.settings, self.mode = api, settings, mode
        self.poll_timeout = poll_timeout
        engine = engine or Engine.build(load_or_raise(settings.knowledge))
        self.app = build_application(settings, engine, rate_limiter=rate_limiter)
        self.webhook_local_url = (
            f"http://127.0.0.1:{settings.port}/{settings.webhook_url.split('/', 3)[3]}"
            if mode == "webhook"
            else None
        )
        self.failure: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name=f"bot-{mode}", daemon=True)

    def _serve(self) -> None:
        import asyncio

        from bot.telegram.app import run

        asyncio.set_event_loop(self._loop)
        options = {"stop_signals": None}
        if self.mode == "polling":
            options["timeout"] = self.poll_timeout
        try:
            run(self.app, self.settings, **options)
        except BaseException as exc:  # reported by start()/stop(), in the test's thread
            self.failure = exc

    def start(self) -> RunningBot:
        import time

        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.app.running:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise AssertionError(f"the bot did not start: {self.failure!r}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop as SIGTERM does: updates in progress finish, storage is closed."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self.app.stop_running)
            self._thread.join(timeout=15)
        assert not self._thread.is_alive(), "the bot did not stop"
        if self.failure is not None:
            raise self.failure

    def send(self, update: dict) -> int:
        """Hand an update to the bot the way this mode receives them; returns its update_id."""
        if self.mode == "polling":
            return self.api.push_update(update)
        status = self.api.deliver_webhook(self.webhook_local_url, update)
        assert status == 200, f"webhook delivery refused with {status}"
        return -1

    def say(self, text: str | None, **fields: Any) -> Call:
        """A user's message; returns the bot's first sendMessage after it."""
        mark = len(self.api.calls)
        self.send(self.api.make_message(text, **fields))
        return self.api.wait_for("sendMessage", after=mark)

    def settle(self, user_id: int) -> None:
        """Wait until the user's earlier updates are fully handled, storage writes included.

        A user's updates are handled one at a time, in order, so the reply to a later /help
        proves every earlier one finished.
        """
        mark = len(self.api.calls)
        self.send(self.api.make_message("/help", user_id=user_id))
        self.api.wait_for(
            lambda c: (
                c.method == "sendMessage"
                and c.params["chat_id"] == user_id
                and "/platforms" in c.params["text"]
            ),
            after=mark,
        )

    def press(self, data: str, message: dict[str, Any] | None = None, **fields: Any) -> Call:
        """Press a button; returns the answerCallbackQuery the press got."""
        mark = len(self.api.calls)
        self.send(self.api.make_callback_query(data, message=message, **fields))
        return self.api.wait_for("answerCallbackQuery", after=mark)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    import dataclasses

    from bot.config import Settings

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
            port = _free_port()
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

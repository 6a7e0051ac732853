"""Real `coopbot run` processes killed with kill -9 in the middle of a burst, then started again on
the same database: every question answered, none twice. And a token revoked while polling ends
the process within 5 s, with one clear line and a non-zero exit.

The kill comes while the fake Bot API holds the answers that had not reached it yet (as if the
network were slow), once the answers that had reached it are marked handled: a moment the test can
choose exactly, so the run is deterministic. The instant between an answer reaching Telegram and
its done mark being written, which no design can close (Telegram cannot be asked whether a message
went out), is measured by `python -m benchmarks.durability` at random moments instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.data import FIXTURE_KB
from tests.support.fake_bot_api import FakeBotApi
from tests.support.running_bot import TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_SECRET, free_port

BURST = 120
WEBHOOK_URL = "https://coopbot.example.org/telegram/hook"


def wait_until(condition: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def handled(run: Run) -> Callable[[], bool]:
    return lambda: run.kept() == (BURST, BURST)


class Run:
    """`coopbot run` against the fake, in a process of its own, on one database."""

    def __init__(self, api: FakeBotApi, db: Path, mode: str, port: int) -> None:
        self.api, self.db, self.mode, self.port = api, db, mode, port

    def start(self) -> subprocess.Popen[str]:
        mark = self.api.mark()
        args = ["run", "--api-url", self.api.root, "--knowledge", str(FIXTURE_KB)]
        args += ["--db", str(self.db)]
        env = {"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN}
        if self.mode == "webhook":
            args += [
                "--webhook-url",
                WEBHOOK_URL,
                "--listen",
                "127.0.0.1",
                "--port",
                str(self.port),
            ]
            env["TELEGRAM_WEBHOOK_SECRET"] = TELEGRAM_WEBHOOK_SECRET
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "COOPBOT_"))}
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            env={**clean, "PYTHONUNBUFFERED": "1", **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        # A long poll is recorded when it ends: deleteWebhook comes just before the first.
        ready = "setWebhook" if self.mode == "webhook" else "deleteWebhook"
        self.api.wait_for(ready, timeout=30, after=mark)
        return process

    def kept(self) -> tuple[int, int]:
        """(updates in the inbox, of which handled)."""
        try:
            with contextlib.closing(sqlite3.connect(self.db, timeout=5)) as conn:
                row = conn.execute("SELECT COUNT(*), COUNT(done_at) FROM inbox").fetchone()
        except sqlite3.OperationalError:  # not created yet
            return 0, 0
        return int(row[0]), int(row[1])


def answers(api: FakeBotApi) -> Counter[int]:
    return Counter(
        c.params["chat_id"] for c in api.sent("sendMessage") if c.params["text"].startswith("CEPA")
    )


class Telegram:
    """Delivers updates to a webhook as Telegram does: in parallel, each until it gets a 200,
    whatever happens to the bot meanwhile."""

    def __init__(self, api: FakeBotApi, port: int, updates: list[dict[str, Any]]) -> None:
        self.api = api
        self.url = f"http://127.0.0.1:{port}/telegram/hook"
        self.updates = list(updates)
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._deliver, daemon=True) for _ in range(8)]
        self.deadline = time.monotonic() + 60

    def start(self) -> Telegram:
        for thread in self.threads:
            thread.start()
        return self

    def _deliver(self) -> None:
        while True:
            with self.lock:
                if not self.updates:
                    return
                update = self.updates.pop(0)
            while time.monotonic() < self.deadline:
                try:
                    if self.api.deliver_webhook(self.url, update, timeout=5) == 200:
                        break
                except (OSError, urllib.error.URLError):
                    pass
                time.sleep(0.05)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=60)


@pytest.fixture
def crash_api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as api:
        yield api


@pytest.mark.parametrize(
    ("mode", "answered_before_kill"),
    [("polling", 0), ("polling", 40), ("webhook", 40)],
)
def test_after_kill_9_in_a_burst_every_question_is_answered_once(
    crash_api: FakeBotApi, tmp_path: Path, mode: str, answered_before_kill: int
) -> None:
    api = crash_api
    run = Run(api, tmp_path / "coopbot.db", mode, free_port())
    users = range(200_001, 200_001 + BURST)
    # Each with its id, so a delivery tried again is the same update, as Telegram's are.
    updates = [
        {**api.make_message("What is CEPA?", user_id=user), "update_id": 300_000_000 + user}
        for user in users
    ]
    if answered_before_kill == 0:
        api.hold("sendMessage")
    first = run.start()
    telegram = None
    try:
        if mode == "polling":
            for update in updates:
                api.push_update(update)
        else:
            telegram = Telegram(api, run.port, updates).start()
        if answered_before_kill:
            wait_until(lambda: sum(answers(api).values()) >= answered_before_kill, what="answers")
            api.hold("sendMessage")
        else:
            wait_until(lambda: run.kept()[0] >= 50 and api.holding > 0, what="a batch kept")
        # The answers that reached Telegram are marked handled; the rest are held, unsent.
        wait_until(lambda: run.kept()[1] == sum(answers(api).values()), what="done marks")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    wait_until(lambda: api.holding == 0, what="held calls to notice the kill")
    api.release()

    second = run.start()
    try:
        wait_until(lambda: set(answers(api)) >= set(users), timeout=30, what="every answer")
        if telegram is not None:
            telegram.join()
        wait_until(handled(run), what="every update handled")
    finally:
        second.send_signal(signal.SIGTERM)
        _, err = second.communicate(timeout=20)
    assert second.returncode == 0, err
    assert run.kept() == (BURST, BURST)
    assert answers(api) == Counter(dict.fromkeys(users, 1))
    assert api.pending_updates == []


def test_a_token_revoked_while_polling_ends_the_process_within_5_s(
    crash_api: FakeBotApi, tmp_path: Path
) -> None:
    api = crash_api
    process = Run(api, tmp_path / "coopbot.db", "polling", 0).start()
    try:
        api.token_check = "111111111:SomeOtherTokenThatTheServerKnows_abcde"  # revoked
        revoked = time.monotonic()
        api.push_update(api.make_message("What is CEPA?"))  # ends the long poll in progress
        _, err = process.communicate(timeout=5)
        assert time.monotonic() - revoked < 5
    finally:
        process.kill()
    assert process.returncode == 2
    last = err.strip().splitlines()[-1]
    assert last.startswith("coopbot run: the Bot API server at")
    assert "rejected TELEGRAM_BOT_TOKEN (401: revoked or wrong)" in last
    assert TELEGRAM_TOKEN not in err

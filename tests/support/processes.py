"""`coopbot run` in processes of its own against the fake Bot API, and Telegram delivering to its
webhook: for the kill -9 tests (tests/test_crash.py) and the durability benchmark."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
from collections import Counter
from pathlib import Path
from typing import Any

from tests.support.data import CEPA_ANSWER, FIXTURE_KB
from tests.support.fake_bot_api import FakeBotApi
from tests.support.running_bot import TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_SECRET

WEBHOOK_URL = "https://coopbot.example.org/telegram/hook"


class Run:
    """`coopbot run` against the fake, in a process of its own, on one database."""

    def __init__(
        self, api: FakeBotApi, db: Path, mode: str, port: int, knowledge: Path = FIXTURE_KB
    ) -> None:
        self.api, self.db, self.mode, self.port = api, db, mode, port
        self.knowledge = knowledge

    def start(self) -> subprocess.Popen[str]:
        mark = self.api.mark()
        args = ["run", "--api-url", self.api.root, "--knowledge", str(self.knowledge)]
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
        c.params["chat_id"]
        for c in api.sent("sendMessage")
        if c.params["text"].startswith(CEPA_ANSWER)
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

"""Never lose a question: answers while PostgreSQL is stopped or hung, the webhook's limits,
back-pressure, the drain at stop, the library's memory of users. The runs of `coopbot run` killed
with kill -9, or stopped by a revoked token, are in tests/test_crash.py."""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from telegram import Update

from bot.telegram import app as app_module
from bot.telegram import intake as intake_module
from bot.telegram import webhook
from bot.telegram.intake import TokenRejected
from bot.telegram.logs import redact_in_logs
from tests.support.data import CEPA_ANSWER
from tests.support.fake_bot_api import FakeBotApi
from tests.support.postgres_server import fresh_schema, server_url
from tests.support.running_bot import TELEGRAM_WEBHOOK_SECRET, RunningBot
from tests.support.tcp_proxy import TcpProxy


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def answered_in_time(bot: RunningBot, users: range, limit: float = 1.0) -> list[float]:
    """Each user asks; every answer must come within `limit` seconds. The times taken."""
    taken = []
    for user in users:
        started = time.monotonic()
        answer = bot.say("What is CEPA?", user_id=user)
        taken.append(time.monotonic() - started)
        assert answer.params["text"].startswith(CEPA_ANSWER)
    assert max(taken) < limit, taken
    return taken


# --- PostgreSQL stopped or hung: answers keep coming within a second ---------------------------------


@pytest.fixture
def proxied_postgres() -> Iterator[tuple[TcpProxy, str]]:
    """A fresh schema on the test server, reached through a proxy the test can hang or stop."""
    with fresh_schema(server_url()) as url:
        parts = urlsplit(url)
        proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 5432))
        try:
            yield proxy, proxy.url(url)
        finally:
            proxy.close()


@pytest.mark.parametrize("trouble", ["hang", "down"])
def test_answers_come_within_a_second_while_postgresql_is_hung_or_stopped(
    start_bot: Callable[..., RunningBot],
    proxied_postgres: tuple[TcpProxy, str],
    trouble: str,
) -> None:
    proxy, url = proxied_postgres
    bot = start_bot(database_url=url)
    answered_in_time(bot, range(91_001, 91_003))
    getattr(proxy, trouble)()
    answered_in_time(bot, range(91_010, 91_016))
    assert bot.app.bot_data.storage.failing
    proxy.forward()
    wait_until(lambda: not bot.app.bot_data.storage.failing, timeout=15)
    answered_in_time(bot, range(91_020, 91_022))


# --- the webhook refuses early and cheaply -----------------------------------------------------------


@pytest.fixture
def webhook_bot(start_bot: Callable[..., RunningBot]) -> RunningBot:
    return start_bot(mode="webhook")


def raw_request(port: int, head: str, timeout: float = 5.0) -> bytes:
    """Send only `head` (request line and headers, no body) and read what comes back."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode())
        sock.settimeout(timeout)
        return sock.recv(4096)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ("Content-Type: application/json", b"403"),  # no secret
        (f"X-Telegram-Bot-Api-Secret-Token: {TELEGRAM_WEBHOOK_SECRET}", b"403"),  # not JSON
        (
            f"X-Telegram-Bot-Api-Secret-Token: {TELEGRAM_WEBHOOK_SECRET}\r\n"
            "Content-Type: application/json",
            b"400",  # too large: refused from its Content-Length
        ),
    ],
    ids=["no-secret", "not-json", "too-large"],
)
def test_a_95_mib_delivery_is_refused_before_its_body_is_sent(
    webhook_bot: RunningBot, headers: str, status: bytes
) -> None:
    path = webhook_bot.webhook_local_url.split("/", 3)[3]  # type: ignore[union-attr]
    head = (
        f"POST /{path} HTTP/1.1\r\nHost: x\r\n{headers}\r\n"
        f"Content-Length: {95 * 1024 * 1024}\r\n\r\n"
    )
    answer = raw_request(webhook_bot.settings.port, head)
    assert answer.split(b" ")[1] == status


def test_healthz_answers_while_more_idle_connections_are_open_than_the_limit(
    start_bot: Callable[..., RunningBot], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhook, "MAX_CONNECTIONS", 20)
    bot = start_bot(mode="webhook")
    idle = [socket.create_connection(("127.0.0.1", bot.settings.port)) for _ in range(60)]
    try:
        for sock in idle[:30]:
            sock.sendall(b"POST /telegram/hook HTTP/1.1\r\nHost: x\r\n")  # never finished
        url = f"http://127.0.0.1:{bot.settings.port}/healthz"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=5) as response:
            assert response.status == 200
        server = bot.app.bot_data.webhook_server
        assert len(server.streams) <= 20
        assert bot.say("What is CEPA?").params["text"].startswith(CEPA_ANSWER)
    finally:
        for sock in idle:
            sock.close()


def test_a_replayed_delivery_is_answered_once(webhook_bot: RunningBot) -> None:
    api = webhook_bot.api
    update = api.make_message("What is CEPA?", user_id=92_001)
    update["update_id"] = 555_000_001
    assert api.deliver_webhook(webhook_bot.webhook_local_url, update) == 200
    webhook_bot.settle(92_001)
    assert api.deliver_webhook(webhook_bot.webhook_local_url, update) == 200  # Telegram again
    webhook_bot.settle(92_001)
    answers = [t for t in api.sent_texts(92_001) if t.startswith(CEPA_ANSWER)]
    assert len(answers) == 1


# --- the inbox, back-pressure and the drain ----------------------------------------------------------


def inbox(db: Path) -> list[tuple[int, bool]]:
    """(update_id, handled) of every row of the inbox."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT update_id, done_at IS NOT NULL FROM inbox ORDER BY 1")
        return [(int(uid), bool(done)) for uid, done in rows]


def test_every_update_is_kept_and_marked_handled(telegram_bot: RunningBot, tmp_path: Path) -> None:
    first = telegram_bot.send(telegram_bot.api.make_message("What is CEPA?"))
    telegram_bot.settle()
    telegram_bot.stop()
    rows = inbox(tmp_path / "coopbot.db")
    assert (first, True) in rows
    assert all(done for _, done in rows)


def test_at_most_the_capacity_is_taken_from_telegram_at_once(
    start_bot: Callable[..., RunningBot], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake_module, "MAX_IN_FLIGHT", 3)
    bot = start_bot(poll_timeout=1)
    api = bot.api
    api.fail_next("sendMessage", "delay", delay=0.3, count=10)
    for user in range(93_001, 93_011):
        api.push_update(api.make_message("What is CEPA?", user_id=user))
    most = 0
    deadline = time.monotonic() + 10
    while (
        len([c for c in api.sent("sendMessage") if c.params["text"].startswith(CEPA_ANSWER)]) < 10
    ):
        most = max(most, bot.app.bot_data.intake.waiting)
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert 1 <= most <= 3
    assert len(api.pending_updates) == 0


def test_stopping_leaves_what_is_not_finished_in_time_for_the_next_start(
    start_bot: Callable[..., RunningBot], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(app_module, "DRAIN_SECONDS", 0.3)
    monkeypatch.setattr(app_module, "BOT_API_TIMEOUT", 5.0)
    bot = start_bot()
    api = bot.api
    api.fail_next("sendMessage", "delay", delay=3.0, count=2)
    late = [api.push_update(api.make_message("What is CEPA?", user_id=u)) for u in (94_001, 94_002)]
    wait_until(lambda: bot.app.bot_data.intake.waiting == 2)
    started = time.monotonic()
    bot.stop()
    assert time.monotonic() - started < 2.5  # the drain's deadline, not the 3 s sends
    assert {(u, False) for u in late} <= set(inbox(tmp_path / "coopbot.db"))
    again = start_bot()
    for user in (94_001, 94_002):
        api.wait_for(
            lambda c, user=user: (
                c.params["chat_id"] == user and c.params["text"].startswith(CEPA_ANSWER)
            ),
            timeout=10,
        )
    again.stop()
    assert all(done for uid, done in inbox(tmp_path / "coopbot.db") if uid in late)


def test_the_library_keeps_no_memory_of_users(telegram_bot: RunningBot) -> None:
    for user in range(95_001, 95_021):
        telegram_bot.send(telegram_bot.api.make_message("/help", user_id=user))
    telegram_bot.settle(95_020)
    app = telegram_bot.app
    assert app._user_ids_to_be_updated_in_persistence == set()
    assert app._chat_ids_to_be_updated_in_persistence == set()


def test_a_button_answered_too_late_still_sends_its_content(telegram_bot: RunningBot) -> None:
    api = telegram_bot.api
    api.fail_next(
        "answerCallbackQuery",
        400,
        description="Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    mark = api.mark()
    telegram_bot.send(api.make_callback_query("e|e|cepa-overview"))
    content = api.wait_for("sendMessage", after=mark)
    assert content.params["text"].startswith(CEPA_ANSWER)


def test_an_unreadable_update_is_skipped_without_its_content_in_the_log(
    webhook_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps({"update_id": 777_000_001, "message": "secret words of a user"})
    request = urllib.request.Request(
        webhook_bot.webhook_local_url,  # type: ignore[arg-type]
        data=body.encode(),
        headers={
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_WEBHOOK_SECRET,
        },
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=5) as response:
        assert response.status == 200  # kept and dropped: Telegram need not send it again
    webhook_bot.settle()
    assert "update 777000001 is not a readable update" in caplog.text
    assert "secret words" not in caplog.text


def test_no_log_record_above_debug_holds_what_a_user_wrote(
    fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    redact_in_logs()  # the record factory, as the bot installs it
    raw = fake_api.make_message("my secret question")
    raw["update_id"] = 42
    update = Update.de_json(raw, None)
    logger = logging.getLogger("telegram.ext.Application")
    with caplog.at_level(logging.DEBUG):
        logger.critical("Error while building CallbackContext for update %s.", update)
        logger.debug("Processing update %s", update)
    critical, debug = caplog.records
    assert critical.getMessage() == "Error while building CallbackContext for update update 42."
    assert "my secret question" in debug.getMessage()  # DEBUG may show it: the operator chose


def test_coopbot_ask_in_english_never_builds_the_traditional_converter() -> None:
    probe = (
        "import bot.text as t; from bot.cli import main; main(['ask', 'what is cepa']); "
        "print('BUILT', t._to_traditional_hk.cache_info().currsize)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip().endswith("BUILT 0")


def test_a_token_revoked_in_webhook_mode_stops_the_bot(webhook_bot: RunningBot) -> None:
    api = webhook_bot.api
    api.token_check = "111111111:SomeOtherTokenThatTheServerKnows_abcde"  # revoked
    webhook_bot.send(api.make_message("What is CEPA?"))  # its answer meets the 401
    wait_until(lambda: not webhook_bot.app.bot_data.serving.is_set())
    with pytest.raises(TokenRejected):
        webhook_bot.stop()
    webhook_bot.failure = None  # seen: the fixture's own stop need not raise it again

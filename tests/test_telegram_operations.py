"""Running the bot: Bot API failures, the webhook secret, the token kept out of logs, start-up
errors and a clean stop on SIGTERM."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_SECRET, RunningBot
from fake_bot_api import FakeBotApi

from bot.cli import main

USER = 10_001
ERROR_NOTE = "Sorry, something went wrong on my side. Please try again in a moment."

# --- Bot API failures ----------------------------------------------------------------------------


def test_a_bot_api_500_gets_an_apology_and_then_normal_service(telegram_bot: RunningBot) -> None:
    api = telegram_bot.api
    api.fail_next("sendMessage", 500)
    mark = len(api.calls)
    telegram_bot.send(api.make_message("What is CEPA?"))
    apology = api.wait_for("sendMessage", after=mark)
    assert apology.params["text"] == ERROR_NOTE
    assert [c.status for c in api.errors] == [500]
    assert telegram_bot.say("What is CEPA?").params["text"].startswith("CEPA is")


def test_a_429_is_retried_after_the_time_telegram_asks_for(
    start_bot: Callable[..., RunningBot],
) -> None:
    bot = start_bot(rate_limiter=True)
    bot.api.fail_next("sendMessage", 429, retry_after=1)
    answer = bot.say("What is CEPA?")
    refused = bot.api.errors[0]
    assert refused.status == 429
    assert answer.params["text"].startswith("CEPA is")
    assert answer.timestamp - refused.timestamp >= 1.0
    assert bot.say("/help").params["text"].startswith("Ask me")


def test_polling_carries_on_after_get_updates_fails(telegram_bot: RunningBot) -> None:
    telegram_bot.api.fail_next("getUpdates", 500)
    # The long poll already waiting is answered first; the failure hits the one after it.
    telegram_bot.say("/help")
    assert telegram_bot.say("What is CEPA?").params["text"].startswith("CEPA is")
    assert [c.method for c in telegram_bot.api.errors] == ["getUpdates"]


# --- the webhook ---------------------------------------------------------------------------------


@pytest.fixture
def webhook_bot(start_bot: Callable[..., RunningBot]) -> RunningBot:
    return start_bot(mode="webhook")


def test_the_webhook_is_registered_with_its_secret(webhook_bot: RunningBot) -> None:
    webhook = webhook_bot.api.webhook
    assert webhook["url"] == "https://coopbot.example.org/telegram/hook"
    assert webhook["secret_token"] == TELEGRAM_WEBHOOK_SECRET
    assert webhook["allowed_updates"] == ["message", "callback_query", "inline_query"]


@pytest.mark.parametrize("secret", ["wrong-secret", ""], ids=["wrong", "missing"])
def test_a_delivery_without_the_right_secret_is_refused(
    webhook_bot: RunningBot, secret: str
) -> None:
    api = webhook_bot.api
    status = api.deliver_webhook(
        webhook_bot.webhook_local_url, api.make_message("/start", user_id=666), secret=secret
    )
    assert status == 403
    webhook_bot.settle(USER)
    assert [c.params["chat_id"] for c in api.sent("sendMessage")] == [USER]


# --- the token out of the logs -------------------------------------------------------------------


def test_the_token_is_in_no_log_line_even_at_debug(
    start_bot: Callable[..., RunningBot], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # request URLs, token included
    bot = start_bot()
    bot.api.fail_next("sendMessage", 500)
    bot.say("What is CEPA?")  # the apology, after a logged traceback
    bot.say("/start")
    bot.stop()
    assert TELEGRAM_TOKEN not in caplog.text
    assert all(TELEGRAM_TOKEN not in record.getMessage() for record in caplog.records)
    assert "bot[REDACTED]/sendMessage" in caplog.text  # httpx did log the URLs, redacted


def test_the_token_goes_only_in_the_url_never_in_what_the_bot_sends(
    telegram_bot: RunningBot,
) -> None:
    telegram_bot.say("/about")
    telegram_bot.say("What is CEPA?")
    assert telegram_bot.api.tokens == [TELEGRAM_TOKEN]
    sent = json.dumps([c.params for c in telegram_bot.api.calls], ensure_ascii=False)
    assert TELEGRAM_TOKEN not in sent


# --- start-up errors -----------------------------------------------------------------------------


@pytest.fixture
def run_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An environment with no bot settings of the developer's own."""
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "COOPBOT_")) or name in ("ADMIN_USER_IDS", "PORT"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("COOPBOT_DB", str(tmp_path / "coopbot.db"))


def test_run_without_a_token_is_one_line_and_exit_code_2(
    run_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "TELEGRAM_BOT_TOKEN is not set" in err


def test_run_with_a_malformed_token_is_one_line_exit_2_and_does_not_echo_it(
    run_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token-secret")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "malformed" in err and "not-a-token-secret" not in err


def test_bare_coopbot_with_a_malformed_token_tries_the_bot_not_the_shell(
    run_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "12345")
    assert main([]) == 2
    assert "malformed" in capsys.readouterr().err


def test_run_in_webhook_mode_without_a_secret_is_exit_code_2(
    run_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    assert main(["run", "--webhook-url", "https://bot.example.org/hook"]) == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in capsys.readouterr().err


def coopbot(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """`coopbot ARGS` as a separate process (signals and exit codes are the point)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "COOPBOT_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        env={**clean, "PYTHONUNBUFFERED": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_token_the_server_rejects_is_one_line_and_exit_code_2(
    fake_api: FakeBotApi, tmp_path: Path
) -> None:
    fake_api.token_check = "111111111:SomeOtherTokenThatTheServerKnows_abcde"
    process = coopbot(
        "run",
        "--api-url",
        fake_api.root,
        "--knowledge",
        str(FIXTURE_KB),
        env={"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "COOPBOT_DB": str(tmp_path / "c.db")},
    )
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "rejected TELEGRAM_BOT_TOKEN" in err.splitlines()[-1]
    assert TELEGRAM_TOKEN not in err


# --- stopping ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stopped_by_sigterm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """`coopbot run` answering a question when SIGTERM arrives; what happened, once it exited.

    The fake holds the answer for a second, so the signal lands while the update is in progress.
    """
    from fake_bot_api import spec_missing_reason, spec_path

    if spec_path() is None:
        pytest.skip(spec_missing_reason())
    db = tmp_path_factory.mktemp("sigterm") / "coopbot.db"
    with FakeBotApi() as api:
        process = coopbot(
            "run",
            "--api-url",
            api.root,
            "--knowledge",
            str(FIXTURE_KB),
            "--db",
            str(db),
            env={"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN},
        )
        try:
            api.wait_for("deleteWebhook", timeout=20)  # the last call before polling starts
            api.fail_next("sendMessage", "delay", delay=1.0)
            update_id = api.push_update(api.make_message("What is CEPA?"))
            api.wait_for(lambda c: c.method == "getUpdates" and c.result, timeout=10)
            time.sleep(0.2)  # the handler is now waiting for sendMessage
            process.send_signal(signal.SIGTERM)
            _out, err = process.communicate(timeout=20)
        finally:
            process.kill()
        yield {
            "returncode": process.returncode,
            "stderr": err,
            "answers": [c for c in api.sent("sendMessage")],
            "confirmed": any(c.params.get("offset", 0) > update_id for c in api.sent("getUpdates")),
            "db": db,
        }


def test_sigterm_exits_with_code_0(stopped_by_sigterm: dict) -> None:
    assert stopped_by_sigterm["returncode"] == 0, stopped_by_sigterm["stderr"]


def test_sigterm_lets_the_update_in_progress_finish(stopped_by_sigterm: dict) -> None:
    answers = stopped_by_sigterm["answers"]
    assert len(answers) == 1 and answers[0].params["text"].startswith("CEPA is")
    assert stopped_by_sigterm["confirmed"]  # and tells Telegram not to send it again


def test_sigterm_closes_storage_with_everything_written(stopped_by_sigterm: dict) -> None:
    db: Path = stopped_by_sigterm["db"]
    assert "storage closed" in stopped_by_sigterm["stderr"]
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT entry_id, count FROM answer_count").fetchall() == [
            ("cepa-overview", 1)
        ]


def test_the_running_bot_logs_no_token(stopped_by_sigterm: dict) -> None:
    assert "polling mode" in stopped_by_sigterm["stderr"]
    assert TELEGRAM_TOKEN not in stopped_by_sigterm["stderr"]

"""Running the bot: Bot API failures, the webhook secret, the token kept out of logs, start-up
errors and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.storage import SQLiteStorage
from bot.telegram import app as app_module
from bot.telegram import retry
from tests.support.data import CEPA_ANSWER, FIXTURE_KB
from tests.support.doubles import BrokenBackEnd, HungBackEnd
from tests.support.fake_bot_api import DEFAULT_USER_ID, FakeBotApi
from tests.support.running_bot import TELEGRAM_TOKEN, TELEGRAM_WEBHOOK_SECRET, RunningBot

USER = DEFAULT_USER_ID
ERROR_NOTE = "Sorry, something went wrong on my side. Please try again in a moment."

# --- Bot API failures ----------------------------------------------------------------------------


@pytest.mark.parametrize("fault", [500, 502, "drop"])
def test_a_bot_api_5xx_or_dropped_connection_is_retried_and_the_user_answered(
    telegram_bot: RunningBot, fault: int | str
) -> None:
    api = telegram_bot.api
    api.fail_next("sendMessage", fault)
    answer = telegram_bot.say("What is CEPA?")
    assert answer.params["text"].startswith(CEPA_ANSWER)
    assert [c.method for c in api.errors] == ["sendMessage"]
    assert ERROR_NOTE not in api.sent_texts()


def test_a_send_that_timed_out_gets_no_apology_after_it(
    start_bot: Callable[..., RunningBot],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(app_module, "BOT_API_TIMEOUT", 0.3)
    bot = start_bot()
    bot.api.fail_next("sendMessage", "delay", delay=0.8)
    mark = bot.api.mark()
    bot.send(bot.api.make_message("What is CEPA?"))
    late = bot.api.wait_for("sendMessage", after=mark)  # delivered after the bot gave up
    bot.settle()
    assert late.params["text"].startswith(CEPA_ANSWER)
    assert ERROR_NOTE not in bot.api.sent_texts()
    assert "Telegram may have delivered it" in caplog.text


def test_a_429_is_retried_after_the_time_telegram_asks_for(
    start_bot: Callable[..., RunningBot],
) -> None:
    bot = start_bot(rate_limiter=True)
    bot.api.fail_next("sendMessage", 429, retry_after=1)
    answer = bot.say("What is CEPA?")
    refused = bot.api.errors[0]
    assert refused.status == 429
    assert answer.params["text"].startswith(CEPA_ANSWER)
    assert answer.timestamp - refused.timestamp >= 1.0
    assert bot.say("/help").params["text"].startswith("Ask me")


def test_polling_carries_on_after_get_updates_fails(telegram_bot: RunningBot) -> None:
    telegram_bot.api.fail_next("getUpdates", 500)
    # The long poll already waiting is answered first; the failure hits the one after it.
    telegram_bot.say("/help")
    assert telegram_bot.say("What is CEPA?").params["text"].startswith(CEPA_ANSWER)
    assert [c.method for c in telegram_bot.api.errors] == ["getUpdates"]


# --- every question answered once or logged as failed, whatever the Bot API does -----------------

#: The line `handlers.on_error` logs for each update it could not handle.
FAILED_LINE = re.compile(r"handling update (\d+) \(message\) failed")
#: What a question becomes when the bot's answer to it meets each fault of sendMessage: 5xx,
#: dropped connections and 429 are tried again (bot/telegram/retry.py), within the deadline the
#: asker fixture sets; a send that timed out may have reached Telegram all the same, as it does
#: here (the fake delivers it after the bot has given up), so it is not sent again.
SEND_FAULTS = [
    ({"status": 500}, "answered"),
    ({"status": 502}, "answered"),
    ({"status": "drop"}, "answered"),
    ({"status": "delay", "delay": 1.0}, "answered and logged as failed"),
    ({"status": 429, "retry_after": 1}, "answered"),
    ({"status": 500, "count": 3}, "logged as failed"),  # past the deadline: given up
]
#: Each fault of getUpdates once, in a row; the delay is past the long poll's timeout.
POLL_FAULTS = [
    {"status": 500},
    {"status": "drop"},
    {"status": "delay", "delay": 2.0},
    {"status": 429, "retry_after": 1},
]


@dataclass
class Tally:
    """What became of questions asked under faults, each by a user of its own."""

    answers: dict[int, int]  # update id -> answers the user got
    failed: dict[int, str]  # update id -> the line that logged it as failed

    def answered(self) -> set[int]:
        return {update_id for update_id, count in self.answers.items() if count}

    def surely_failed(self) -> set[int]:
        """Failed and not delivered: only a send that timed out may have reached the user."""
        return {u for u, line in self.failed.items() if "may have delivered" not in line}

    def outcome(self, update_id: int) -> str:
        answered = "answered" if self.answers[update_id] else ""
        failed = "logged as failed" if update_id in self.failed else ""
        return " and ".join(filter(None, [answered, failed])) or "dropped"


class Asker:
    """Asks "What is CEPA?" as a new user each time, and tallies what became of each question."""

    def __init__(self, bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
        self.bot, self.caplog = bot, caplog
        self.users: dict[int, int] = {}  # update id -> the user who asked

    def ask(self) -> int:
        user = 30_000 + len(self.users)
        update_id = self.bot.api.push_update(
            self.bot.api.make_message("What is CEPA?", user_id=user)
        )
        self.users[update_id] = user
        return update_id

    def tally(self) -> Tally:
        answered = [
            c.params["chat_id"]
            for c in self.bot.api.sent("sendMessage")
            if c.params["text"].startswith(CEPA_ANSWER)
        ]
        failed = {
            int(match[1]): record.getMessage()
            for record in self.caplog.records
            if (match := FAILED_LINE.match(record.getMessage()))
        }
        return Tally(
            {update_id: answered.count(user) for update_id, user in self.users.items()},
            {update_id: line for update_id, line in failed.items() if update_id in self.users},
        )

    def wait_for_every_outcome(self, timeout: float = 20.0) -> Tally:
        """Wait until each question is answered or surely failed, then until the bot is done
        with each user (their updates are handled in order), so a second answer would show."""
        deadline = time.monotonic() + timeout
        while (tally := self.tally()).answered() | tally.surely_failed() != set(self.users):
            assert time.monotonic() < deadline, f"questions with no outcome: {tally}"
            time.sleep(0.05)
        for user in self.users.values():
            self.bot.settle(user)
        return self.tally()


def assert_each_answered_once_or_logged_as_failed(tally: Tally) -> None:
    assert all(count <= 1 for count in tally.answers.values()), f"answered twice: {tally}"
    assert len(tally.answered()) + len(tally.surely_failed()) == len(tally.answers), tally


@pytest.fixture
def asker(
    start_bot: Callable[..., RunningBot],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> Asker:
    """The bot as deployed (the rate limiter on), except that a Bot API call times out after
    half a second, is retried for 1.5 s at most, and a long poll lasts a second: the faults take
    seconds, not minutes."""
    monkeypatch.setattr(app_module, "BOT_API_TIMEOUT", 0.5)
    monkeypatch.setattr(retry, "SEND_DEADLINE", 1.5)
    return Asker(start_bot(rate_limiter=True, poll_timeout=1), caplog)


def test_under_send_faults_each_question_is_answered_once_or_logged_as_failed(
    asker: Asker,
) -> None:
    outcomes = []
    for fault, _ in SEND_FAULTS:
        asker.bot.api.fail_next("sendMessage", **fault)
        update_id = asker.ask()
        outcomes.append(asker.wait_for_every_outcome().outcome(update_id))
    assert outcomes == [outcome for _, outcome in SEND_FAULTS]
    assert_each_answered_once_or_logged_as_failed(asker.tally())
    assert asker.bot.say("What is CEPA?").params["text"].startswith(CEPA_ANSWER)


def test_under_polling_faults_each_question_is_answered_once(asker: Asker) -> None:
    for fault in POLL_FAULTS:
        asker.bot.api.fail_next("getUpdates", **fault)
    while asker.bot.api.faults_pending():  # questions keep coming while polling fails
        asker.ask()
        time.sleep(0.5)
    asker.ask()
    tally = asker.wait_for_every_outcome()
    assert_each_answered_once_or_logged_as_failed(tally)
    assert set(tally.answers.values()) == {1} and not tally.failed


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


def health(bot: RunningBot) -> tuple[int, dict]:
    """GET /healthz on the webhook's port, as a load balancer asks: (status, JSON body)."""
    url = f"http://127.0.0.1:{bot.settings.port}/healthz"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as refused:
        return refused.code, json.load(refused)


def test_healthz_says_ok_with_the_number_of_entries(webhook_bot: RunningBot) -> None:
    assert health(webhook_bot) == (
        200,
        {"status": "ok", "entries": 3, "storage": "ok", "waiting": 0},
    )


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_healthz_is_503_while_the_database_cannot_be_written_and_the_log_says_why(
    webhook_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    guard = webhook_bot.app.bot_data.storage
    guard.inner = BrokenBackEnd(guard.inner, "the disk is full")
    assert webhook_bot.say("What is CEPA?").params["text"].startswith(CEPA_ANSWER)
    wait_until(lambda: guard.failing)  # the answer's count, written behind, failed
    status, body = health(webhook_bot)
    assert (status, body["status"], body["storage"]) == (503, "unavailable", "failing")
    assert "health check: the database cannot be written" in caplog.text
    assert "saving failed: the disk is full" in caplog.text


def test_healthz_is_ok_again_once_the_database_is(
    webhook_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    guard = webhook_bot.app.bot_data.storage
    real = guard.inner
    guard.inner = BrokenBackEnd(real)
    webhook_bot.say("What is CEPA?")
    wait_until(lambda: guard.failing)
    guard.inner = real
    wait_until(lambda: not guard.failing)  # the probe, after its back-off
    assert health(webhook_bot)[0] == 200


def test_answers_keep_coming_within_a_second_while_the_database_hangs(
    webhook_bot: RunningBot,
) -> None:
    guard = webhook_bot.app.bot_data.storage
    guard.inner = HungBackEnd(guard.inner)
    for user in (81_001, 81_002, 81_001, 81_003):
        started = time.monotonic()
        answer = webhook_bot.say("What is CEPA?", user_id=user)
        assert answer.params["text"].startswith(CEPA_ANSWER)
        assert time.monotonic() - started < 1.0
    assert health(webhook_bot)[0] == 503


def test_healthz_is_served_beside_the_webhook_without_disturbing_it(
    webhook_bot: RunningBot,
) -> None:
    health(webhook_bot)
    assert webhook_bot.say("What is CEPA?").params["text"].startswith(CEPA_ANSWER)


# --- the token out of the logs -------------------------------------------------------------------


def test_the_token_is_in_no_log_line_even_at_debug(
    start_bot: Callable[..., RunningBot], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # request URLs, token included
    bot = start_bot()
    bot.api.fail_next("sendMessage", 500)
    bot.say("What is CEPA?")  # the apology, after the failure is logged
    bot.say("/start")
    bot.stop()
    assert TELEGRAM_TOKEN not in caplog.text
    assert all(TELEGRAM_TOKEN not in record.getMessage() for record in caplog.records)
    assert "bot[REDACTED]/sendMessage" in caplog.text  # the request URLs were logged, redacted


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


def read_only_database(path: Path) -> None:
    sqlite3.connect(path).close()
    path.chmod(0o444)


def corrupt_database(path: Path) -> None:
    path.write_bytes(b"not a database, whatever its name says " * 200)


@pytest.fixture
def lock_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    """Another process's write transaction on the file, held to the end of the test; the bot
    waits a tenth of a second for it rather than five (the lock is never let go anyway)."""
    real_open = SQLiteStorage.open.__func__  # type: ignore[attr-defined]

    async def impatient_open(
        cls: type[SQLiteStorage],
        path: Path,
        hash_key: bytes | None = None,
        **options: Any,
    ) -> SQLiteStorage:
        return await real_open(cls, path, hash_key, **{**options, "busy_timeout": 0.1})

    monkeypatch.setattr(SQLiteStorage, "open", classmethod(impatient_open))
    holders: list[sqlite3.Connection] = []

    def lock(path: Path) -> None:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("PRAGMA journal_mode = WAL")
        holder.execute("BEGIN EXCLUSIVE")
        holders.append(holder)

    yield lock
    for holder in holders:
        holder.close()


@pytest.fixture
def run_in_process(
    run_env: None,
    fake_api: FakeBotApi,
    monkeypatch: pytest.MonkeyPatch,
    shared_tls_context: None,
) -> Callable[..., int]:
    """`coopbot run ARGS` in this process against the fake; returns the exit code.

    `run_polling` takes this thread's event loop, closes it and leaves the signal handlers as
    they were, so each run gets a loop of its own.
    """
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)

    def run(*args: str) -> int:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            return main(["run", "--api-url", fake_api.root, "--knowledge", str(FIXTURE_KB), *args])
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    return run


@pytest.mark.parametrize(
    ("spoilt", "problem"),
    [
        ("read-only", "the file is read-only"),
        ("corrupt", "not a SQLite database (corrupt, or some other kind of file)"),
        ("locked", "the database is locked by another process (waited 0.1 s)"),
    ],
)
def test_a_database_that_cannot_be_used_stops_run_with_one_line_naming_the_file(
    run_in_process: Callable[..., int],
    lock_database: Callable[[Path], None],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    spoilt: str,
    problem: str,
) -> None:
    spoil = {"read-only": read_only_database, "corrupt": corrupt_database, "locked": lock_database}
    db = tmp_path / "spoilt.db"
    spoil[spoilt](db)
    assert run_in_process("--db", str(db)) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"coopbot run: {db}: cannot open: {problem}")
    assert err.count("\n") == 1


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

#: Questions in progress when SIGTERM arrives, each from a user of its own; their answers are held
#: for a second by the fake, as are the acknowledgements of the votes in progress.
BURST_USERS = range(50_001, 50_009)
VOTERS = range(60_001, 60_004)
#: Questions sent just after SIGTERM: answered by the stopping bot, or left with Telegram for the
#: next one, but answered once either way.
LATE_USERS = range(70_001, 70_004)


@dataclass
class SigtermRuns:
    """`coopbot run` stopped by SIGTERM in the middle of a burst of updates, then run again on
    the same database and stopped again: what each run did and what it left in the database."""

    returncodes: list[int]
    stderr: list[str]
    answers: list[list[int]]  # for each run: the chats that got the answer to "What is CEPA?"
    votes_acknowledged: list[int]  # for each run: answerCallbackQuery calls that went through
    answer_counts: list[list[tuple[str, int]]]  # the answer_count table after each run
    feedback: list[int]  # feedback rows after each run
    wal_sizes: list[int]  # the -wal file after each run (0 when folded into the database)


def cepa_answers(api: FakeBotApi, after: int = 0) -> list[int]:
    """The chats that got the answer to "What is CEPA?", from call `after` on."""
    return [
        c.params["chat_id"]
        for c in api.sent("sendMessage")
        if c.index >= after and c.params["text"].startswith(CEPA_ANSWER)
    ]


def read_database(db: Path) -> tuple[list[tuple[str, int]], int, int]:
    wal = Path(f"{db}-wal")
    with contextlib.closing(sqlite3.connect(db)) as conn:
        counts = conn.execute("SELECT entry_id, count FROM answer_count").fetchall()
        (feedback,) = conn.execute("SELECT COUNT(*) FROM feedback").fetchone()
    return counts, feedback, wal.stat().st_size if wal.exists() else 0


@pytest.fixture(scope="module")
def sigterm_runs(tmp_path_factory: pytest.TempPathFactory) -> SigtermRuns:
    """Two real `coopbot run` processes, one after the other, each stopped by SIGTERM: the
    first in the middle of a burst, the second once it has answered what the first left.
    Once for the module: a process takes seconds to start."""
    db = tmp_path_factory.mktemp("sigterm") / "coopbot.db"
    runs = SigtermRuns([], [], [], [], [], [], [])
    with FakeBotApi() as api:

        def run_until_sigterm(
            in_progress: Callable[[], None], after_signal: Callable[[], None]
        ) -> None:
            mark = api.mark()
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
                api.wait_for(lambda c: c.method == "deleteWebhook", timeout=30, after=mark)
                in_progress()
                process.send_signal(signal.SIGTERM)
                after_signal()
                _out, err = process.communicate(timeout=30)
            finally:
                process.kill()
            runs.returncodes.append(process.returncode)
            runs.stderr.append(err)
            runs.answers.append(cepa_answers(api, mark))
            acknowledged = [c for c in api.sent("answerCallbackQuery") if c.index >= mark]
            runs.votes_acknowledged.append(len(acknowledged))
            counts, feedback, wal = read_database(db)
            runs.answer_counts.append(counts)
            runs.feedback.append(feedback)
            runs.wal_sizes.append(wal)

        def burst() -> None:
            api.fail_next("sendMessage", "delay", delay=1.0, count=len(BURST_USERS))
            api.fail_next("answerCallbackQuery", "delay", delay=1.0, count=len(VOTERS))
            for user in BURST_USERS:
                api.push_update(api.make_message("What is CEPA?", user_id=user))
            for user in VOTERS:
                last = api.push_update(api.make_callback_query("u|e|cepa-overview", user_id=user))
            api.wait_for(
                lambda c: c.method == "getUpdates" and c.result[-1]["update_id"] == last,
                timeout=10,
            )
            time.sleep(0.2)  # the handlers are now waiting for the Bot API

        def late_questions() -> None:
            for user in LATE_USERS:
                api.push_update(api.make_message("What is CEPA?", user_id=user))

        def late_questions_answered() -> None:
            deadline = time.monotonic() + 10
            while not set(LATE_USERS) <= set(cepa_answers(api)):
                assert time.monotonic() < deadline, "the late questions were never answered"
                time.sleep(0.05)

        run_until_sigterm(burst, late_questions)
        run_until_sigterm(late_questions_answered, lambda: None)
    return runs


def test_sigterm_exits_with_code_0(sigterm_runs: SigtermRuns) -> None:
    assert sigterm_runs.returncodes == [0, 0], sigterm_runs.stderr


def test_sigterm_lets_the_questions_in_progress_finish(sigterm_runs: SigtermRuns) -> None:
    assert set(BURST_USERS) <= set(sigterm_runs.answers[0])


def test_sigterm_lets_the_votes_in_progress_finish(sigterm_runs: SigtermRuns) -> None:
    assert sigterm_runs.votes_acknowledged[0] == len(VOTERS)


def test_sigterm_closes_storage_with_everything_written(sigterm_runs: SigtermRuns) -> None:
    assert "storage closed" in sigterm_runs.stderr[0]
    assert sigterm_runs.wal_sizes[0] == 0
    assert sigterm_runs.answer_counts[0] == [("cepa-overview", len(sigterm_runs.answers[0]))]
    assert sigterm_runs.feedback[0] == len(VOTERS)


def test_after_a_restart_every_question_has_been_answered_exactly_once(
    sigterm_runs: SigtermRuns,
) -> None:
    everyone = sigterm_runs.answers[0] + sigterm_runs.answers[1]
    assert sorted(everyone) == [*BURST_USERS, *LATE_USERS]


def test_after_a_restart_the_database_holds_the_writes_of_both_runs(
    sigterm_runs: SigtermRuns,
) -> None:
    answered = len(BURST_USERS) + len(LATE_USERS)
    assert sigterm_runs.answer_counts[1] == [("cepa-overview", answered)]
    assert sigterm_runs.feedback[1] == len(VOTERS)


def test_the_running_bot_logs_no_token(sigterm_runs: SigtermRuns) -> None:
    assert all("polling mode" in err for err in sigterm_runs.stderr)
    assert all(TELEGRAM_TOKEN not in err for err in sigterm_runs.stderr)

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

import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.fake_bot_api import FakeBotApi
from tests.support.processes import Run, Telegram, answers
from tests.support.running_bot import TELEGRAM_TOKEN, free_port

BURST = 120


def wait_until(condition: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def handled(run: Run) -> Callable[[], bool]:
    return lambda: run.kept() == (BURST, BURST)


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

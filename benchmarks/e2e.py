"""End to end: the real Telegram Application against the test fake Bot API server on loopback,
beside its ceiling, a bare python-telegram-bot echo bot in the same set-up.

The bot runs as `coopbot run` serves it, in a process of its own; the fake server
(`tests/support/fake_bot_api.py`) and the simulated users share this one. So the figures include
python-telegram-bot, HTTP and storage: what a user would wait for, less the network. The echo bot
(python-telegram-bot's echobot example: one handler replying with the text, the Application's
own polling) is driven the same way, right before, so `ratio_to_echo` compares the two on the
same machine in the same minute: what coopbot's matching, durable intake and storage cost over
the least any python-telegram-bot bot does.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.measure import Progress, latency
from bot.config import Settings
from bot.engine import Engine

BENCH_TOKEN = "123456789:AAbenchTokenForTheFakeBotApi_0123456"


def serve_bot(settings: Settings) -> None:
    """The bot as `coopbot run` serves it (polling), with the outgoing rate limiter off; in its own
    process, so that its CPU time is measured apart from the fake server and the simulated users.

    A one-second long poll, where `coopbot run` waits ten: an idle poll returns as soon as an update
    arrives either way, and the bot then stops within a second of SIGTERM.
    """
    from bot.telegram.app import build_application, run

    engine = Engine.load(settings.knowledge)
    run(build_application(settings, engine, rate_limiter=False), settings, poll_timeout=1)


def serve_echo(settings: Settings) -> None:
    """The ceiling: a bare python-telegram-bot echo bot (its echobot example), polling the same
    fake with the same one-second long poll."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.text:
            await message.reply_text(message.text)

    assert settings.token is not None
    app = ApplicationBuilder().token(settings.token).base_url(f"{settings.api_url}/bot").build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(timeout=1, allowed_updates=[Update.MESSAGE])


def _cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process (Linux), for the bot's cost per update."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def end_to_end(
    knowledge: Path, users: int, per_user: int, questions: list[str], progress: Progress
) -> dict:
    """N users asking at once, each asking its next question when the last one is answered: the
    echo bot first, then coopbot, each against a fake of its own; coopbot's figures, with the
    echo bot's under "echo" and coopbot's throughput as a share of it."""
    ceiling = _one_bot(serve_echo, "echo bot", knowledge, users, per_user, questions, progress)
    figures = _one_bot(serve_bot, "coopbot", knowledge, users, per_user, questions, progress)
    figures["echo"] = ceiling
    figures["ratio_to_echo"] = round(figures["updates_per_s"] / ceiling["updates_per_s"], 3)
    return figures


def _one_bot(
    target: Callable[[Settings], None],
    name: str,
    knowledge: Path,
    users: int,
    per_user: int,
    questions: list[str],
    progress: Progress,
) -> dict:
    """Latency runs from the moment a user's update is queued at the fake server to the moment
    the server receives the bot's reply. The fake server and the users share this process; the
    bot runs in another, as it would in production."""
    # Imported here, not at the top: the bot's process and the scale workers need none of it.
    from tests.support.fake_bot_api import FakeBotApi

    progress(f"end to end: starting the {name} for {users} users")
    with tempfile.TemporaryDirectory(prefix="coopbot-bench-") as folder, FakeBotApi() as api:
        settings = Settings(
            token=BENCH_TOKEN,
            api_url=api.root,
            knowledge=knowledge,
            db_path=Path(folder) / "bench.db",
            user_hash_key=b"bench-key-not-secret-0123456789ab",
            flood_limit=1_000_000,  # the flood gate would slow the simulated users, not the bot
        )
        bot = multiprocessing.get_context("spawn").Process(
            target=target, args=(settings,), daemon=True
        )
        bot.start()
        try:
            api.wait_for("getUpdates", timeout=60)
            return _drive(api, bot.pid or 0, users, per_user, questions, progress)
        finally:
            bot.terminate()
            bot.join(30)
            if bot.is_alive():
                bot.kill()


def _drive(
    api: Any, pid: int, users: int, per_user: int, questions: list[str], progress: Progress
) -> dict:
    """One user alone first (latency without queueing, which also warms the bot up), then all
    `users` at once; replies are matched to users by a single thread reading the server's log."""
    alone = users + 1
    replies: dict[int, queue.Queue[float]] = {uid: queue.Queue() for uid in range(1, alone + 1)}

    def watch() -> None:
        cursor = 0
        for _ in range((users + 1) * per_user):
            call = api.wait_for(lambda c: c.method == "sendMessage", after=cursor, timeout=60)
            cursor = call.index + 1
            replies[int(call.params["chat_id"])].put(call.timestamp)

    threading.Thread(target=watch, name="bench-replies", daemon=True).start()

    def ask(uid: int, latencies: list[float]) -> None:
        for n in range(per_user):
            question = questions[(uid * per_user + n) % len(questions)]
            sent = time.time()  # the server stamps calls with time.time() too
            api.push_update(api.make_message(question, user_id=uid))
            latencies.append(replies[uid].get(timeout=60) - sent)

    progress(f"end to end: one user, {per_user} questions")
    unloaded: list[float] = []
    ask(alone, unloaded)
    progress(f"end to end: {users} users x {per_user} questions")
    latencies: list[float] = []
    failures: list[BaseException] = []

    def user(uid: int) -> None:
        try:
            ask(uid, latencies)
        except BaseException as exc:  # reported below, in the measuring thread
            failures.append(exc)

    cpu_before = _cpu_seconds(pid)
    start = time.perf_counter()
    threads = [threading.Thread(target=user, args=(uid,)) for uid in range(1, users + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    cpu_after = _cpu_seconds(pid)
    if failures:
        raise RuntimeError(f"end-to-end: a simulated user got no reply: {failures[0]!r}")
    handled = users * per_user
    result = {
        "users": users,
        "questions_per_user": per_user,
        "updates": handled,
        "updates_per_s": round(handled / seconds, 1),
        **latency(latencies),
        "one_user": latency(unloaded),
        "rejected_calls": len(api.errors),
    }
    if cpu_before is not None and cpu_after is not None:
        result["bot_cpu_ms_per_update"] = round((cpu_after - cpu_before) * 1000 / handled, 3)
    return result

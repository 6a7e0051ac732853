"""The real bot, run in a thread against the fake Bot API, and what tests read off its calls."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from bot.config import Settings
from bot.engine import Engine
from bot.telegram.app import build_application, request_stop, run
from tests.support.fake_bot_api import DEFAULT_USER_ID, Call, FakeBotApi

#: Well-formed (bot.config.check_token accepts it) and distinctive, so a leak is easy to grep for.
TELEGRAM_TOKEN = "123456789:AAFakeTokenForTests-0123456789_abcdef"
TELEGRAM_ADMIN_ID = 4242
TELEGRAM_WEBHOOK_SECRET = "test-webhook-secret_0123"


class RunningBot:
    """The real Application, served by `bot.telegram.app.run` in a thread, as `coopbot run` does.

    A thread (not the test's event loop) because `run` owns its event loop, and running it, rather
    than re-creating its start-up steps, is what the tests must cover.
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
        self.api, self.settings, self.mode = api, settings, mode
        self.poll_timeout = poll_timeout
        self.app = build_application(
            settings, engine or Engine.load(settings.knowledge), rate_limiter=rate_limiter
        )
        self.webhook_local_url = (
            f"http://127.0.0.1:{settings.port}/{settings.webhook_url.split('/', 3)[3]}"
            if mode == "webhook"
            else None
        )
        self.failure: BaseException | None = None
        self._thread = threading.Thread(target=self._serve, name=f"bot-{mode}", daemon=True)

    def _serve(self) -> None:
        try:
            run(self.app, self.settings, stop_signals=(), poll_timeout=self.poll_timeout)
        except BaseException as exc:  # reported by start()/stop(), in the test's thread
            self.failure = exc

    def start(self) -> RunningBot:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.app.bot_data.serving.is_set():
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise AssertionError(f"the bot did not start: {self.failure!r}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop as SIGTERM does: updates in progress finish, storage is closed."""
        if self._thread.is_alive():
            request_stop(self.app)
            self._thread.join(timeout=15)
        assert not self._thread.is_alive(), "the bot did not stop"
        if self.failure is not None:
            raise self.failure

    def send(self, update: dict[str, Any]) -> int:
        """Hand an update to the bot the way this mode receives them; returns its update_id."""
        if self.mode == "polling":
            return self.api.push_update(update)
        status = self.api.deliver_webhook(self.webhook_local_url, update)
        assert status == 200, f"webhook delivery refused with {status}"
        return -1

    def say(self, text: str | None, **fields: Any) -> Call:
        """A user's message; returns the bot's first sendMessage after it."""
        mark = self.api.mark()
        self.send(self.api.make_message(text, **fields))
        return self.api.wait_for("sendMessage", after=mark)

    def settle(self, user_id: int = DEFAULT_USER_ID) -> None:
        """Wait until the user's earlier updates are fully handled, storage writes included.

        A user's updates are handled one at a time, in order, so the reply to a later /help
        proves every earlier one finished.
        """
        mark = self.api.mark()
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
        mark = self.api.mark()
        self.send(self.api.make_callback_query(data, message=message, **fields))
        return self.api.wait_for("answerCallbackQuery", after=mark)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def buttons(call: Call) -> list[tuple[str, str]]:
    """(label, callback_data) of every button under a sent message."""
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [
        (b["text"], b.get("callback_data", "")) for row in markup["inline_keyboard"] for b in row
    ]


def button_data(call: Call) -> list[str]:
    """The callback_data of every button under a sent message, in order."""
    return [data for _label, data in buttons(call)]

"""Bot API calls retried where Telegram would have them retried, and nowhere else.

A 5xx (Telegram's servers or its front end having a bad moment), a connection that failed or
dropped, and a 429 "retry after N" are tried again, after a short back-off or the N seconds asked
for, as long as the call's total deadline (SEND_DEADLINE) allows. Never retried:

- a **timeout**: the call may have reached Telegram and the answer gone out all the same; sending
  it again could answer twice (the error handler, likewise, sends no apology after one);
- a **4xx** other than 429: the call itself is wrong, and would be refused again;
- a **401**: the token was revoked or is wrong. `on_token_rejected` is told, so the bot stops
  with one clear line rather than carry on answering nothing.

An `answerCallbackQuery` refused as "query is too old" (the press was more than about 15 seconds
ago, or the bot restarted in between) is logged and taken as answered: the button's spinner is
long gone, and the content the press asked for must still be sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.request import RequestData

from bot.telegram.transport import BotApiRequest

logger = logging.getLogger(__name__)

#: Seconds from a call's first try after which it is not tried again.
SEND_DEADLINE = 10.0
#: Seconds before the first retry of a failed call; doubled for each further one.
FIRST_BACKOFF = 0.25
#: What Telegram says of a callback query it no longer accepts an answer for.
QUERY_TOO_OLD = "query is too old"


class RetryingRequest(BotApiRequest):
    """The bot's HTTP request (bot/telegram/transport.py), with the retries of the module
    docstring."""

    def __init__(
        self,
        *args: Any,
        deadline: float | None = None,
        on_token_rejected: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = SEND_DEADLINE if deadline is None else deadline
        self.on_token_rejected = on_token_rejected

    async def post(self, url: str, request_data: RequestData | None = None, **timeouts: Any) -> Any:
        """One Bot API call, tried again on the failures of the module docstring."""
        method = url.rsplit("/", 1)[-1]
        give_up = time.monotonic() + self.deadline
        backoff = FIRST_BACKOFF
        while True:
            try:
                return await super().post(url, request_data, **timeouts)
            except InvalidToken:
                if self.on_token_rejected is not None:
                    self.on_token_rejected()
                raise
            except RetryAfter as exc:
                wait, problem = seconds(exc.retry_after), exc
            except BadRequest as exc:
                if method == "answerCallbackQuery" and QUERY_TOO_OLD in exc.message.lower():
                    logger.info("a button press was answered too late; sending its content anyway")
                    return True
                raise
            except (TimedOut, Forbidden, Conflict, ChatMigrated):
                raise
            except NetworkError as exc:  # 5xx, or the connection failed or dropped
                wait, problem = backoff, exc
                backoff *= 2
            if time.monotonic() + wait > give_up:
                raise problem
            logger.info("Bot API %s failed (%s); trying again in %.2f s", method, problem, wait)
            await asyncio.sleep(wait)


def seconds(value: object) -> float:
    """retry_after as seconds, whether python-telegram-bot gives an int or a timedelta."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]

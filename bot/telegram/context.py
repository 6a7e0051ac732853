"""What every handler shares, typed: python-telegram-bot's `ContextTypes` with a `BotData` class.

As in python-telegram-bot's contexttypesbot.py example, `context.bot_data` is an object with named,
typed attributes rather than a dict of string keys, so a handler reads `context.bot_data.engine`
and a typo is an error where it is written. The Application creates `BotData()` itself, with no
arguments; `bot.telegram.app.build_application` fills it in before any update is handled.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.config import Settings
from bot.conversation import Conversations
from bot.engine import Engine
from bot.storage import Storage
from bot.telegram.feedback import AwaitingComment
from bot.telegram.flood import FloodGate

if TYPE_CHECKING:
    from bot.telegram.intake import Intake


class BotData:
    """The engine, settings, storage and flood gate every handler uses.

    The engine is immutable and replaced whole by `/reload` (one assignment), so a handler that
    read it once answers with one knowledge base and its own matcher to the end.
    """

    settings: Settings
    engine: Engine
    flood: FloodGate
    intake: Intake  # set by build_application

    def __init__(self) -> None:
        self.storage: Storage | None = None  # opened when the bot starts, closed when it stops
        self.purge_task: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop serving, once it serves
        self.stopping = asyncio.Event()  # set by SIGTERM or `bot.telegram.app.request_stop`
        self.serving = asyncio.Event()  # set once updates are being taken in
        # The last turn of each conversation ("and Shanghai?" leans on it), and the turn each
        # answer sent was for (a reply to it continues from there); in memory, bounded.
        self.conversations = Conversations()
        self.answers = Conversations(ttl=24 * 3600)
        self.awaiting_comment = AwaitingComment()  # asked "What were you looking for?" after 👎
        self.tasks: list[asyncio.Task[None]] = []  # purge, heartbeat, intake upkeep
        self.started: float | None = None  # time.time() when serving began
        self.poll_timeout = 0  # seconds a long poll waits (polling mode)
        self.token_rejected = False  # the Bot API refused the token while serving
        self.webhook_server: Any = None  # webhook mode: our server (its open connections)

    def setup(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.flood = FloodGate(settings.flood_limit)


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The context every handler receives: `context.bot_data` is a `BotData`."""


CONTEXT_TYPES = ContextTypes(context=Context, bot_data=BotData)

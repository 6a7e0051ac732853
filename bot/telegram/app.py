"""The Telegram Application, built in one place, and served by long polling or a webhook.

Everything the bot does is wired here: the Bot API address and its retries (`retry.py`), the rate
limiter, the handlers in the order they are tried, storage opened at start (behind its deadlines,
`bot/storage/guarded.py`) and closed at stop, the durable intake (`intake.py`), the heartbeat the
health check reads, the command menu, and the order of stopping: intake first, then the updates
in progress for at most DRAIN_SECONDS (what is left stays in the inbox for the next start), then
storage. The life cycle is ours rather than `run_polling`/`run_webhook`'s so that updates are kept
before Telegram is told they arrived, the webhook server can be our own (`webhook.py`), and both
modes stop the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.error import InvalidToken
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import Settings, check_webhook
from bot.engine import Engine
from bot.health import HEARTBEAT_INTERVAL, Heartbeat, heartbeat_path, verdict, write_heartbeat
from bot.storage import StorageError, database_label, open_storage
from bot.storage.guarded import GuardedStorage
from bot.telegram import handlers as h
from bot.telegram import webhook
from bot.telegram.context import CONTEXT_TYPES, BotData
from bot.telegram.intake import Intake, Poller, TokenRejected
from bot.telegram.logs import redact_in_logs
from bot.telegram.menus import register_commands
from bot.telegram.processor import PerUserUpdateProcessor
from bot.telegram.retry import RetryingRequest
from bot.telegram.transport import BotApiRequest

logger = logging.getLogger(__name__)

#: Only what the bot answers: edits and channel posts are never even delivered.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
#: Seconds to wait for the Bot API's answer to a call (for a long poll, on top of its timeout);
#: past that the call has failed, is not retried (it may have reached Telegram), and the update
#: is logged as failed. Other failures are retried (bot/telegram/retry.py).
BOT_API_TIMEOUT = 5.0
#: Seconds a long poll waits for updates before asking again.
POLL_TIMEOUT = 10
#: Seconds SIGTERM leaves the updates in progress to finish: with the rest of stopping, within
#: docker stop's default 10 s (README: "Running in a container").
DRAIN_SECONDS = 5.0
#: Seconds the writes waiting (done marks among them) may take at stop.
CLOSE_SECONDS = 2.0
#: HTTP connections to the Bot API for calls other than getUpdates.
CONNECTION_POOL = 256
PURGE_INTERVAL_SECONDS = 24 * 3600
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


# --- handlers ----------------------------------------------------------------------------------

# --- handlers ----------------------------------------------------------------------------------


def handler_list(settings: Settings) -> list[BaseHandler]:
    """Every handler of group 0, in the order they are tried: the first that matches runs."""
    new = h.NEW_MESSAGE
    admin = filters.User(user_id=settings.admin_ids) & filters.ChatType.PRIVATE
    commands: list[tuple[str, Any]] = [
        ("start", h.cmd_start),
        ("help", h.cmd_help),
        ("platforms", h.cmd_platforms),
        ("topics", h.cmd_topics),
        ("lang", h.cmd_lang),
        ("sources", h.cmd_sources),
        ("about", h.cmd_about),
    ]
    return [
        *(CommandHandler(name, callback, filters=new) for name, callback in commands),
        CommandHandler("stats", h.cmd_stats, filters=new & admin),
        CommandHandler("reload", h.cmd_reload, filters=new & admin),
        MessageHandler(new & filters.COMMAND, h.cmd_unknown),
        MessageHandler(new & filters.TEXT & h.ADDRESSED, h.on_text),
        MessageHandler(new & filters.ATTACHMENT & h.ADDRESSED, h.on_non_text),
        CallbackQueryHandler(h.on_button),
        InlineQueryHandler(h.on_inline),
    ]


def flood_handlers() -> list[BaseHandler]:
    """Group -1: counted before anything else runs, and only what the bot would answer."""
    counted = h.NEW_MESSAGE & (filters.COMMAND | h.ADDRESSED)
    return [MessageHandler(counted, h.flood_guard), CallbackQueryHandler(h.flood_guard)]


class CoopApplication(Application):
    """python-telegram-bot's Application, less its memory of every user and chat it has seen.

    For its persistence feature, Application adds the user and the chat of each update to two
    sets that only `update_persistence` empties, which never runs without persistence: they grew
    by every new user, for good. The bot has no persistence, so nothing is recorded.
    """

    def _mark_for_persistence_update(self, *, update: object = None, job: Any = None) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)


def build_application(
    settings: Settings, engine: Engine, *, rate_limiter: bool = True
) -> Application:
    """The Application for `settings`, serving `engine`; storage opens when it starts.

    `settings.token` must already be checked (`bot.config.check_token`).
    """
    assert settings.token, "check the token before building the application"
    redact_in_logs(settings.token, settings.webhook_secret)
    processor = PerUserUpdateProcessor()
    built: list[Application] = []  # the application, once built, for the callback below

    def token_rejected() -> None:
        if built:
            token_was_rejected(built[0])

    request = RetryingRequest(
        connection_pool_size=CONNECTION_POOL,
        read_timeout=BOT_API_TIMEOUT,
        on_token_rejected=token_rejected,
    )
    builder = (
        ApplicationBuilder()
        .application_class(CoopApplication)
        .token(settings.token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .context_types(CONTEXT_TYPES)
        .defaults(
            Defaults(  # parse_mode is passed on each call: see handlers.HTML
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .request(request)
        .get_updates_request(BotApiRequest(read_timeout=BOT_API_TIMEOUT))
        .concurrent_updates(processor)
        .updater(None)  # our own polling (intake.Poller), or deliveries to our own server
    )
    if rate_limiter:
        # Its retries would repeat ours (retry.py), which handle 429 too.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=0))
    app = builder.build()
    built.append(app)
    data = bot_data(app)
    data.setup(settings, engine)
    data.intake = processor.intake = Intake(app)
    app.add_handlers(flood_handlers(), group=-1)
    app.add_handlers(handler_list(settings), group=0)
    app.add_error_handler(h.on_error)
    return app


def bot_data(app: Application) -> BotData:
    data: BotData = app.bot_data
    return data


# --- health ------------------------------------------------------------------------------------


def heartbeat(data: BotData) -> Heartbeat:
    """What the running bot knows of its health, for /healthz and the heartbeat file."""
    storage = data.storage.health if isinstance(data.storage, GuardedStorage) else None
    intake = data.intake
    return Heartbeat(
        pid=os.getpid(),
        mode="webhook" if data.settings.webhook_url else "polling",
        beat=time.time(),
        started=data.started or time.time(),
        poll_timeout=float(data.poll_timeout),
        received=intake.last_received,
        written=storage.last_write_ok if storage else None,
        failing_since=storage.failing_since if storage else None,
        error=storage.last_error if storage else "",
        waiting=intake.waiting,
        oldest=intake.oldest,
        memory_only=intake.memory_only,
        entries=len(data.engine.kb.entries),
    )


async def health(data: BotData) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body) for `GET /healthz`: 200 when the bot is serving (the verdict of
    bot/health.py: knowledge base loaded, database writable, no update waiting unserved), else
    503, so a load balancer stops sending updates to a replica that could not serve them. The
    body names no file, host or error: the port may be reachable from outside; the log says
    what failed."""
    beat = heartbeat(data)
    problems = verdict(beat)
    for problem in problems:
        logger.warning("health check: %s", problem)
    body = {
        "status": "unavailable" if problems else "ok",
        "entries": beat.entries,
        "storage": "failing" if beat.failing_since is not None else "ok",
        "waiting": beat.waiting,
    }
    return (503 if problems else 200), body


async def _beat_forever(data: BotData, path: Path) -> None:
    """Write the heartbeat file every HEARTBEAT_INTERVAL, for `coopbot health`."""
    warned = False
    while True:
        try:
            write_heartbeat(path, heartbeat(data))
            warned = False
        except OSError as exc:
            if not warned:
                logger.warning("cannot write the heartbeat %s: %s", path, exc.strerror or exc)
                warned = True
        await asyncio.sleep(HEARTBEAT_INTERVAL)


# --- life cycle --------------------------------------------------------------------------------


async def _purge_forever(storage: GuardedStorage, days: int) -> None:
    """Delete feedback and declined questions past retention, now and once a day."""
    while True:
        try:
            removed = await storage.purge(days)
            if removed:
                logger.info("purged %d row(s) older than %d days", removed, days)
        except StorageError as exc:
            logger.warning("purging old rows failed: %s", exc)
        await asyncio.sleep(PURGE_INTERVAL_SECONDS)


def owner_name() -> str:
    """The name the inbox keeps this process's updates under: the same after a restart (the
    host's name, which a container keeps across restarts), so a replica finishes its own."""
    return socket.gethostname() or "coopbot"


async def _open(app: Application) -> None:
    """Before the first update: storage behind its guard, the background tasks, the command
    menu."""
    data = bot_data(app)
    settings = data.settings
    inner = await open_storage(settings)
    storage = GuardedStorage(inner, owner_name())  # type: ignore[arg-type]
    storage.start()
    data.storage = storage
    data.intake.storage = storage
    if not settings.webhook_url:
        data.intake.take_over_after = timedelta(0)  # one poller at a time: every update is ours
    data.started = time.time()
    data.tasks = [
        asyncio.create_task(_purge_forever(storage, settings.retention_days), name="coopbot-purge"),
        asyncio.create_task(_beat_forever(data, heartbeat_path(settings)), name="coopbot-beat"),
        asyncio.create_task(data.intake.maintain(), name="coopbot-intake"),
    ]
    if settings.user_hash_key is None:
        logger.warning(
            "COOPBOT_USER_HASH_KEY is not set: user ids are hashed with a key kept in the "
            "database, so anyone with a copy of it can recover them (README, Privacy)"
        )
    await register_commands(app.bot, settings)
    logger.info(
        "serving %d entries as @%s; database %s",
        len(data.engine.kb.entries),
        app.bot.username,
        database_label(settings),
    )


async def _close(app: Application) -> None:
    """After the last update: the done marks, the background tasks, the heartbeat, storage."""
    data = bot_data(app)
    data.intake.write_marks()  # written by storage's close, with the other writes waiting
    for task in data.tasks:
        task.cancel()
    await asyncio.gather(*data.tasks, return_exceptions=True)
    data.tasks = []
    with contextlib.suppress(OSError):
        heartbeat_path(data.settings).unlink()
    if isinstance(data.storage, GuardedStorage):
        storage, data.storage = data.storage, None
        try:
            await storage.close(CLOSE_SECONDS)
        finally:
            logger.info("storage closed")


class _Polling:
    """Long polling of our own (intake.Poller): each batch kept before it is confirmed."""

    def __init__(self, app: Application, timeout: int) -> None:
        self.app = app
        data = bot_data(app)
        self.poller = Poller(app, data.intake, timeout, BOT_API_TIMEOUT, ALLOWED_UPDATES)
        self.task: asyncio.Task[None] | None = None
        self.halt = asyncio.Event()

    async def start(self) -> None:
        data = bot_data(self.app)

        async def poll() -> None:
            try:
                await self.poller.run(self.halt)
            except TokenRejected:
                token_was_rejected(self.app)
            finally:
                data.stopping.set()  # polling never ends on its own: stop the bot

        self.task = asyncio.create_task(poll(), name="coopbot-polling")

    async def stop(self) -> None:
        self.halt.set()
        if self.task is not None:
            await asyncio.gather(self.task, return_exceptions=True)


class _Webhook:
    """Our own web server (deliveries and /healthz), and the webhook registered with Telegram."""

    def __init__(self, app: Application, settings: Settings) -> None:
        self.app, self.settings = app, settings
        path = check_webhook(settings.webhook_url, settings.webhook_secret)
        assert settings.webhook_secret is not None
        data = bot_data(app)
        self.server = webhook.server(
            data.intake, path, settings.webhook_secret, lambda: health(data)
        )
        data.webhook_server = self.server
        logger.info("webhook mode: listening on %s:%d/%s", settings.listen, settings.port, path)

    async def start(self) -> None:
        webhook.raise_open_files_limit()
        self.server.listen(self.settings.port, address=self.settings.listen)
        try:
            await self.app.bot.set_webhook(
                url=self.settings.webhook_url,
                allowed_updates=ALLOWED_UPDATES,
                secret_token=self.settings.webhook_secret,
            )
        except InvalidToken:
            token_was_rejected(self.app)

    async def stop(self) -> None:
        self.server.stop()
        await self.server.close_all_connections()


def token_was_rejected(app: Application) -> None:
    """The Bot API refused the token (401): stop now; `serve` then raises TokenRejected."""
    data = bot_data(app)
    data.token_rejected = True
    data.stopping.set()


def request_stop(app: Application) -> None:
    """Stop serving, as SIGTERM does: safe to call from any thread."""
    data = bot_data(app)
    if data.loop is not None:
        data.loop.call_soon_threadsafe(data.stopping.set)


async def serve(
    app: Application,
    settings: Settings,
    stop_signals: Sequence[int] = STOP_SIGNALS,
    poll_timeout: int = POLL_TIMEOUT,
) -> None:
    """Serve until a stop signal or `request_stop`; then stop taking updates, let the ones in
    progress finish (for at most DRAIN_SECONDS), and close storage.

    Raises TokenRejected when the Bot API refuses the token while serving (revoked).
    """
    data = bot_data(app)
    data.loop = asyncio.get_running_loop()
    data.poll_timeout = poll_timeout
    for sig in stop_signals:
        data.loop.add_signal_handler(sig, data.stopping.set)
    intake = _Webhook(app, settings) if settings.webhook_url else _Polling(app, poll_timeout)
    try:
        await app.initialize()  # getMe: a rejected token stops here, with InvalidToken
        await _open(app)
        await app.start()
        await data.intake.recover()  # what an earlier run left, before anything new
        await intake.start()
        if not settings.webhook_url:
            logger.info("polling mode: %s", settings.api_url)
        data.serving.set()
        await data.stopping.wait()
    finally:
        data.serving.clear()
        data.intake.stop()
        await intake.stop()
        await data.intake.drain(0.5 if data.token_rejected else DRAIN_SECONDS)
        if app.running:
            await app.stop()
        await _close(app)
        await app.shutdown()
        for sig in stop_signals:
            data.loop.remove_signal_handler(sig)
    if data.token_rejected:
        raise TokenRejected("the Bot API server refused the token (401 Unauthorized)")


def run(app: Application, settings: Settings, **options: Any) -> None:
    """`serve` in an event loop of its own, until SIGINT/SIGTERM (or `request_stop`).

    `options` go to `serve` (tests pass `stop_signals=()` and a short `poll_timeout`).
    """
    asyncio.run(serve(app, settings, **options))

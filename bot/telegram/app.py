"""The Telegram Application, built in one place, and served by long polling or a webhook.

Everything the bot does is wired here: the Bot API address, the rate limiter, the handlers in the
order they are tried, storage opened at start and closed at stop, the command menu, and the order
of stopping (intake first, then the updates in progress, then storage). The life cycle is ours
rather than `run_polling`/`run_webhook`'s so that the webhook server can be our own
(`bot.telegram.webhook`) and both modes stop the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from typing import Any

from telegram import LinkPreviewOptions, Update
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
from bot.storage import Storage, StorageError, database_label, open_storage
from bot.telegram import handlers as h
from bot.telegram import webhook
from bot.telegram.context import CONTEXT_TYPES, BotData
from bot.telegram.logs import redact_in_logs
from bot.telegram.menus import register_commands
from bot.telegram.processor import PerUserUpdateProcessor

logger = logging.getLogger(__name__)

#: Only what the bot answers: edits and channel posts are never even delivered.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
#: Retries of a request Telegram refused with 429, after waiting the retry_after it asked for.
#: Nothing else is retried: a call that failed or timed out may have reached Telegram all the
#: same, and sending an answer again could answer twice.
RATE_LIMIT_RETRIES = 2
#: Seconds to wait for the Bot API's answer to a call (for a long poll, on top of its timeout);
#: past that the call has failed, and the update is logged as failed.
BOT_API_TIMEOUT = 5.0
#: Seconds a long poll waits for updates before asking again.
POLL_TIMEOUT = 10
#: Seconds the health check waits for storage to answer: less than load balancers wait for it.
HEALTH_STORAGE_TIMEOUT = 2.0
PURGE_INTERVAL_SECONDS = 24 * 3600
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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


def build_application(
    settings: Settings, engine: Engine, *, rate_limiter: bool = True
) -> Application:
    """The Application for `settings`, serving `engine`; storage opens when it starts.

    `settings.token` must already be checked (`bot.config.check_token`).
    """
    assert settings.token, "check the token before building the application"
    redact_in_logs(settings.token, settings.webhook_secret)
    builder = (
        ApplicationBuilder()
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
        .read_timeout(BOT_API_TIMEOUT)
        .get_updates_read_timeout(BOT_API_TIMEOUT)
        .concurrent_updates(PerUserUpdateProcessor())
    )
    if settings.webhook_url:
        builder = builder.updater(None)  # deliveries come to our own server
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    app = builder.build()
    bot_data(app).setup(settings, engine)
    app.add_handlers(flood_handlers(), group=-1)
    app.add_handlers(handler_list(settings), group=0)
    app.add_error_handler(h.on_error)
    return app


def bot_data(app: Application) -> BotData:
    data: BotData = app.bot_data
    return data


# --- health ------------------------------------------------------------------------------------


async def health(data: BotData) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body) for `GET /healthz`: 200 when the knowledge base is loaded and
    storage answers, else 503, so a load balancer stops sending updates to a replica that
    could not serve them. The body names no file, host or error: the port may be reachable
    from outside; the log says what failed."""
    entries = len(data.engine.kb.entries)
    storage_ok = False
    if data.storage is not None:
        try:
            # A read by primary key: what any working database answers at once.
            await asyncio.wait_for(data.storage.get_language(0), HEALTH_STORAGE_TIMEOUT)
            storage_ok = True
        except (StorageError, TimeoutError) as exc:
            problem = str(exc) or f"no answer within {HEALTH_STORAGE_TIMEOUT:g} s"
            logger.warning("health check: storage is not answering: %s", problem)
    ok = entries > 0 and storage_ok
    body = {
        "status": "ok" if ok else "unavailable",
        "entries": entries,
        "storage": "ok" if storage_ok else "failing",
    }
    return (200 if ok else 503), body


# --- life cycle --------------------------------------------------------------------------------


async def _purge_forever(storage: Storage, days: int) -> None:
    """Delete feedback and declined questions past retention, now and once a day."""
    while True:
        try:
            removed = await storage.purge(days)
            if removed:
                logger.info("purged %d row(s) older than %d days", removed, days)
        except Exception:
            logger.exception("purging old rows failed")
        await asyncio.sleep(PURGE_INTERVAL_SECONDS)


async def _open(app: Application) -> None:
    """Before the first update: storage, the daily purge, the command menu."""
    data = bot_data(app)
    data.storage = await open_storage(data.settings)
    data.purge_task = asyncio.create_task(
        _purge_forever(data.storage, data.settings.retention_days), name="coopbot-purge"
    )
    await register_commands(app.bot, data.settings)
    logger.info(
        "serving %d entries as @%s; database %s",
        len(data.engine.kb.entries),
        app.bot.username,
        database_label(data.settings),
    )


async def _close(app: Application) -> None:
    """After the last update: stop the purge, flush and close the database."""
    data = bot_data(app)
    if data.purge_task is not None:
        data.purge_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await data.purge_task
        data.purge_task = None
    if data.storage is not None:
        storage, data.storage = data.storage, None
        await storage.close()
        logger.info("storage closed")


class _Polling:
    """Long polling with python-telegram-bot's Updater (which also removes any webhook)."""

    def __init__(self, app: Application, timeout: int) -> None:
        self.app, self.timeout = app, timeout

    async def start(self) -> None:
        def on_error(exc: Exception) -> None:
            self.app.create_task(self.app.process_error(error=exc, update=None))

        assert self.app.updater is not None
        await self.app.updater.start_polling(
            timeout=self.timeout, allowed_updates=ALLOWED_UPDATES, error_callback=on_error
        )

    async def stop(self) -> None:
        assert self.app.updater is not None
        if self.app.updater.running:
            await self.app.updater.stop()


class _Webhook:
    """Our own web server (deliveries and /healthz), and the webhook registered with Telegram."""

    def __init__(self, app: Application, settings: Settings) -> None:
        self.app, self.settings = app, settings
        path = check_webhook(settings.webhook_url, settings.webhook_secret)
        assert settings.webhook_secret is not None
        self.server = webhook.server(
            app, path, settings.webhook_secret, lambda: health(bot_data(app))
        )
        logger.info("webhook mode: listening on %s:%d/%s", settings.listen, settings.port, path)

    async def start(self) -> None:
        self.server.listen(self.settings.port, address=self.settings.listen)
        await self.app.bot.set_webhook(
            url=self.settings.webhook_url,
            allowed_updates=ALLOWED_UPDATES,
            secret_token=self.settings.webhook_secret,
        )

    async def stop(self) -> None:
        self.server.stop()
        await self.server.close_all_connections()


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
    progress finish, and close storage."""
    data = bot_data(app)
    data.loop = asyncio.get_running_loop()
    for sig in stop_signals:
        data.loop.add_signal_handler(sig, data.stopping.set)
    intake = _Webhook(app, settings) if settings.webhook_url else _Polling(app, poll_timeout)
    try:
        await app.initialize()  # getMe: a rejected token stops here, with InvalidToken
        await _open(app)
        await app.start()
        await intake.start()
        if not settings.webhook_url:
            logger.info("polling mode: %s", settings.api_url)
        data.serving.set()
        await data.stopping.wait()
    finally:
        data.serving.clear()
        await intake.stop()
        if app.running:
            await app.stop()  # waits for every update in progress
        await _close(app)
        await app.shutdown()
        for sig in stop_signals:
            data.loop.remove_signal_handler(sig)


def run(app: Application, settings: Settings, **options: Any) -> None:
    """`serve` in an event loop of its own, until SIGINT/SIGTERM (or `request_stop`).

    `options` go to `serve` (tests pass `stop_signals=()` and a short `poll_timeout`).
    """
    asyncio.run(serve(app, settings, **options))

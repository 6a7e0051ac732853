"""The Telegram Application, built in one place, and the two ways to run it (polling, webhook).

Everything the bot does is wired here: the Bot API address, the rate limiter, the handlers in the
order they are tried, the command menu, storage opened at start and closed at stop, and the log
redaction that keeps the token out of every log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import traceback
from dataclasses import dataclass, field
from typing import Any

import tornado.web
from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.config import Settings, check_webhook
from bot.engine import Engine
from bot.messages import ADMIN_COMMANDS, COMMANDS
from bot.storage import Storage, StorageError, database_label, open_storage
from bot.telegram import handlers as h
from bot.telegram.state import ENGINE, SETTINGS, STORAGE, initial_bot_data

logger = logging.getLogger(__name__)

#: Only what the bot answers: edits and channel posts are never even delivered.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
#: Updates handled at once (across users); one user's updates still go one at a time.
MAX_CONCURRENT_UPDATES = 64
#: Retries of a request Telegram refused with 429, after waiting the retry_after it asked for.
#: Nothing else is retried: a call that failed or timed out may have reached Telegram all the
#: same, and sending an answer again could answer twice.
RATE_LIMIT_RETRIES = 2
#: Seconds to wait for the Bot API's answer to a call (for a long poll, on top of its timeout);
#: past that the call has failed, and the update is logged as failed.
BOT_API_TIMEOUT = 5.0
#: The health check's path on the webhook server, for load balancers.
HEALTH_PATH = "/healthz"
#: Seconds the health check waits for storage to answer: less than load balancers wait for it.
HEALTH_STORAGE_TIMEOUT = 2.0
PURGE_INTERVAL_SECONDS = 24 * 3600
_PURGE_TASK = "purge_task"
REDACTED = "[REDACTED]"


# --- the token out of the logs -----------------------------------------------------------------


class _Redactor:
    """A log-record factory that blanks secrets in every record, whichever logger made it.

    A filter on handlers would miss handlers added later (pytest's caplog, an operator's own), and
    a filter on a logger misses its children's records; the record factory sees every record
    before any handler does. httpx logs each request URL, which holds the token.
    """

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        self.previous = logging.getLogRecordFactory()

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        if self.secrets:
            self._scrub(record)
        return record

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def _scrub(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: logging reports it at emit time, as usual
            return
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            clean = self.redact(text)
            if clean != text:
                record.exc_text = clean  # formatters use this instead of formatting again
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)


_redactor: _Redactor | None = None


def redact_in_logs(*secrets: str | None) -> None:
    """Keep these strings out of every log record from now on (idempotent, cumulative)."""
    global _redactor
    if _redactor is None:
        _redactor = _Redactor()
        logging.setLogRecordFactory(_redactor)
    _redactor.secrets.update(s for s in secrets if s)


def redact(text: str) -> str:
    """The text with every registered secret blanked, for messages that are not log records."""
    return _redactor.redact(text) if _redactor else text


def configure_logging(level: str) -> None:
    """Plain one-line records; httpx and httpcore (every request URL, at INFO) only on trouble."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# --- concurrency -------------------------------------------------------------------------------


@dataclass
class _UserLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Different users' updates run concurrently; one user's run one at a time, in order.

    So a `/lang` choice is saved before the question typed right after it is answered, and the
    flood gate counts a burst in order. The user lock is taken before a concurrency slot, so one
    user's queue of updates never holds slots that other users need.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, _UserLock] = {}

    async def process_update(self, update: object, coroutine: Any) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await super().process_update(update, coroutine)
            return
        entry = self._locks.setdefault(user.id, _UserLock())
        entry.users += 1
        try:
            async with entry.lock:
                await super().process_update(update, coroutine)
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._locks[user.id]

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up: the locks are made as users appear."""

    async def shutdown(self) -> None:
        """Nothing to release: Application.stop has already waited for every update."""


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


# --- health ------------------------------------------------------------------------------------


async def health(bot_data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """(HTTP status, JSON body) for `GET /healthz`: 200 when the knowledge base is loaded and
    storage answers, else 503, so a load balancer stops sending updates to a replica that
    could not serve them. The body names no file, host or error: the port may be reachable
    from outside; the log says what failed."""
    entries = len(bot_data[ENGINE].kb.entries)
    store: Storage | None = bot_data.get(STORAGE)
    storage_ok = False
    if store is not None:
        try:
            # A read by primary key: what any working database answers at once.
            await asyncio.wait_for(store.get_language(0), HEALTH_STORAGE_TIMEOUT)
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


class _HealthHandler(tornado.web.RequestHandler):
    """`GET /healthz` on the webhook server's own port."""

    def initialize(self, bot_data: dict[str, Any]) -> None:
        self.bot_data = bot_data

    async def get(self) -> None:
        status, body = await health(self.bot_data)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class CoopbotApplication(Application):
    """The Application, with `GET /healthz` added to the webhook server once it serves.

    python-telegram-bot's `run_webhook` builds its tornado application itself and offers no way
    to add a route, and serving the webhook without it would mean re-doing its start-up (the
    webhook registration and its retries, signals, the order of stopping). So the route is added
    to its tornado application, which is reached through the updater's private attributes:
    `start` checks that they are still what they were (python-telegram-bot 22) and says so in
    the log if they are not, and the webhook tests fail.
    """

    async def start(self) -> None:
        await super().start()
        if self.bot_data[SETTINGS].webhook_url:
            self._add_health_route()

    def _add_health_route(self) -> None:
        server = getattr(self.updater, "_httpd", None)
        web_app = getattr(getattr(server, "_http_server", None), "request_callback", None)
        if not isinstance(web_app, tornado.web.Application):
            logger.error("no %s: python-telegram-bot's webhook server has changed", HEALTH_PATH)
            return
        web_app.add_handlers(r".*", [(HEALTH_PATH, _HealthHandler, {"bot_data": self.bot_data})])


# --- lifecycle ---------------------------------------------------------------------------------


def _commands(table: dict[str, dict[str, str]], lang: str) -> list[BotCommand]:
    return [BotCommand(name, text[lang]) for name, text in table.items()]


async def register_commands(app: Application, settings: Settings) -> None:
    """The menu beside the text field: English by default, Chinese for Chinese-language apps,
    and the admin commands added in each operator's own private chat."""
    bot = app.bot
    try:
        await bot.set_my_commands(_commands(COMMANDS, "en"))
        await bot.set_my_commands(_commands(COMMANDS, "zh-Hant"), language_code="zh")
    except TelegramError as exc:  # the bot works without a menu; don't refuse to start
        logger.warning("could not register the command menu: %s", exc)
    everyone = {**COMMANDS, **ADMIN_COMMANDS}
    for admin_id in sorted(settings.admin_ids):
        scope = BotCommandScopeChat(admin_id)
        try:
            await bot.set_my_commands(_commands(everyone, "en"), scope=scope)
            await bot.set_my_commands(
                _commands(everyone, "zh-Hant"), scope=scope, language_code="zh"
            )
        except TelegramError as exc:  # e.g. the operator has not started a chat with the bot
            logger.warning("could not register the admin menu for one operator: %s", exc)


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


async def _post_init(app: Application) -> None:
    settings: Settings = app.bot_data[SETTINGS]
    storage = await open_storage(settings)
    app.bot_data[STORAGE] = storage
    app.bot_data[_PURGE_TASK] = asyncio.create_task(
        _purge_forever(storage, settings.retention_days), name="coopbot-purge"
    )
    await register_commands(app, settings)
    logger.info(
        "serving %d entries as @%s; database %s",
        len(app.bot_data[ENGINE].kb.entries),
        app.bot.username,
        database_label(settings),
    )


async def _post_stop(app: Application) -> None:
    task: asyncio.Task | None = app.bot_data.pop(_PURGE_TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _post_shutdown(app: Application) -> None:
    """After every update has been handled: flush and close the database."""
    await _post_stop(app)  # also when start-up failed before post_stop could run
    storage: Storage | None = app.bot_data.pop(STORAGE, None)
    if storage is not None:
        await storage.close()
        logger.info("storage closed")


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
        .application_class(CoopbotApplication)
        .token(settings.token)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .defaults(
            Defaults(  # parse_mode is passed on each call: see handlers.HTML
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .read_timeout(BOT_API_TIMEOUT)
        .get_updates_read_timeout(BOT_API_TIMEOUT)
        .concurrent_updates(PerUserUpdateProcessor())
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    app = builder.build()
    app.bot_data.update(initial_bot_data(settings, engine))
    app.add_handlers(flood_handlers(), group=-1)
    app.add_handlers(handler_list(settings), group=0)
    app.add_error_handler(h.on_error)
    return app


def run(app: Application, settings: Settings, **run_options: Any) -> None:
    """Serve until SIGINT/SIGTERM (or `app.stop_running()`); then let the updates in progress
    finish and close storage. Webhook mode when `settings.webhook_url` is set, else polling.

    `run_options` go to `run_polling` / `run_webhook` (tests pass `stop_signals=None`, a short
    poll `timeout`, `close_loop`).
    """
    if settings.webhook_url:
        path = check_webhook(settings.webhook_url, settings.webhook_secret)
        logger.info("webhook mode: listening on %s:%d/%s", settings.listen, settings.port, path)
        app.run_webhook(
            listen=settings.listen,
            port=settings.port,
            url_path=path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
            **run_options,
        )
    else:
        logger.info("polling mode: %s", settings.api_url)
        app.run_polling(allowed_updates=ALLOWED_UPDATES, **run_options)

"""The webhook server: Telegram's deliveries and `GET /healthz`, on one port, with our own limits.

python-telegram-bot's `run_webhook` builds its web server itself and offers no way to add a route,
so, as in its customwebhookbot example, the bot runs a server of its own and hands each update to
the intake (bot/telegram/intake.py), which keeps it in the inbox before the 200 goes back. That
also lets a delivery be refused early and cheaply, so no one can exhaust the process's memory or
connections:

- the secret and content type are checked from the headers, before the body is read;
- the body is capped at MAX_BODY_BYTES (Telegram's updates are a few kilobytes): a larger
  Content-Length is refused before a byte of it is read;
- headers and body must arrive within IDLE_TIMEOUT and BODY_TIMEOUT, and an idle connection is
  closed after IDLE_TIMEOUT;
- at most MAX_CONNECTIONS are open at once: a new one beyond that closes the oldest, so a flood of
  idle connections cannot starve Telegram's deliveries or the load balancer's /healthz.
"""

from __future__ import annotations

import hmac
import json
import logging
import resource
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import tornado.httpserver
import tornado.iostream
import tornado.web

from bot.telegram.intake import DELIVERY_WAIT, Intake

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Largest delivery accepted: an update with a long message and its entities is a few kB.
MAX_BODY_BYTES = 1_000_000
#: Seconds a connection may stay idle, and a request take to send its body, before it is closed.
IDLE_TIMEOUT = 30.0
BODY_TIMEOUT = 10.0
#: Connections open at once; Telegram itself uses at most 40 (setWebhook's max_connections).
MAX_CONNECTIONS = 500
#: Open files the process asks for (up to the hard limit), above the connections it may hold.
OPEN_FILES = 4096

Health = Callable[[], Awaitable[tuple[int, dict[str, Any]]]]


@tornado.web.stream_request_body
class _DeliveryHandler(tornado.web.RequestHandler):
    """POST of one update. Headers are checked in `prepare`, before tornado reads the body."""

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, intake: Intake, secret: str) -> None:
        self.intake = intake
        self.secret = secret
        self.chunks: list[bytes] = []

    def prepare(self) -> None:
        token = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(token.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(
                HTTPStatus.FORBIDDEN, reason="Wrong or missing secret token"
            )
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN, reason="Not JSON")

    def data_received(self, chunk: bytes) -> None:
        self.chunks.append(chunk)

    async def post(self) -> None:
        try:
            data = json.loads(b"".join(self.chunks))
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("no update_id")
        except ValueError:  # what Telegram would never send: refused, and its content not logged
            logger.warning("webhook: refused a delivery that is not a readable update")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Not an update") from None
        self.chunks = []
        if not await self.intake.receive([data], wait=DELIVERY_WAIT):
            # Neither kept nor queued: Telegram delivers it again later.
            raise tornado.web.HTTPError(HTTPStatus.SERVICE_UNAVAILABLE, reason="Busy")
        self.set_status(HTTPStatus.OK)

    def log_exception(self, *args: Any) -> None:
        """Refusals are answered with their status; nothing of the request goes to the log."""


class _HealthHandler(tornado.web.RequestHandler):
    """`GET /healthz` for load balancers: 200 or 503 and a small JSON body."""

    SUPPORTED_METHODS = ("GET",)  # type: ignore[assignment]

    def initialize(self, health: Health) -> None:
        self.health = health

    async def get(self) -> None:
        status, body = await self.health()
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body))


class _LimitedServer(tornado.httpserver.HTTPServer):
    """An HTTPServer that keeps at most `max_connections` open, closing the oldest for a new one.

    Closing the oldest rather than refusing the newest: the oldest are the idle or half-sent
    ones a flood leaves open, while a delivery or a health check comes and goes in milliseconds.
    """

    def initialize(self, *args: Any, max_connections: int, **kwargs: Any) -> None:
        super().initialize(*args, **kwargs)
        self.max_connections = max_connections
        self.streams: OrderedDict[tornado.iostream.IOStream, None] = OrderedDict()

    def handle_stream(self, stream: tornado.iostream.IOStream, address: Any) -> None:
        self.streams[stream] = None
        stream.set_close_callback(lambda: self.streams.pop(stream, None))
        while len(self.streams) > self.max_connections:
            oldest, _ = self.streams.popitem(last=False)
            oldest.close()
        super().handle_stream(stream, address)


def server(intake: Intake, path: str, secret: str, health: Health) -> _LimitedServer:
    """The server for deliveries at `/path`, handed to `intake`, and the health at HEALTH_PATH
    (not listening yet)."""
    routes = tornado.web.Application(
        [
            (f"/{path}", _DeliveryHandler, {"intake": intake, "secret": secret}),
            (HEALTH_PATH, _HealthHandler, {"health": health}),
        ]
    )
    return _LimitedServer(
        routes,
        max_body_size=MAX_BODY_BYTES,
        idle_connection_timeout=IDLE_TIMEOUT,
        body_timeout=BODY_TIMEOUT,
        max_connections=MAX_CONNECTIONS,
    )


def raise_open_files_limit() -> None:
    """Ask for OPEN_FILES open files (the soft limit, up to the hard one): the default 1,024
    leaves little beside MAX_CONNECTIONS for the database and the Bot API's connections."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES if hard == resource.RLIM_INFINITY else min(OPEN_FILES, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

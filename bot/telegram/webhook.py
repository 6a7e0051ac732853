"""The webhook server: Telegram's deliveries and `GET /healthz`, on one port, with our own limits.

python-telegram-bot's `run_webhook` builds its web server itself and offers no way to add a route,
so, as in its customwebhookbot example, the bot runs a server of its own and puts each update on
the Application's queue. That also lets a delivery be refused early and cheaply: the secret and
content type are checked from the headers before the body is read, the body is capped (Telegram's
updates are a few kilobytes), and slow or idle connections are closed.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Largest delivery accepted: an update with a long message and its entities is a few kB.
MAX_BODY_BYTES = 1_000_000
#: Seconds a connection may stay idle, and a request take to send its body, before it is closed.
IDLE_TIMEOUT = 30.0
BODY_TIMEOUT = 10.0

Health = Callable[[], Awaitable[tuple[int, dict[str, Any]]]]


@tornado.web.stream_request_body
class _DeliveryHandler(tornado.web.RequestHandler):
    """POST of one update. Headers are checked in `prepare`, before tornado reads the body."""

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, app: Application, secret: str) -> None:
        self.app = app
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
            update = Update.de_json(data, self.app.bot)
        except Exception:  # what Telegram would never send: refused, and its content not logged
            logger.warning("webhook: refused a delivery that is not a readable update")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Not an update") from None
        await self.app.update_queue.put(update)
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


def server(
    app: Application, path: str, secret: str, health: Health
) -> tornado.httpserver.HTTPServer:
    """The server for `app`'s deliveries at `/path` and its health at HEALTH_PATH (not listening yet)."""
    routes = tornado.web.Application(
        [
            (f"/{path}", _DeliveryHandler, {"app": app, "secret": secret}),
            (HEALTH_PATH, _HealthHandler, {"health": health}),
        ]
    )
    return tornado.httpserver.HTTPServer(
        routes,
        max_body_size=MAX_BODY_BYTES,
        idle_connection_timeout=IDLE_TIMEOUT,
        body_timeout=BODY_TIMEOUT,
    )

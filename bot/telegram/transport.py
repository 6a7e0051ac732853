"""How calls reach the Bot API: a small HTTP/1.1 client on asyncio's own streams.

python-telegram-bot sends through httpx, whose layers (httpx's request and response models,
httpcore's pool and its checks of every idle connection, anyio's cancel scopes, the form encoding
of every parameter) cost about 2.5 ms of CPU per call at ten users at once: half the bot's CPU
per answered question, more than matching it. Here a call is one JSON body written on a kept-alive
connection and one response read back: about 0.25 ms for an answer's sendMessage. What the Bot
API needs is little: POST, JSON bodies (which Telegram takes for every call but uploads),
responses with a Content-Length (or chunked, or up to the close), keep-alive.

The rest stays with httpx, through python-telegram-bot's HTTPXRequest that this extends: uploads
(multipart) and calls to a host that a proxy in the environment (HTTPS_PROXY and the like, which
httpx honours) is set for. Failures are python-telegram-bot's: TimedOut when a deadline passed
(the call may have reached Telegram), NetworkError otherwise; `retry.py` decides what is retried.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

logger = logging.getLogger(__name__)

#: Seconds an idle connection is kept for reuse (as httpx's pool keeps them).
KEEPALIVE_SECONDS = 5.0
#: Largest response head read: a Bot API response's is a few hundred bytes.
MAX_HEAD_BYTES = 64 * 1024

#: (scheme, host, port) of a server.
Origin = tuple[str, str, int]


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)

    def reusable(self, now: float) -> bool:
        """Still open at both ends (the loop reads an idle socket, so a close by the server is
        already seen as the end of the stream) and not idle for too long."""
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and now - self.idle_since < KEEPALIVE_SECONDS
        )

    def close(self) -> None:
        self.writer.close()


class BotApiRequest(HTTPXRequest):
    """python-telegram-bot's request, its plain calls sent by the client of the module docstring.

    At most `connection_pool_size` calls are in flight at once (a call waits up to
    `pool_timeout` for its turn); as many connections are kept for reuse.
    """

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            connection_pool_size=connection_pool_size,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            **kwargs,
        )
        self._size = connection_pool_size
        self._timeouts = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
        }
        self._turns: asyncio.Semaphore | None = None  # made in the loop that uses it
        self._idle: dict[Origin, list[_Connection]] = {}
        self._through_httpx: dict[Origin, bool] = {}
        self._tls: ssl.SSLContext | None = None

    async def initialize(self) -> None:
        await super().initialize()
        self._turns = asyncio.Semaphore(self._size)

    async def shutdown(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        self._turns = None
        await super().shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        origin: Origin = (scheme, parts.hostname or "", parts.port or _PORTS.get(scheme, 0))
        uploads = request_data is not None and request_data.contains_files
        if uploads or scheme not in _PORTS or self._proxied(origin):
            return await super().do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
        if self._turns is None:
            self._turns = asyncio.Semaphore(self._size)
        body = json.dumps(request_data.parameters).encode() if request_data else b""
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        head = (
            f"{method} {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"User-Agent: {self.USER_AGENT}\r\nAccept: application/json\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        try:
            async with asyncio.timeout(self._timeout("pool", pool_timeout)):
                await self._turns.acquire()
        except TimeoutError:
            raise TimedOut(
                "Pool timeout: every connection is in use; the request was not sent"
            ) from None
        try:
            status, payload = await self._exchange(
                origin, head + body, read_timeout, write_timeout, connect_timeout
            )
        except TimeoutError:
            raise TimedOut from None
        except (OSError, EOFError, ValueError, asyncio.IncompleteReadError) as exc:
            raise NetworkError(f"Bot API connection failed: {exc!r}") from exc
        except asyncio.LimitOverrunError as exc:
            raise NetworkError("Bot API response head too long") from exc
        finally:
            self._turns.release()
        # As httpx logs each request (at INFO, which bot/telegram/logs.py raises to WARNING); the
        # token in the URL is blanked by the log redaction.
        logger.debug("HTTP Request: %s %s %d", method, url, status)
        return status, payload

    async def _exchange(
        self,
        origin: Origin,
        request: bytes,
        read_timeout: Any,
        write_timeout: Any,
        connect_timeout: Any,
    ) -> tuple[int, bytes]:
        """Send `request` on a kept connection (or a new one) and read the response."""
        connection = self._take_idle(origin)
        if connection is None:
            async with asyncio.timeout(self._timeout("connect", connect_timeout)):
                connection = await self._connect(origin)
        try:
            connection.writer.write(request)
            async with asyncio.timeout(self._timeout("write", write_timeout)):
                await connection.writer.drain()
            async with asyncio.timeout(self._timeout("read", read_timeout)):
                status, payload, keep = await read_response(connection.reader)
        except BaseException:
            connection.close()
            raise
        if keep and len(self._idle.get(origin, ())) < self._size:
            connection.idle_since = time.monotonic()
            self._idle.setdefault(origin, []).append(connection)
        else:
            connection.close()
        return status, payload

    def _take_idle(self, origin: Origin) -> _Connection | None:
        """The most recently used connection still fit for reuse; the unfit are closed."""
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if connection.reusable(now):
                return connection
            connection.close()
        return None

    async def _connect(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            if self._tls is None:
                self._tls = httpx.create_ssl_context()  # the CA bundle httpx verifies with
            tls = self._tls
        reader, writer = await asyncio.open_connection(
            host, port, ssl=tls, server_hostname=host if tls else None, limit=MAX_HEAD_BYTES
        )
        return _Connection(reader, writer)

    def _proxied(self, origin: Origin) -> bool:
        """Whether the environment sets a proxy for `origin` (then httpx, which honours it,
        makes the call)."""
        known = self._through_httpx.get(origin)
        if known is None:
            scheme, host, _port = origin
            proxies = urllib.request.getproxies()
            wanted = scheme in proxies or "all" in proxies
            known = self._through_httpx[origin] = wanted and not urllib.request.proxy_bypass(host)
        return known

    def _timeout(self, kind: str, given: Any) -> float | None:
        value = self._timeouts[kind] if given is BaseRequest.DEFAULT_NONE else given
        return None if value is None else float(value)


_PORTS = {"http": 80, "https": 443}


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, whether the connection may be used again) of one HTTP/1.1 response."""
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *lines = head[:-4].split(b"\r\n")
        version, status_text = status_line.split(b" ", 2)[:2]
        status = int(status_text)
        if not 100 <= status < 200:  # an informational response is followed by the real one
            break
    headers: dict[bytes, bytes] = {}
    for line in lines:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    keep = version == b"HTTP/1.1" and headers.get(b"connection", b"").lower() != b"close"
    if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        return status, await _read_chunked(reader), keep
    length = headers.get(b"content-length")
    if length is not None:
        return status, await reader.readexactly(int(length)), keep
    return status, await reader.read(), False  # the body runs to the close


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, unused
                pass
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)

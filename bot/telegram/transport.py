"""Calls to the Bot API over httpx's own transport, with a cheaper look at idle connections.

Before and after every call, httpcore's connection pool asks each idle keep-alive connection
whether the server has closed it. Through anyio, each asking builds a dict of every attribute
of the socket and asks the kernel for the peer's address, before the one `poll` that answers.
The pool holds a connection per call made at once (one per answer being sent), so with N users
answered together each call made 2N such checks: 0.4 ms of a 5 ms update at ten users. Here the
stream keeps its socket and answers with the `poll` alone, the test httpcore itself makes.
"""

from __future__ import annotations

import select
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx


class _Stream(httpcore.AsyncNetworkStream):
    """An anyio stream of httpcore's, answering "is_readable" from the socket it keeps."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return readable(self._socket)
        return self._inner.get_extra_info(info)


def readable(sock: socket.socket | None) -> bool:
    """Whether reading `sock` would not block: on an idle connection, the server closed it (or
    sent what it should not have), so it is not to be used again. A socket gone counts too."""
    if sock is None or sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class _Backend(httpcore.AsyncNetworkBackend):
    """httpcore's anyio backend, its streams wrapped in `_Stream`."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _Stream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def check_idle_connections_cheaply(client: httpx.AsyncClient) -> bool:
    """Give the connection pools of `client` (its own, and any an environment proxy added) the
    cheaper check; whether every one took it.

    httpx offers no way to pass a network backend in, so it is set on each pool; a later httpx
    that stores it elsewhere leaves the pools as they were (slower, never wrong), and the test
    of this module says so.
    """
    took = True
    for route in (client._transport, *client._mounts.values()):
        pool = getattr(route, "_pool", None)
        if isinstance(pool, httpcore.AsyncConnectionPool) and hasattr(pool, "_network_backend"):
            pool._network_backend = _Backend()
        elif route is not None:
            took = False
    return took

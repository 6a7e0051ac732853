"""The cheaper check of idle connections (bot/telegram/transport.py): taken by every pool of the
bot's HTTP client, and still telling a connection the server closed from one it kept open."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from bot.telegram.retry import RetryingRequest
from bot.telegram.transport import _Backend, check_idle_connections_cheaply, readable


def test_a_socket_is_readable_once_its_peer_closes_it() -> None:
    ours, theirs = socket.socketpair()
    with ours:
        assert not readable(ours)
        theirs.close()
        assert readable(ours)
    assert readable(ours)  # closed on our side too: not to be used again
    assert readable(None)


def test_the_bots_client_and_an_environment_proxys_take_the_cheaper_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    client = RetryingRequest(connection_pool_size=4)._client
    routes = [client._transport, *client._mounts.values()]
    assert len(routes) == 2, "the environment's proxy is still honoured"
    assert all(isinstance(route._pool._network_backend, _Backend) for route in routes)
    assert check_idle_connections_cheaply(httpx.AsyncClient())


async def test_a_kept_alive_connection_the_server_closed_is_not_used_again() -> None:
    """The server answers each connection's first request, then closes it: the second request
    must go out on a new connection, not fail on the closed one."""
    served = 0

    async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal served
        await reader.readuntil(b"\r\n\r\n")
        served += 1
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer_once, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, httpx.AsyncClient() as client:
        assert check_idle_connections_cheaply(client)
        for _ in range(2):
            response = await client.get(f"http://127.0.0.1:{port}/")
            assert response.text == "ok"
            await asyncio.sleep(0.05)  # the close reaches the client's socket
    assert served == 2

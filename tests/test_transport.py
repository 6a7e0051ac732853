"""The bot's HTTP client for the Bot API (bot/telegram/transport.py), against small servers that
answer the ways an HTTP/1.1 server may: kept-alive connections, closed ones, chunked bodies,
bodies up to the close, no answer at all. The rest of the suite runs the bot through it against
the fake Bot API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.transport import BotApiRequest

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
OK = b'{"ok":true,"result":true}'


@asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[str]:
    """A server on loopback answering each connection with `handler`; yields its base URL."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, dict[str, Any]]:
    """The head of one request and its JSON body."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
    return head, json.loads(await reader.readexactly(length) or b"{}")


def data(**parameters: Any) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in parameters.items()])


@asynccontextmanager
async def client(**kwargs: Any) -> AsyncIterator[BotApiRequest]:
    request = BotApiRequest(**kwargs)
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()


async def test_calls_go_as_json_on_one_kept_alive_connection() -> None:
    connections, bodies = 0, []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while not reader.at_eof():
            try:
                head, body = await read_request(reader)
            except asyncio.IncompleteReadError:
                return
            assert b"content-type: application/json" in head.lower()
            bodies.append(body)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(OK), OK))

    async with serving(handler) as url, client() as request:
        for n in range(3):
            params = data(chat_id=n, text="你好 <b>", reply_markup={"inline_keyboard": []})
            assert await request.do_request(f"{url}/botTOKEN/sendMessage", "POST", params) == (
                200,
                OK,
            )
    assert connections == 1
    assert bodies[2] == {"chat_id": 2, "text": "你好 <b>", "reply_markup": {"inline_keyboard": []}}


async def test_a_connection_the_server_closed_while_idle_is_not_used_again() -> None:
    served = 0

    async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal served
        await read_request(reader)
        served += 1
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(OK), OK))
        await writer.drain()
        writer.close()

    async with serving(answer_once) as url, client() as request:
        for _ in range(2):
            assert await request.do_request(f"{url}/botTOKEN/getMe", "POST") == (200, OK)
            await asyncio.sleep(0.05)  # the close reaches the client's socket
    assert served == 2


@pytest.mark.parametrize(
    "response",
    [
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'6;ext=1\r\n{"ok":\r\n13\r\ntrue,"result":true}\r\n0\r\nX-Trailer: 1\r\n\r\n',
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\n" + OK,
        b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + OK,
        b"HTTP/1.0 200 OK\r\n\r\n" + OK,
    ],
    ids=["chunked", "informational first", "to the close", "HTTP/1.0"],
)
async def test_each_way_of_ending_a_body_is_read(response: bytes) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(response)
        await writer.drain()
        if b"chunked" not in response and b"Length" not in response:
            writer.close()

    async with serving(handler) as url, client() as request:
        assert await request.do_request(f"{url}/botTOKEN/getMe", "POST") == (200, OK)


async def test_an_error_status_comes_back_with_its_body() -> None:
    error = b'{"ok":false,"error_code":429,"parameters":{"retry_after":3}}'

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 429 Too Many\r\nContent-Length: %d\r\n\r\n%s" % (len(error), error))

    async with serving(handler) as url, client() as request:
        assert await request.do_request(f"{url}/botTOKEN/sendMessage", "POST") == (429, error)


async def test_no_answer_within_the_read_timeout_is_timed_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)

    async with serving(silent) as url, client(read_timeout=0.1) as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{url}/botTOKEN/getMe", "POST")


async def test_a_connection_dropped_before_answering_is_a_network_error() -> None:
    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.close()

    async with serving(drop) as url, client() as request:
        with pytest.raises(NetworkError) as raised:
            await request.do_request(f"{url}/botTOKEN/getMe", "POST")
        assert not isinstance(raised.value, TimedOut)
    async with client() as request:
        with pytest.raises(NetworkError):  # nothing listens there any more
            await request.do_request(f"{url}/botTOKEN/getMe", "POST")


async def test_a_call_waits_its_pool_timeout_for_a_free_connection_and_no_longer() -> None:
    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(0.5)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(OK), OK))

    async with serving(slow) as url, client(connection_pool_size=1, pool_timeout=0.1) as request:
        first = asyncio.create_task(request.do_request(f"{url}/botTOKEN/getMe", "POST"))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await request.do_request(f"{url}/botTOKEN/getMe", "POST")
        assert await first == (200, OK)


async def test_uploads_and_calls_through_an_environment_proxy_go_through_httpx(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    through_httpx: list[str] = []

    async def httpx_request(self: HTTPXRequest, url: str, *args: Any, **kwargs: Any) -> Any:
        through_httpx.append(url)
        return 200, OK

    monkeypatch.setattr(HTTPXRequest, "do_request", httpx_request)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    upload = data(chat_id=1, document=InputFile(b"file", filename="a.txt"))
    async with client() as request:
        await request.do_request("http://127.0.0.1:9/botTOKEN/sendDocument", "POST", upload)
        await request.do_request("https://api.telegram.org/botTOKEN/getMe", "POST")
        with pytest.raises(NetworkError):  # direct, as NO_PROXY says: nothing listens there
            await request.do_request("https://127.0.0.1:9/botTOKEN/getMe", "POST")
    assert through_httpx == [
        "http://127.0.0.1:9/botTOKEN/sendDocument",
        "https://api.telegram.org/botTOKEN/getMe",
    ]

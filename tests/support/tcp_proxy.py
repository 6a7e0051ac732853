"""A TCP proxy the tests control, in front of a real server: forwarding, hung, or down.

`hang()` stops forwarding in both directions while keeping every connection open, as a server
stopped with SIGSTOP looks from outside (the kernel still accepts and acknowledges, nothing
answers); `down()` closes every connection and refuses new ones, as a stopped server does;
`forward()` serves again. Only loopback addresses are used.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from typing import Any


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `target` (host, port) until `close`."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._state = "forward"
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._listener = self._listen(0)
        self.port = self._listener.getsockname()[1]
        self._closed = threading.Event()
        threading.Thread(target=self._accept, name="tcp-proxy", daemon=True).start()

    def _listen(self, port: int) -> socket.socket:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        listener.settimeout(0.05)
        return listener

    def url(self, url: str) -> str:
        """`url` (postgresql://user:pw@host:port/db?...) pointed at the proxy instead."""
        scheme, _, rest = url.partition("://")
        userinfo, _, hostpath = rest.rpartition("@")
        path = hostpath.partition("/")[2]
        return f"{scheme}://{userinfo}@127.0.0.1:{self.port}/{path}"

    def forward(self) -> None:
        with self._lock:
            if self._state == "down":
                self._listener = self._listen(self.port)
            self._state = "forward"

    def hang(self) -> None:
        with self._lock:
            self._state = "hang"

    def down(self) -> None:
        with self._lock:
            self._state = "down"
            self._listener.close()
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.close()

    def close(self) -> None:
        self.down()
        self._closed.set()

    def _accept(self) -> None:
        while not self._closed.is_set():
            with self._lock:
                listener, state = self._listener, self._state
            if state == "down":
                self._closed.wait(0.05)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        ends: dict[Any, socket.socket] = {client: server, server: client}
        try:
            while not self._closed.is_set():
                readable, _, _ = select.select(list(ends), [], [], 0.05)
                if self._state != "forward":
                    if self._state == "down":
                        return
                    self._closed.wait(0.05)  # hung: the bytes wait in the kernel, unanswered
                    continue
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    ends[sock].sendall(data)
        except (OSError, ValueError):  # closed under us by down() or close()
            return
        finally:
            for sock in ends:
                with contextlib.suppress(OSError):
                    sock.close()

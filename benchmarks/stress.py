"""`python -m benchmarks.stress`: the webhook under abuse, as figures.

A real `coopbot run` in webhook mode against the fake Bot API on loopback, then:

1. **Large unauthenticated POSTs**: `--posts` clients at once, each announcing a `--post-mib` MiB
   body without the secret and sending it in 1 MiB pieces for as long as the bot reads; the bot's
   peak resident memory (VmHWM) before and after, and its memory once they are done.
2. **Idle connections**: `--idle` connections opened and left idle (a third of them with half a
   request sent); then `GET /healthz` and a real delivery, each timed.

Only loopback is used, and every loop is bounded in count and time. Run from a checkout:

    python -m benchmarks.stress                      # 40 x 95 MiB, 3,000 idle connections
    python -m benchmarks.stress --posts 4 --idle 300 # a quick look
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.fake_bot_api import FakeBotApi
from tests.support.processes import Run
from tests.support.running_bot import free_port

HOOK = "/telegram/hook"


def memory_mb(pid: int) -> dict[str, float]:
    """The process's resident memory now and at its peak, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    values = {
        line.split(":")[0]: int(line.split()[1])
        for line in status.splitlines()[1:]
        if line.startswith(("VmRSS", "VmHWM"))
    }
    return {"rss_mb": round(values["VmRSS"] / 1024, 1), "peak_mb": round(values["VmHWM"] / 1024, 1)}


def large_post(port: int, mib: int, deadline: float) -> int:
    """One unauthenticated POST announcing `mib` MiB; bytes sent before the bot stopped reading."""
    chunk = b"x" * (1 << 20)
    sent = 0
    head = (
        f"POST {HOOK} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"Content-Length: {mib << 20}\r\n\r\n"
    ).encode()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(head)
            while sent < mib << 20 and time.monotonic() < deadline:
                sock.sendall(chunk)
                sent += len(chunk)
    except OSError:  # refused and closed: what should happen
        pass
    return sent


def healthz(port: int) -> tuple[int, float]:
    started = time.monotonic()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as refused:
        status = refused.code
    return status, round((time.monotonic() - started) * 1000, 1)


def stress(posts: int, mib: int, idle: int) -> dict:
    result: dict = {"posts": posts, "post_mib": mib, "idle_connections": idle}
    with tempfile.TemporaryDirectory(prefix="coopbot-stress-") as folder, FakeBotApi() as api:
        run = Run(api, Path(folder) / "coopbot.db", "webhook", free_port())
        process = run.start()
        try:
            time.sleep(0.5)
            result["memory_at_start"] = memory_mb(process.pid)
            deadline = time.monotonic() + 60
            sent: list[int] = []
            threads = [
                threading.Thread(target=lambda: sent.append(large_post(run.port, mib, deadline)))
                for _ in range(posts)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(90)
            result["large_posts"] = {
                "mib_sent_before_refusal_max": round(max(sent, default=0) / (1 << 20), 1),
                **memory_mb(process.pid),
            }
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, idle + 512)), hard))
            sockets = []
            for n in range(idle):
                try:
                    sock = socket.create_connection(("127.0.0.1", run.port), timeout=5)
                except OSError as exc:
                    result["idle_open_failed_at"] = f"{n}: {exc}"
                    break
                if n % 3 == 0:
                    sock.sendall(f"POST {HOOK} HTTP/1.1\r\nHost: bench\r\n".encode())
                sockets.append(sock)
            status, ms = healthz(run.port)
            update = api.make_message("What is CEPA?", user_id=424_242)
            mark = api.mark()
            started = time.monotonic()
            delivered = api.deliver_webhook(f"http://127.0.0.1:{run.port}{HOOK}", update)
            api.wait_for(lambda c: c.params["chat_id"] == 424_242, timeout=10, after=mark)
            result["idle"] = {
                "opened": len(sockets),
                "healthz_status": status,
                "healthz_ms": ms,
                "delivery_status": delivered,
                "answer_ms": round((time.monotonic() - started) * 1000, 1),
                **memory_mb(process.pid),
            }
            for sock in sockets:
                sock.close()
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=30)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stress", description=__doc__)
    parser.add_argument("--posts", type=int, default=40, help="large POSTs at once (default 40)")
    parser.add_argument("--post-mib", type=int, default=95, help="MiB each announces (default 95)")
    parser.add_argument("--idle", type=int, default=3000, help="idle connections (default 3000)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    result = stress(args.posts, args.post_mib, args.idle)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    start, posts, idle = result["memory_at_start"], result["large_posts"], result["idle"]
    print(f"bot at start: {start['rss_mb']} MB resident")
    print(
        f"{args.posts} x {args.post_mib} MiB unauthenticated POSTs: at most "
        f"{posts['mib_sent_before_refusal_max']} MiB sent before the bot closed; its peak "
        f"{posts['peak_mb']} MB, {posts['rss_mb']} MB after"
    )
    print(
        f"{idle['opened']} idle connections: /healthz {idle['healthz_status']} in "
        f"{idle['healthz_ms']} ms; a delivery {idle['delivery_status']}, answered in "
        f"{idle['answer_ms']} ms; the bot's peak {idle['peak_mb']} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

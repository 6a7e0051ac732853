"""`python -m benchmarks.durability`: kill -9 at random moments in a burst, as figures.

For each trial: a real `coopbot run` (polling or webhook) against the fake Bot API on loopback gets
a burst of `--burst` questions, each from a user of its own, and is killed with SIGKILL at a random
moment while answering them; a second run on the same database finishes what the first left. It
counts the questions never answered (the target: none) and those answered twice: the answers that
reached Telegram in the instant between being sent and being marked handled, which no design can
rule out (Telegram cannot be asked whether a message went out). tests/test_crash.py checks the
same at chosen moments, where the result is exact.

    python -m benchmarks.durability                   # 5 trials of 600 in each mode
    python -m benchmarks.durability --trials 2 --burst 200
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

from tests.support.fake_bot_api import FakeBotApi
from tests.support.processes import Run, Telegram, answers
from tests.support.running_bot import free_port


def trial(mode: str, burst: int, rng: random.Random) -> dict:
    with tempfile.TemporaryDirectory(prefix="coopbot-crash-") as folder, FakeBotApi() as api:
        run = Run(api, Path(folder) / "coopbot.db", mode, free_port())
        users = range(500_001, 500_001 + burst)
        updates = [
            {**api.make_message("What is CEPA?", user_id=user), "update_id": 600_000_000 + user}
            for user in users
        ]
        first = run.start()
        telegram = None
        if mode == "polling":
            for update in updates:
                api.push_update(update)
        else:
            telegram = Telegram(api, run.port, updates).start()
        until = rng.uniform(0.05, 0.95) * burst  # kill once this many answers went out
        deadline = time.monotonic() + 60
        while sum(answers(api).values()) < until and time.monotonic() < deadline:
            time.sleep(0.001)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        before = sum(answers(api).values())
        second = run.start()
        deadline = time.monotonic() + 120
        while not set(answers(api)) >= set(users) and time.monotonic() < deadline:
            time.sleep(0.05)
        if telegram is not None:
            telegram.join()
        time.sleep(1.0)  # anything answered twice would have been by now
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=30)
        counts = answers(api)
        return {
            "answered_before_kill": before,
            "lost": sum(1 for user in users if counts[user] == 0),
            "twice": sum(1 for user in users if counts[user] > 1),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.durability", description=__doc__)
    parser.add_argument("--trials", type=int, default=5, help="kills per mode (default 5)")
    parser.add_argument("--burst", type=int, default=600, help="questions a burst (default 600)")
    parser.add_argument("--seed", type=int, default=14, help="of the random moments")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    for mode in ("polling", "webhook"):
        results = [trial(mode, args.burst, rng) for _ in range(args.trials)]
        lost = sum(r["lost"] for r in results)
        twice = sum(r["twice"] for r in results)
        moments = ", ".join(str(r["answered_before_kill"]) for r in results)
        print(
            f"{mode}: {args.trials} kill -9 in bursts of {args.burst} (after {moments} answers): "
            f"{lost} never answered, {twice} answered twice"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

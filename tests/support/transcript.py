"""A session with the bot as a phone shows it, from a real run: the transcript in docs/telegram.md.

`python -m tests.support.transcript` runs the bot on the shipped knowledge base against the fake
Bot API, plays SCRIPT and prints what the user saw; the tests check that the docs show exactly that.
Bold is shown as **this**, italics as _this_, buttons as [this], a message edited in place as ✎.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.engine import Engine
from bot.knowledge import built_in_path
from tests.support.fake_bot_api import BOT_USERNAME, Call, FakeBotApi
from tests.support.running_bot import TELEGRAM_TOKEN, RunningBot

MENTION = f"@{BOT_USERNAME}"
#: Inline results shown: what fits a phone's screen above the keyboard.
INLINE_SHOWN = 4
#: What the user does: ("say", text), ("tap", label), ("inline", query), ("group", text).
SCRIPT: list[tuple[str, str]] = [
    ("say", "/start"),
    ("tap", "📋 Policy topics"),
    ("tap", "CEPA"),
    ("tap", "2"),
    ("say", "when was the last guangdong plenary"),
    ("tap", "👎"),
    ("say", "the date of the next plenary"),
    ("inline", "guang"),
    ("group", "thanks!"),
]


def styled(text: str, entities: list[dict[str, Any]]) -> str:
    """`text` with its bold and italic entities marked (offsets count UTF-16 code units)."""
    units = text.encode("utf-16-le")
    marks: dict[int, str] = {}
    for entity in entities:
        mark = {"bold": "**", "italic": "_"}.get(entity["type"])
        if mark:
            start, end = entity["offset"] * 2, (entity["offset"] + entity["length"]) * 2
            marks[start] = marks.get(start, "") + mark
            marks[end] = mark + marks.get(end, "")
    out, last = [], 0
    for at in sorted(marks):
        out += [units[last:at].decode("utf-16-le"), marks[at]]
        last = at
    out.append(units[last:].decode("utf-16-le"))
    return "".join(out)


def keyboard(params: dict[str, Any]) -> list[str]:
    rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    return ["   " + " ".join(f"[{b['text']}]" for b in row) for row in rows]


def shown(call: Call) -> list[str]:
    """A message the bot sent or edited, as the chat shows it."""
    result = call.result if isinstance(call.result, dict) else {}
    text = styled(result.get("text", ""), result.get("entities", []))
    edited = "✎ " if call.method == "editMessageText" else ""
    lines = (edited + text).split("\n")
    return [
        "🤖 " + lines[0],
        *("   " + line if line else "" for line in lines[1:]),
        *keyboard(call.params),
    ]


def seen(calls: list[Call]) -> Iterator[str]:
    """What the user saw of `calls`: messages, edits, toasts and inline results."""
    for call in calls:
        if call.method in ("sendMessage", "editMessageText") and call.ok:
            yield from shown(call)
        elif call.method == "editMessageReplyMarkup" and call.ok:
            yield "🤖 ✎ (the buttons under it become)"
            yield from keyboard(call.params)
        elif call.method == "answerCallbackQuery" and call.params.get("text"):
            yield f"🤖 (a toast) {call.params['text']}"
        elif call.method == "answerInlineQuery":
            results = call.params["results"]
            yield f"🤖 (above the keyboard, {len(results)} answers to send)"
            yield from (f"   {r['title']}" for r in results[:INLINE_SHOWN])
            if len(results) > INLINE_SHOWN:
                yield "   …"


def step_calls(bot: RunningBot, mark: int) -> list[Call]:
    """The calls a step made since `mark`, once it is done: the user's updates are handled in
    order, so the reply to a /help sent after it comes after all of them (and is left out)."""
    settle_mark = bot.api.mark()
    bot.settle()
    help_reply = next(
        c
        for c in bot.api.calls_since(settle_mark)
        if c.method == "sendMessage" and "/platforms" in c.params["text"]
    )
    return [
        c for c in bot.api.calls if mark <= c.index < help_reply.index and c.method != "getUpdates"
    ]


def play(bot: RunningBot) -> list[str]:
    """Play SCRIPT on `bot`; the transcript."""
    api = bot.api
    lines: list[str] = []
    last: dict[str, Any] = {}
    for kind, value in SCRIPT:
        mark = api.mark()
        if kind == "say":
            lines.append(f"👤 {value}")
            api.push_update(api.make_message(value))
        elif kind == "tap":
            lines.append(f"👤 (taps [{value}])")
            data = next(
                b["callback_data"]
                for row in last["reply_markup"]["inline_keyboard"]
                for b in row
                if b["text"] == value
            )
            api.push_update(api.make_callback_query(data, message=last))
        elif kind == "inline":
            lines.append(f"👤 (in a chat with a friend, types) {MENTION} {value}")
            api.push_update(api.make_inline_query(value))
        else:
            lines.append(f"👤 (in a group) {MENTION} {value}")
            entities = [{"type": "mention", "offset": 0, "length": len(MENTION)}]
            api.push_update(
                api.make_message(f"{MENTION} {value}", chat_type="supergroup", entities=entities)
            )
        calls = step_calls(bot, mark)
        lines += seen(calls)
        lines.append("")
        last = next(
            (
                c.result
                for c in reversed(calls)
                if c.method in ("sendMessage", "editMessageText")
                and "reply_markup" in c.params
                and c.result["chat"]["type"] == "private"
            ),
            last,
        )
    return lines[:-1]


def transcript(bot: RunningBot) -> str:
    return "\n".join(play(bot))


def main() -> None:
    with FakeBotApi() as api, tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            token=TELEGRAM_TOKEN,
            api_url=api.root,
            knowledge=built_in_path(),
            db_path=Path(folder) / "coopbot.db",
            user_hash_key=b"transcript",
        )
        bot = RunningBot(api, settings, "polling", False, Engine.load(built_in_path())).start()
        try:
            print(transcript(bot))
        finally:
            bot.stop()


if __name__ == "__main__":
    main()

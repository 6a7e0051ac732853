"""Where and when the bot speaks: groups, non-text messages, edits, channel posts, floods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.telegram.flood import FloodGate
from tests.support.fake_bot_api import BOT_USERNAME, DEFAULT_GROUP_ID, DEFAULT_USER_ID
from tests.support.running_bot import RunningBot

MENTION = f"@{BOT_USERNAME}"
USER = DEFAULT_USER_ID


def group_message(bot: RunningBot, text: str | None, **fields: Any) -> dict[str, Any]:
    return bot.api.make_message(text, chat_type="supergroup", **fields)


def replies_between(bot: RunningBot, mark: int, chat_id: int) -> list[str]:
    """Visible texts the bot sent to a chat since `mark`."""
    return [
        c.result["text"]
        for c in bot.api.sent("sendMessage")
        if c.index >= mark and c.params["chat_id"] == chat_id
    ]


def help_reply_in_group(bot: RunningBot, mark: int) -> list[str]:
    """Send /help to the group after the messages under test, wait for its reply, and return
    everything the bot said there since `mark`: the user's updates are handled in order, so
    anything said about the earlier messages is said by then."""
    help_mark = bot.api.mark()
    bot.send(group_message(bot, "/help"))
    bot.api.wait_for(
        lambda c: c.method == "sendMessage" and "/platforms" in c.params["text"], after=help_mark
    )
    return replies_between(bot, mark, DEFAULT_GROUP_ID)


# --- groups --------------------------------------------------------------------------------------


def test_plain_group_chatter_gets_no_reply(telegram_bot: RunningBot) -> None:
    mark = telegram_bot.api.mark()
    telegram_bot.send(group_message(telegram_bot, "What is CEPA?"))
    replies = help_reply_in_group(telegram_bot, mark)
    assert len(replies) == 1 and "/platforms" in replies[0]  # only the answer to /help


def test_a_mention_in_a_group_is_answered_as_a_reply(telegram_bot: RunningBot) -> None:
    text = f"{MENTION} What is CEPA?"
    entities = [{"type": "mention", "offset": 0, "length": len(MENTION)}]
    message = group_message(telegram_bot, text, entities=entities)
    mark = telegram_bot.api.mark()
    telegram_bot.send(message)
    call = telegram_bot.api.wait_for("sendMessage", after=mark)
    assert call.params["text"].startswith("<b>What is CEPA?</b>\nCEPA is")
    assert call.params["reply_parameters"]["message_id"] == message["message"]["message_id"]


def test_a_reply_to_the_bot_in_a_group_is_answered(telegram_bot: RunningBot) -> None:
    bot_message = telegram_bot.api.make_bot_message(
        "Ask me", chat_id=DEFAULT_GROUP_ID, chat_type="supergroup"
    )
    call = telegram_bot.say("What is CEPA?", chat_type="supergroup", reply_to_message=bot_message)
    assert call.params["text"].startswith("<b>What is CEPA?</b>\nCEPA is")


def test_a_reply_to_someone_else_in_a_group_gets_no_reply(telegram_bot: RunningBot) -> None:
    other = telegram_bot.api.make_message("hi", user_id=555, chat_type="supergroup")["message"]
    mark = telegram_bot.api.mark()
    telegram_bot.send(group_message(telegram_bot, "What is CEPA?", reply_to_message=other))
    assert len(help_reply_in_group(telegram_bot, mark)) == 1


def test_a_command_in_a_group_is_answered(telegram_bot: RunningBot) -> None:
    call = telegram_bot.say("/start", chat_type="supergroup")
    assert call.params["text"].startswith("Hello")


def test_an_unknown_command_in_a_group_is_answered_only_when_addressed_to_the_bot(
    telegram_bot: RunningBot,
) -> None:
    mark = telegram_bot.api.mark()
    telegram_bot.send(group_message(telegram_bot, "/frobnicate"))
    telegram_bot.send(group_message(telegram_bot, "/frobnicate@some_other_bot"))
    telegram_bot.send(group_message(telegram_bot, f"/frobnicate{MENTION}"))
    replies = help_reply_in_group(telegram_bot, mark)
    assert len(replies) == 2 and "don't know that command" in replies[0]


# --- non-text messages ---------------------------------------------------------------------------

NON_TEXT = {
    "sticker": {
        "file_id": "CAAC",
        "file_unique_id": "AgAD",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    },
    "photo": [{"file_id": "AgAC", "file_unique_id": "AQAD", "width": 90, "height": 60}],
    "voice": {"file_id": "AwAC", "file_unique_id": "AgAE", "duration": 3},
    "location": {"latitude": 22.28, "longitude": 114.16},
}


@pytest.mark.parametrize("kind", sorted(NON_TEXT))
def test_a_non_text_message_gets_one_polite_line(telegram_bot: RunningBot, kind: str) -> None:
    call = telegram_bot.say(None, **{kind: NON_TEXT[kind]})
    assert call.params["text"] == "I can only read text. Please type your question."


def test_a_sticker_in_a_group_gets_no_reply(telegram_bot: RunningBot) -> None:
    mark = telegram_bot.api.mark()
    telegram_bot.send(group_message(telegram_bot, None, sticker=NON_TEXT["sticker"]))
    assert len(help_reply_in_group(telegram_bot, mark)) == 1


# --- edits and channel posts ---------------------------------------------------------------------


def test_an_edited_message_is_not_answered_again(bot_each_mode: RunningBot) -> None:
    api = bot_each_mode.api
    original = api.make_message("What is CEPA?")
    mark = api.mark()
    bot_each_mode.send(original)
    api.wait_for("sendMessage", after=mark)
    message_id = original["message"]["message_id"]
    bot_each_mode.send(api.make_edited_message("What is CEPA, again?", message_id=message_id))
    bot_each_mode.settle(USER)
    replies = replies_between(bot_each_mode, mark, USER)
    assert len(replies) == 2 and replies[1].startswith("Ask me")  # the answer, then /help's


def test_a_channel_post_is_not_answered(bot_each_mode: RunningBot) -> None:
    api = bot_each_mode.api
    mark = api.mark()
    bot_each_mode.send(api.make_channel_post("What is CEPA?"))
    bot_each_mode.settle(USER)
    assert [c.params["chat_id"] for c in api.sent("sendMessage") if c.index >= mark] == [USER]


# --- flood limit ---------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


FloodBot = tuple[RunningBot, Clock]


@pytest.fixture
def flood_bot(start_bot: Callable[..., RunningBot]) -> FloodBot:
    """A bot allowing 3 messages a minute, on a clock the test moves."""
    bot = start_bot(flood_limit=3)
    clock = Clock()
    bot.app.bot_data.flood = FloodGate(3, clock=clock)
    return bot, clock


def test_a_flooding_user_gets_one_note_and_then_silence(flood_bot: FloodBot) -> None:
    bot, clock = flood_bot
    mark = bot.api.mark()
    for _ in range(6):
        bot.send(bot.api.make_message("What is CEPA?"))
    bot.press("e|e|cepa-overview")  # always answered, so it waits for the six before it
    clock.now += 61  # a minute later the user is served again
    bot.settle(USER)
    replies = replies_between(bot, mark, USER)
    firsts = [r.split("\n", 1)[0] for r in replies]
    # Three answers, the note, and silence; the press has a budget of its own, and /help is
    # always served.
    assert firsts[:3] == ["What is CEPA?"] * 3
    assert replies[3].startswith("You are sending messages faster than I can answer")
    assert firsts[4] == "What is CEPA?" and replies[5].startswith("Ask me")
    assert len(replies) == 6


def test_a_flooding_user_does_not_slow_anyone_else(flood_bot: FloodBot) -> None:
    bot, _clock = flood_bot
    for _ in range(5):
        bot.send(bot.api.make_message("What is CEPA?"))
    call = bot.say("What is CEPA?", user_id=777)
    assert call.params["text"].startswith("<b>What is CEPA?</b>\nCEPA is")


def test_a_button_pressed_while_flooded_is_answered_quietly(flood_bot: FloodBot) -> None:
    bot, _clock = flood_bot
    for _ in range(4):
        bot.send(bot.api.make_message("What is CEPA?"))
    answer = bot.press("e|e|cepa-overview")
    assert answer.params.get("text") is None  # quietly: the note was already given

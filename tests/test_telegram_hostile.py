"""Hostile and odd input through the running bot: any text at all, every kind of update the Bot API
can send, and fields it does not know yet. Nothing may crash a handler (the error handler is never
called), and every reply must be one Telegram would accept."""

from __future__ import annotations

import itertools
import json
import logging
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support.fake_bot_api import BOT_USERNAME, BotApiSpec, FakeBotApi, utf16_len
from tests.support.running_bot import TELEGRAM_WEBHOOK_SECRET, RunningBot

#: The user every update of `test_every_kind_of_update_is_answered_or_ignored` comes from.
USER = 80_001
#: Who sends each text of `test_any_text_...`: a new user each time, so no answer is mistaken for
#: another's.
USERS = itertools.count(90_001)
#: Seconds within which any message must be answered, even 100 KB of it.
REPLY_WITHIN = 5.0


@pytest.fixture
def webhook_bot(start_bot: Callable[..., RunningBot]) -> RunningBot:
    """Webhook mode: updates reach the bot as posted, whatever their kind, and as JSON with
    `\\ud800` escapes for lone surrogates, as Telegram sends them. No flood limit: it is not
    what these tests are about, and they send many updates."""
    return start_bot(mode="webhook", flood_limit=1_000_000)


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What went wrong, as logged: a failed handler, or an update the library could not read."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


# --- any text ------------------------------------------------------------------------------------

#: Pieces hypothesis would rarely put together by itself.
HOSTILE_PIECES = [
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\ud800",  # lone surrogates, which Telegram passes on
    "\udfff",
    "\x00",
    "\x1b[31m",
    "🇭🇰",
    "👍🏽",
    "e\u0301",
    "<b>",
    "</i>",
    "&amp;",
    '<a href="javascript:alert(1)">',
    "/start",
    f"@{BOT_USERNAME}",
    "CEPA",
    "前海",
    "\n",
]
ANY_TEXT = (
    st.lists(
        st.one_of(
            st.text(st.characters(exclude_categories=()), max_size=40),  # surrogates included
            st.sampled_from(HOSTILE_PIECES),
        ),
        min_size=1,
        max_size=20,
    )
    .map("".join)
    .filter(bool)  # Telegram sends no empty messages
)
HUNDRED_KB = "CEPA 前海 🇭🇰\u202e<b>&amp;\ud800\x00 " * 5_000


@given(text=ANY_TEXT)
@example(text=HUNDRED_KB)
@settings(
    max_examples=50,
    deadline=None,  # the time that matters is asserted below, per message
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # one bot for every example
)
def test_any_text_gets_one_reply_telegram_accepts_in_bounded_time(
    webhook_bot: RunningBot, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    api = webhook_bot.api
    user = next(USERS)
    mark = api.mark()
    started = time.monotonic()
    webhook_bot.send(api.make_message(text, user_id=user))
    reply = api.wait_for(
        lambda c: c.method == "sendMessage" and c.params["chat_id"] == user,
        after=mark,
        include_errors=True,
        timeout=REPLY_WITHIN,
    )
    assert time.monotonic() - started < REPLY_WITHIN
    assert reply.ok, reply.summary()  # valid HTML within Telegram's limits, or the fake says why
    assert utf16_len(reply.result["text"]) <= 4096
    assert not errors_logged(caplog)


# --- every kind of update ------------------------------------------------------------------------


def sample(spec: BotApiSpec, api: FakeBotApi, type_name: str) -> Any:
    """The plainest value of a Bot API type the spec allows: an object has its required fields
    only, a union is its first member, a list has one item; users and chats are USER and their
    private chat, so every update that has a user has the same one."""
    if type_name.startswith("Array of "):
        return [sample(spec, api, type_name.removeprefix("Array of "))]
    plain = {"Integer": 1, "Float": 1.0, "Boolean": True, "String": "x"}
    if type_name in plain:
        return plain[type_name]
    if type_name == "User":
        return api.make_user(USER)
    if type_name == "Chat":
        return api.make_chat(USER)
    members = spec.subtypes(type_name)
    if members:
        return sample(spec, api, members[0])
    fields = spec.type_fields(type_name) or {}
    value = {name: sample(spec, api, f["types"][0]) for name, f in fields.items() if f["required"]}
    discriminator = spec.discriminator(type_name)
    if discriminator is not None:
        value[discriminator[0]] = discriminator[1]
    return value


def update_of_kind(api: FakeBotApi, kind: str) -> dict[str, Any]:
    """An update of `kind`; messages of any kind carry a question, to show it goes unanswered."""
    if kind in ("channel_post", "edited_channel_post"):
        return {kind: api.make_channel_post("What is CEPA?")["channel_post"]}
    field_type = api.spec.type_fields("Update")[kind]["types"][0]
    if field_type == "Message":
        return {kind: api.make_message("What is CEPA?", user_id=USER)["message"]}
    return api.make_update(kind, sample(api.spec, api, field_type))


#: How the bot answers the update kinds it answers at all; every other kind is ignored.
ANSWERED = {
    "message": ["sendMessage"],
    "callback_query": ["answerCallbackQuery"],  # no data: the polite "button no longer works"
    "inline_query": ["answerInlineQuery"],
}


def test_every_kind_of_update_is_answered_or_ignored(
    webhook_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    api = webhook_bot.api
    reactions = {}
    for kind in api.spec.update_types:
        mark = api.mark()
        webhook_bot.send(update_of_kind(api, kind))
        webhook_bot.settle(USER)  # the updates of a user are handled in order
        reactions[kind] = [c.method for c in api.calls[mark:-1]]  # the last: /help's reply
    assert reactions == {kind: ANSWERED.get(kind, []) for kind in api.spec.update_types}
    assert not api.errors
    assert not errors_logged(caplog)


def post_unchecked(bot: RunningBot, update: dict[str, Any]) -> int:
    """Deliver an update the fake's spec does not describe (a newer Bot API's), as Telegram
    would; returns the HTTP status."""
    request = urllib.request.Request(
        bot.webhook_local_url,
        data=json.dumps(update).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_WEBHOOK_SECRET,
        },
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=5) as response:
        return response.status


def test_a_message_with_fields_unknown_to_the_bot_is_answered(
    webhook_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    message = webhook_bot.api.make_message("What is CEPA?", user_id=USER)["message"]
    message |= {"future_field": {"nested": [1, "two", None]}, "future_flag": True}
    mark = webhook_bot.api.mark()
    assert post_unchecked(webhook_bot, {"update_id": 1, "message": message}) == 200
    answer = webhook_bot.api.wait_for("sendMessage", after=mark)
    assert answer.params["text"].startswith("<b>What is CEPA?</b>\nCEPA is")
    assert not errors_logged(caplog)


def test_an_update_of_a_kind_unknown_to_the_bot_is_ignored(
    webhook_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    future = {"update_id": 2, "future_kind": {"from": webhook_bot.api.make_user(USER)}}
    mark = webhook_bot.api.mark()
    assert post_unchecked(webhook_bot, future) == 200
    webhook_bot.settle(USER)
    assert [c.method for c in webhook_bot.api.calls[mark:]] == ["sendMessage"]  # /help's reply
    assert not errors_logged(caplog)

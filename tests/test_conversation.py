"""What a conversation remembers, and for how long."""

from __future__ import annotations

from bot.conversation import Conversations
from bot.outcome import Turn

BEIJING = Turn("beijing", "leaders")
SHANGHAI = Turn("shanghai", "latest")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_last_turn_of_a_conversation_is_remembered() -> None:
    conversations = Conversations()
    conversations.put("chat", BEIJING)
    conversations.put("chat", SHANGHAI)
    assert conversations.get("chat") == SHANGHAI
    assert conversations.get("another chat") is None


def test_a_turn_is_forgotten_after_its_time_to_live() -> None:
    clock = Clock()
    conversations = Conversations(ttl=60, clock=clock)
    conversations.put("chat", BEIJING)
    clock.now = 59
    assert conversations.get("chat") == BEIJING
    clock.now = 61
    assert conversations.get("chat") is None


def test_the_least_recently_used_conversation_goes_first_past_the_bound() -> None:
    conversations = Conversations(limit=2)
    conversations.put("a", BEIJING)
    conversations.put("b", BEIJING)
    conversations.get("a")
    conversations.put("a", SHANGHAI)
    conversations.put("c", BEIJING)
    assert len(conversations) == 2
    assert conversations.get("b") is None and conversations.get("a") == SHANGHAI


def test_no_turn_changes_nothing() -> None:
    conversations = Conversations()
    conversations.put("chat", BEIJING)
    conversations.put("chat", None)
    assert conversations.get("chat") == BEIJING

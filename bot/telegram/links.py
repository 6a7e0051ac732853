"""Deep links: ``t.me/<bot>?start=PAYLOAD`` opens the private chat with the bot at an answer.

Telegram passes PAYLOAD to the bot as ``/start PAYLOAD``; it may hold 1 to 64 of ``A-Z a-z 0-9 _ -``.
A payload is, in the order tried:

- an entry id, which opens that answer (``?start=cepa-overview``);
- a topic id, which opens the topic's overview (``?start=cepa``);
- ``_`` and the 16 hex digits of an id's short reference (`bot.engine.short_ref`), for an id that
  is too long or holds other characters;
- ``q_`` and a question in base64url (UTF-8, no padding), as "Ask in private chat" under inline
  results sends it, which is asked as if typed.

Anything else opens the welcome, as a bare ``/start`` does.
"""

from __future__ import annotations

import base64
import re

from telegram.constants import MessageLimit
from telegram.helpers import create_deep_linked_url

from bot.engine import REF_PREFIX, Engine, short_ref
from bot.knowledge import Entry

_PAYLOAD = re.compile(rf"[A-Za-z0-9_-]{{1,{MessageLimit.DEEP_LINK_LENGTH}}}")
REF = "_"
QUESTION = "q_"


def entry_payload(entry_id: str) -> str:
    """The payload that opens an entry: its id where Telegram allows it, else its reference."""
    if _PAYLOAD.fullmatch(entry_id):
        return entry_id
    return REF + short_ref(entry_id).removeprefix(REF_PREFIX)


def question_payload(question: str) -> str | None:
    """The payload that asks `question`, or None when it would not fit in 64 characters."""
    encoded = base64.urlsafe_b64encode(question.encode("utf-8")).decode("ascii").rstrip("=")
    payload = QUESTION + encoded
    return payload if _PAYLOAD.fullmatch(payload) else None


def entry_url(bot_username: str, entry_id: str) -> str:
    return create_deep_linked_url(bot_username, entry_payload(entry_id))


def opened(engine: Engine, payload: str) -> Entry | str | None:
    """What a payload opens: an entry (a topic's is its overview), a question to ask, or None."""
    entry = engine.entry(payload)
    if entry is not None:
        return entry
    topic = engine.topic(payload)
    if topic is not None:
        return engine.entry(topic.overview)
    if payload.startswith(REF):
        return engine.entry(REF_PREFIX + payload.removeprefix(REF))
    if payload.startswith(QUESTION):
        encoded = payload.removeprefix(QUESTION)
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            question = raw.decode("utf-8")
        except ValueError:  # not base64 (binascii.Error), or not UTF-8: not ours
            return None
        return " ".join(question.split()) or None
    return None

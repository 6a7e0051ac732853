"""What answering a question comes to, as plain data every front end renders its own way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.knowledge import Entry
from bot.text import Lang

Kind = Literal["answer", "clarify", "decline", "smalltalk"]


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float  # may exceed 1 with the topic bonus; only the outcome's confidence is clipped


@dataclass(frozen=True)
class Turn:
    """What a conversation remembers of a question, so that the next may lean on it."""

    subject: str | None
    aspect: str | None = None
    number: int | None = None
    year: int | None = None
    lang: Lang | None = None  # the script the asker last wrote in, where it told
    entry: str | None = None  # the entry that answered it
    compared: str | None = None  # the second subject, when two were asked the same thing


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    question: str
    lang: Lang
    confidence: float
    candidates: tuple[Candidate, ...]  # ranked: the answer first, or the options, or suggestions
    smalltalk: str | None = None  # the kind of small talk ("greeting", "thanks", ...)
    subject: str | None = None  # a declined question's subject: what the bot can say about it
    turn: Turn | None = None  # what the conversation remembers of this question
    also: tuple[Entry, ...] = ()  # a compared subject's answer, shown after the first
    near_miss: bool = False  # declined for words of another subject ("weather", "好食")
    # Declined for what our sources have no record of: a meeting beyond them ("the 12th"), a
    # platform there is none of ("港津合作會議"); the suggestions are what they do record.
    unrecorded: bool = False
    # Declined for what the answer offered says our sources do not give ("when was the first
    # HK/Macao High Level Meeting?": its set-up answer says the date is not confirmed).
    not_told: bool = False

    @property
    def entry(self) -> Entry | None:
        return self.candidates[0].entry if self.kind == "answer" else None

"""What a knowledge base is, as plain dataclasses: what every other part of coopbot reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.text import LANGS, Lang


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    entry_id: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {self.entry_id}: {prefix}{self.message}"


SOURCE_KINDS = ("official", "repost", "news")
#: The kinds of small talk the bot has a reply for: meta.yaml's `smalltalk` names only these.
SMALLTALK_KINDS = (
    "greeting",
    "thanks",
    "identity",
    "help",
    "praise",
    "complaint",
    "wait",
    "bye",
    "ack",
    "intro",
    "remark",
)


@dataclass(frozen=True)
class Source:
    """A page an answer rests on: `kind` says what it is (an official original, a verbatim repost
    of a Government release, or the news), `lang` the language of the page, `read` when it was."""

    title: str
    url: str
    read: dt.date | None = None
    lang: Lang | None = None
    kind: str = "official"


@dataclass(frozen=True)
class Meeting:
    """One meeting of a co-operation platform, as its sources record it.

    Answers about meetings (the latest, the first, the 4th, the one in 2023, the next) are made
    from these records, so adding a meeting updates every answer that depends on it.
    """

    topic: str
    kind: str  # a key of meta.yaml's meeting_kinds: plenary, working, high-level, ...
    number: int | None  # its place in the series of its kind ("the 24th plenary")
    date: (
        dt.date | None
    )  # None only where the sources give no full date: `when` says what they give
    place: dict[Lang, str]
    chairs: dict[Lang, tuple[str, ...]]
    sources: tuple[Source, ...]
    when: dict[Lang, str] = field(default_factory=dict)
    title: dict[Lang, str] = field(default_factory=dict)
    agreed: dict[Lang, str] = field(default_factory=dict)
    agreed_count: int | None = None
    agreed_unit: str | None = None  # agreements, areas, items, documents
    note: dict[Lang, str] = field(default_factory=dict)
    format: str | None = None  # "in person" or "video", where the sources say
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Note:
    """A short fact with its sources, such as an announced next meeting."""

    text: dict[Lang, str]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    questions: dict[Lang, tuple[str, ...]]
    answer: dict[Lang, str]
    sources: tuple[Source, ...]
    as_of: dt.date | None = None
    related: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    aspect: str | None = None  # what about its topic it answers: a key of meta.yaml's aspects
    # Aspects its answer says our sources do not give ("the date of the first meeting is not
    # confirmed"): asked of it, the bot declines and offers this answer instead.
    not_told: tuple[str, ...] = ()
    meetings: tuple[Meeting, ...] = ()  # the records an answer about meetings was made from
    number: int | None = None  # for an answer about one numbered meeting: its number
    file: str = ""
    line: int = 0

    def question(self, lang: Lang) -> str:
        """The main question, as shown on a button."""
        return self.questions[lang][0]

    def all_questions(self) -> Iterator[str]:
        for lang in LANGS:
            yield from self.questions.get(lang, ())


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str
    name: dict[Lang, str]
    overview: str
    aliases: tuple[str, ...] = ()
    # Places the topic covers ("yunnan" for the offices): names of it only where a question asks
    # of an office there and names nothing else, not where it names a meeting's host.
    places: tuple[str, ...] = ()
    # Cities of the topic's province ("wuhan" for Hubei): names of it only where a question
    # speaks of a province or a co-operation platform and of no office.
    cities: tuple[str, ...] = ()
    short: dict[Lang, str] = field(default_factory=dict)  # a name that fits a button
    meetings: tuple[Meeting, ...] = ()  # oldest first
    next_meeting: Note | None = None
    file: str = ""
    line: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        """Every word that names the topic: its aliases, then its places."""
        return (*self.aliases, *self.places)

    def label(self, lang: Lang) -> str:
        """The topic's name as a button shows it: its short name, else its name."""
        return self.short.get(lang) or self.name[lang]


@dataclass(frozen=True)
class Meta:
    official_page: dict[Lang, Source]
    min_questions: dict[str, int] = field(default_factory=lambda: {"en": 1, "zh-Hant": 1})
    max_answer_chars: int = 900
    allowed_domains: tuple[str, ...] = ()
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Cue words per aspect and language ("who chairs", "幾時成立"): how a question says what it asks.
    aspects: dict[str, dict[Lang, tuple[str, ...]]] = field(default_factory=dict)
    # Phrases that are small talk, not questions ("hi", "唔該"), per kind and language.
    smalltalk: dict[str, dict[Lang, tuple[str, ...]]] = field(default_factory=dict)
    # Words that wrap a question without being about anything ("quick question", "我想問下").
    fillers: dict[str, dict[Lang, tuple[str, ...]]] = field(default_factory=dict)
    # Words that say a question is about something else than its subject ("weather", "好食").
    off_topic: dict[str, dict[Lang, tuple[str, ...]]] = field(default_factory=dict)
    # The names of meeting kinds (plenary, working meeting, ...) per language.
    meeting_kinds: dict[str, dict[Lang, str]] = field(default_factory=dict)
    # Phrasings of the answers made from meeting records, per aspect and language ({name}, {n}).
    meeting_questions: dict[str, dict[Lang, tuple[str, ...]]] = field(default_factory=dict)


@dataclass(frozen=True)
class KnowledgeBase:
    meta: Meta
    topics: dict[str, Topic]
    entries: dict[str, Entry]
    path: Path

    def topic_entries(self, topic_id: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.topic == topic_id]

    def platforms(self) -> list[Topic]:
        return [t for t in self.topics.values() if t.kind == "platform"]

    def all_sources(self) -> list[Source]:
        """Every distinct source, in knowledge-base order: the basis of /sources."""
        seen: dict[str, Source] = {}
        for entry in self.entries.values():
            for source in entry.sources:
                seen.setdefault(source.url, source)
        return list(seen.values())

    def latest_as_of(self) -> dt.date | None:
        dates = [e.as_of for e in self.entries.values() if e.as_of]
        return max(dates) if dates else None

    def last_checked(self) -> dt.date | None:
        """The day a source was last read: how current the knowledge base is, from its data."""
        dates = [s.read for s in self.all_sources() if s.read]
        return max(dates) if dates else None


class KnowledgeError(Exception):
    """The knowledge base cannot be served; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} problem(s) in the knowledge base; first: {errors[0]}")

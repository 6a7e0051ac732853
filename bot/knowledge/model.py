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


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    read: dt.date | None = None


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
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Meta:
    official_page: dict[Lang, Source]
    min_questions: dict[str, int] = field(default_factory=lambda: {"en": 1, "zh-Hant": 1})
    max_answer_chars: int = 900
    allowed_domains: tuple[str, ...] = ()
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)


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


class KnowledgeError(Exception):
    """The knowledge base cannot be served; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} problem(s) in the knowledge base; first: {errors[0]}")

"""Synthetic knowledge bases: the shipped one grown to any size, to measure how costs scale.

A real knowledge base of 100,000 entries does not exist, and random words would not stress the
matcher the way real questions do: so the real entries are kept and every topic is cloned under
invented place names, with its phrasings renamed, shuffled and spliced.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
from collections.abc import Callable

from bot.knowledge import Entry, KnowledgeBase, Topic
from bot.text import LANGS, is_cjk

# Invented place names are built from these, so a clone of "Sichuan" reads like another province
# and its Chinese name mixes characters the real knowledge base also uses.
_ONSETS = ("b", "ch", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "q", "r", "s", "sh", "t")
_ONSETS += ("w", "x", "y", "z", "zh")
_RIMES = ("a", "ai", "an", "ang", "ao", "e", "ei", "en", "eng", "i", "ian", "in", "ing", "o", "ong")
_RIMES += ("ou", "u", "uan", "un", "uo")
_HAN_NAME_CHARS = "安宁平阳山川江河湖海东西南北新丰德兴华泰和永清长春云龙桂岭溪源石城州庆昌明"


class _NameMaker:
    """Unique invented place names, in Latin letters and in Chinese characters."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _fresh(self, make: Callable[[], str]) -> str:
        while True:
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name

    def latin(self) -> str:
        def make() -> str:
            syllables = self.rng.choice((2, 2, 3))
            return "".join(
                self.rng.choice(_ONSETS) + self.rng.choice(_RIMES) for _ in range(syllables)
            )

        return self._fresh(make)

    def han(self) -> str:
        return self._fresh(
            lambda: "".join(self.rng.choices(_HAN_NAME_CHARS, k=self.rng.choice((2, 3))))
        )


def _name_pattern(topic: Topic) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """What names the topic in its phrasings: one-word Latin aliases and every Chinese alias.

    Multi-word aliases ("greater bay area") stay, as the generic words of any topic would.
    """
    latin = {topic.id, *(a for a in topic.aliases if a.isascii() and re.fullmatch(r"\w+", a))}
    han = {a for a in topic.aliases if any(is_cjk(ch) for ch in a)}
    by_length = lambda names: sorted(names, key=len, reverse=True)  # noqa: E731
    latin_re = (
        re.compile(r"\b(" + "|".join(map(re.escape, by_length(latin))) + r")\b", re.I)
        if latin
        else None
    )
    han_re = re.compile("|".join(map(re.escape, by_length(han)))) if han else None
    return latin_re, han_re


def _renamer(
    patterns: tuple[re.Pattern[str] | None, re.Pattern[str] | None], latin: str, han: str
) -> Callable[[str], str]:
    """A function putting the invented names where the topic's own names were."""
    latin_re, han_re = patterns

    def rename(text: str) -> str:
        if latin_re is not None:
            text = latin_re.sub(latin, text)
        return han_re.sub(han, text) if han_re is not None else text

    return rename


def _recombine(phrasings: list[str], rng: random.Random) -> tuple[str, ...]:
    """Most of an entry's phrasings in a new order, plus one made of two halves of others.

    Splicing within one entry keeps the vocabulary and length of real questions while making each
    clone's phrasings differ from its source's.
    """
    kept = rng.sample(phrasings, max(1, (len(phrasings) * 3 + 3) // 4))
    if len(phrasings) >= 2:
        first, second = rng.sample(phrasings, 2)
        if " " in first and " " in second:
            a, b = first.split(), second.split()
            kept.append(" ".join(a[: len(a) // 2] + b[len(b) // 2 :]))
        else:
            kept.append(first[: len(first) // 2] + second[len(second) // 2 :])
    return tuple(kept)


def synthetic_kb(kb: KnowledgeBase, size: int, seed: int = 0) -> KnowledgeBase:
    """A knowledge base of exactly `size` entries derived from `kb`, held in memory only.

    The real entries come first, unchanged, so labelled questions keep their right answer. Then
    come clones of every topic under an invented place name: the topic's names in each phrasing and
    keyword are replaced, and the phrasings shuffled and recombined. Answers and sources are shared
    with the source entry: the matcher never reads them, and sharing keeps the memory figures about
    the index. Below the real size, the first `size` real entries are kept.
    """
    real = list(kb.entries.values())
    entries: dict[str, Entry] = {e.id: e for e in real[:size]}
    topics = dict(kb.topics)
    rng = random.Random(seed)
    names = _NameMaker(rng)
    patterns = {topic.id: _name_pattern(topic) for topic in kb.topics.values()}
    for copy in itertools.count(1):
        if len(entries) >= size:
            break
        renamed: dict[str, tuple[str, str]] = {}
        for topic in kb.topics.values():
            latin, han = names.latin(), names.han()
            renamed[topic.id] = (latin, han)
            topics[f"{topic.id}-x{copy}"] = dataclasses.replace(
                topic,
                id=f"{topic.id}-x{copy}",
                name={lang: f"{latin.title()} {han}" for lang in topic.name},
                overview=f"{topic.overview}-x{copy}",
                aliases=(latin, han),
            )
        for entry in real:
            if len(entries) >= size:
                break
            rename = _renamer(patterns[entry.topic], *renamed[entry.topic])
            entries[f"{entry.id}-x{copy}"] = dataclasses.replace(
                entry,
                id=f"{entry.id}-x{copy}",
                topic=f"{entry.topic}-x{copy}",
                questions={
                    lang: _recombine([rename(q) for q in entry.questions[lang]], rng)
                    for lang in LANGS
                    if entry.questions.get(lang)
                },
                related=(),
                keywords=tuple(dict.fromkeys(rename(k) for k in entry.keywords)),
            )
    return KnowledgeBase(kb.meta, topics, entries, kb.path)

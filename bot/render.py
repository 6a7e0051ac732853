"""An outcome of the matcher turned into words: plain text for the terminal and `ask --json`.

Telegram's HTML (`bot.telegram.html`) says the same things in the same order, built from the same
pieces here, so what the command line shows is what a Telegram user reads.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot.knowledge import Entry, KnowledgeBase, Source, Topic
from bot.messages import format_date, t
from bot.outcome import Outcome
from bot.text import Lang

# Lone surrogates: Telegram can send them, and a non-UTF-8 command-line argument arrives as them,
# but no UTF-8 JSON can hold them.
_SURROGATE = re.compile("[\ud800-\udfff]")

#: The widest paragraph of an answer, in columns (a Chinese character takes two): about five lines
#: on a phone, so an answer reads as short blocks rather than one wall.
PARAGRAPH_WIDTH = 320
#: Where a sentence ends: after . ! ? (and a closing quote or bracket) and a space before what
#: starts a sentence (a capital, a digit, a quote, a Chinese character), or after 。！？.
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9\"“‘(「\u3400-\u9fff])|(?<=[。！？])[」』”’）)]*"
)
#: Words a full stop follows without ending the sentence ("No. 1", "incl. Macao").
_ABBREVIATIONS = frozenset(
    "no nos incl mr mrs ms dr prof st vs approx cf jan feb mar apr jun jul aug sep "
    "sept oct nov dec".split()
)


@dataclass(frozen=True)
class Suggestion:
    id: str
    question: str


def width(text: str) -> int:
    """Columns `text` takes on a phone: a Chinese (wide) character as much as two Latin letters,
    so one budget serves answers in every language."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shorten(text: str, columns: int) -> str:
    """`text` within `columns`, cut at a word where there is one, with an ellipsis."""
    if width(text) <= columns:
        return text
    cut, used = "", 0
    for ch in text:
        used += width(ch)
        if used > columns - 1:  # a column for the ellipsis
            break
        cut += ch
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—/(") + "…"


def sentences(text: str) -> list[str]:
    """The sentences of an answer, as written (a full stop after "No", a single letter or an
    abbreviation with dots, as in "No. 1", "J. Lee" or "U.S. President", ends none)."""
    found: list[str] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        before = text[start : boundary.start()].rstrip('.!?"”’)').rsplit(None, 1)
        word = before[-1].lower() if before else ""
        abbreviated = word in _ABBREVIATIONS or len(word) == 1 or "." in word  # "U.S.", "e.g."
        if abbreviated and text[boundary.start() - 1] == ".":
            continue
        if boundary.end() > start:
            found.append(text[start : boundary.end()].strip())
            start = boundary.end()
    if text[start:].strip():
        found.append(text[start:].strip())
    return [s for s in found if s]


def paragraphs(text: str) -> list[str]:
    """An answer as short paragraphs of whole sentences, about equally wide and none (but a
    sentence longer than that on its own) wider than PARAGRAPH_WIDTH."""
    parts = sentences(text)
    total = sum(width(s) for s in parts)
    target = total / max(1, math.ceil(total / PARAGRAPH_WIDTH))
    grouped: list[list[str]] = []
    current: list[str] = []
    used = 0
    for sentence in parts:
        size = width(sentence)
        if current and (used >= target or used + size > PARAGRAPH_WIDTH):
            grouped.append(current)
            current, used = [], 0
        current.append(sentence)
        used += size
    if current:
        grouped.append(current)
    return [_join(group) for group in grouped]


def _join(group: list[str]) -> str:
    """Sentences of one paragraph: spaced in English, run together in Chinese."""
    text = group[0]
    for sentence in group[1:]:
        text += ("" if text[-1] in "。！？」』”）)" and not text[-1].isascii() else " ") + sentence
    return text


def title(entry: Entry, topic: Topic | None, lang: Lang) -> str:
    """What an answer answers, as its first line: its main question, with the topic's short name
    for its full one ("Who leads the HK/Chongqing Conference?"), so it is one line on a phone."""
    question = entry.question(lang)
    if topic is None or not topic.short.get(lang):
        return question
    return question.replace(topic.name[lang], topic.label(lang))


def answer_text(entry: Entry, lang: Lang) -> str:
    """The answer with its "as of" date where the fact dates."""
    text = entry.answer[lang]
    if entry.as_of:
        text += "\n" + t("as_of", lang, date=format_date(entry.as_of, lang))
    return text


def suggestions(outcome: Outcome) -> list[Suggestion]:
    """What to offer next: related entries after an answer, the candidates otherwise."""
    lang = outcome.lang
    if outcome.kind == "answer":
        entry = outcome.candidates[0].entry
        return [Suggestion(rid, "") for rid in entry.related]
    return [Suggestion(c.entry.id, c.entry.question(lang)) for c in outcome.candidates]


def resolve_suggestions(items: list[Suggestion], kb: KnowledgeBase, lang: Lang) -> list[Suggestion]:
    """Fill in the question text of related ids, dropping any that no longer exist."""
    return [
        Suggestion(s.id, s.question or kb.entries[s.id].question(lang))
        for s in items
        if s.id in kb.entries
    ]


def message_text(outcome: Outcome, kb: KnowledgeBase) -> str:
    """The main message as plain text: the answer, the clarify prompt, small talk, or the decline."""
    lang = outcome.lang
    if outcome.kind == "answer":
        entries = (outcome.candidates[0].entry, *outcome.also)
        return "\n\n".join(answer_text(e, lang) for e in entries)
    if outcome.kind == "clarify":
        return t("clarify", lang)
    if outcome.kind == "smalltalk":
        return smalltalk_text(outcome)
    page = official_page(kb, lang)
    return f"{decline_text(outcome, kb)}\n{t('official', lang)} {page.title} — {page.url}"


def smalltalk_text(outcome: Outcome) -> str:
    """A short friendly line for small talk: no citation, and the menu is offered beside it."""
    return t(f"smalltalk_{outcome.smalltalk}", outcome.lang)


def decline_text(outcome: Outcome, kb: KnowledgeBase) -> str:
    """Why there is no answer: nothing on that at all, or not that about a subject the bot
    does know ("how many people live in Sichuan": what it can say about Sichuan instead)."""
    known = outcome.subject in kb.topics if outcome.subject else False
    if outcome.not_told and known:
        name = kb.topics[outcome.subject].name[outcome.lang]  # type: ignore[index]
        return t("decline_not_told", outcome.lang, name=name)
    if outcome.unrecorded:
        if not known:
            return t("decline_no_platform", outcome.lang)
        name = kb.topics[outcome.subject].name[outcome.lang]  # type: ignore[index]
        return t("decline_no_record", outcome.lang, name=name)
    if known:
        name = kb.topics[outcome.subject].name[outcome.lang]  # type: ignore[index]
        return t("decline_subject", outcome.lang, name=name)
    return t("decline", outcome.lang)


#: How many sources an answer shows; the others are one step away (a button, /sources).
CITED = 2
_KIND_RANK = {"official": 0, "repost": 1, "news": 2}


def cited(entry: Entry, lang: Lang, limit: int | None = CITED) -> tuple[Source, ...]:
    """The sources an answer shows: in the asker's language first (either Chinese script for a
    Chinese reader, their own first), official originals before reposts before news; all of
    them, in that order, with no `limit`."""
    chinese = ("zh-Hans", "zh-Hant") if lang == "zh-Hans" else ("zh-Hant", "zh-Hans")
    preference = (lang,) if lang == "en" else chinese

    def rank(item: tuple[int, Source]) -> tuple[int, int, int]:
        order, source = item
        language = preference.index(source.lang) if source.lang in preference else len(preference)
        return language, _KIND_RANK.get(source.kind, 3), order

    return tuple(source for _, source in sorted(enumerate(entry.sources), key=rank)[:limit])


def official_page(kb: KnowledgeBase, lang: Lang) -> Source:
    return kb.meta.official_page.get(lang) or kb.meta.official_page["en"]


def sources_of(outcome: Outcome) -> tuple[Source, ...]:
    """The sources an answer cites (see `cited`), a compared subject's after; none for
    anything else."""
    if outcome.kind != "answer":
        return ()
    entries = (outcome.candidates[0].entry, *outcome.also)
    return tuple(s for e in entries for s in cited(e, outcome.lang))


def plain_answer(entry: Entry, kb: KnowledgeBase, lang: Lang) -> str:
    """An answer laid out as Telegram shows it, in plain text: what it answers, short paragraphs
    a line each, a line per source (the rest counted), then how current it is. No blank line:
    in the terminal, and to programs reading `coopbot ask`, a blank line ends a reply."""
    lines = [title(entry, kb.topics.get(entry.topic), lang), *paragraphs(entry.answer[lang])]
    shown = cited(entry, lang)
    lines += [f"{t('source', lang)}: {s.title} — {s.url}" for s in shown]
    more = len(entry.sources) - len(shown)
    if more:
        lines.append(
            t("sources_more_one", lang) if more == 1 else t("sources_more", lang, count=str(more))
        )
    if entry.as_of:
        lines.append(t("as_of", lang, date=format_date(entry.as_of, lang)))
    return "\n".join(lines)


def plain(outcome: Outcome, kb: KnowledgeBase) -> str:
    """Everything a terminal user needs, numbered suggestions included."""
    lang = outcome.lang
    entry = outcome.entry
    if entry is None:
        lines = [message_text(outcome, kb)]
    else:
        lines = [plain_answer(e, kb, lang) for e in (entry, *outcome.also)]
    items = resolve_suggestions(suggestions(outcome), kb, lang)
    if items:
        # A clarify message is itself the heading of its options.
        if outcome.kind == "answer":
            lines.append(t("related", lang) + ":")
        elif outcome.kind in ("decline", "smalltalk"):
            lines.append(t("suggestions", lang))
        lines += [f"  {n}. {s.question}" for n, s in enumerate(items, 1)]
    return "\n".join(lines)


def to_json(outcome: Outcome, kb: KnowledgeBase) -> dict[str, Any]:
    """The stable `coopbot ask --json` contract: exactly these fields, in this order.

    The question is echoed with any lone surrogate as U+FFFD, so the result is always UTF-8 JSON.
    """
    entry = outcome.candidates[0].entry if outcome.kind == "answer" else None
    return {
        "question": _SURROGATE.sub("\ufffd", outcome.question),
        "answered": outcome.kind == "answer",
        "id": entry.id if entry else None,
        "lang": outcome.lang,
        "answer": message_text(outcome, kb),
        "confidence": round(outcome.confidence, 4),
        "sources": [{"title": s.title, "url": s.url} for s in sources_of(outcome)],
        "suggestions": [
            {"id": s.id, "question": s.question}
            for s in resolve_suggestions(suggestions(outcome), kb, outcome.lang)
        ],
    }

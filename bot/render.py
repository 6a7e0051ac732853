"""An outcome of the matcher turned into words: plain text for the terminal and `ask --json`.

Telegram's HTML (`bot.telegram.html`) says the same things in the same order, built from the same
pieces here, so what the command line shows is what a Telegram user reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.knowledge import Entry, KnowledgeBase, Source
from bot.messages import format_date, t
from bot.outcome import Outcome
from bot.text import Lang

# Lone surrogates: Telegram can send them, and a non-UTF-8 command-line argument arrives as them,
# but no UTF-8 JSON can hold them.
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Suggestion:
    id: str
    question: str


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
        return answer_text(outcome.candidates[0].entry, lang)
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
    if outcome.subject and outcome.subject in kb.topics:
        name = kb.topics[outcome.subject].name[outcome.lang]
        return t("decline_subject", outcome.lang, name=name)
    return t("decline", outcome.lang)


#: How many sources an answer shows; the others are one step away (a button, /sources).
CITED = 2
_KIND_RANK = {"official": 0, "repost": 1, "news": 2}


def cited(entry: Entry, lang: Lang, limit: int = CITED) -> tuple[Source, ...]:
    """The sources an answer shows: in the asker's language first (either Chinese script for a
    Chinese reader, their own first), official originals before reposts before news."""
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
    """The sources an answer cites (see `cited`); none for anything else."""
    return cited(outcome.candidates[0].entry, outcome.lang) if outcome.kind == "answer" else ()


def plain(outcome: Outcome, kb: KnowledgeBase) -> str:
    """Everything a terminal user needs, numbered suggestions included."""
    lang = outcome.lang
    lines = [message_text(outcome, kb)]
    for source in sources_of(outcome):
        lines.append(f"{t('source', lang)}: {source.title} — {source.url}")
    items = resolve_suggestions(suggestions(outcome), kb, lang)
    if items:
        # A clarify message is itself the heading of its options.
        if outcome.kind == "answer":
            lines.append(t("related", lang) + ":")
        elif outcome.kind == "decline":
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

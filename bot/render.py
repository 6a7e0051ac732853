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
    """The main message as plain text: the answer, the clarify prompt, or the decline."""
    lang = outcome.lang
    if outcome.kind == "answer":
        return answer_text(outcome.candidates[0].entry, lang)
    if outcome.kind == "clarify":
        return t("clarify", lang)
    page = official_page(kb, lang)
    return f"{t('decline', lang)}\n{t('official', lang)} {page.title} — {page.url}"


def official_page(kb: KnowledgeBase, lang: Lang) -> Source:
    return kb.meta.official_page.get(lang) or kb.meta.official_page["en"]


def sources_of(outcome: Outcome) -> tuple[Source, ...]:
    return outcome.candidates[0].entry.sources if outcome.kind == "answer" else ()


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

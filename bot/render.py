"""An outcome of the matcher turned into words: plain text for the terminal and JSON, HTML for Telegram.

Both renderers say the same things in the same order, so what the command line shows is what a
Telegram user reads. HTML escapes every string that comes from a user or the knowledge base.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from bot.knowledge import TELEGRAM_MESSAGE_LIMIT, Entry, KnowledgeBase, Source
from bot.matcher import Outcome
from bot.messages import format_date, t
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


def link(source: Source) -> str:
    return f'<a href="{html.escape(source.url, quote=True)}">{html.escape(source.title)}</a>'


def entry_html(entry: Entry, lang: Lang) -> str:
    """An answer in Telegram HTML: the text, the "as of" line, and its citations as links."""
    parts = [html.escape(entry.answer[lang])]
    if entry.as_of:
        parts.append(f"<i>{html.escape(t('as_of', lang, date=format_date(entry.as_of, lang)))}</i>")
    label = t("source" if len(entry.sources) == 1 else "sources", lang)
    parts.append(f"{html.escape(label)}: " + " · ".join(link(s) for s in entry.sources))
    return fit("\n\n".join(parts))


def outcome_html(outcome: Outcome, kb: KnowledgeBase) -> str:
    """The main Telegram message for any outcome; buttons are the Telegram layer's business."""
    lang = outcome.lang
    if outcome.kind == "answer":
        return entry_html(outcome.candidates[0].entry, lang)
    if outcome.kind == "clarify":
        return html.escape(t("clarify", lang))
    page = official_page(kb, lang)
    return f"{html.escape(t('decline', lang))}\n{html.escape(t('official', lang))} {link(page)}"


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units, so an emoji or a rare Han character is 2."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def fit(text: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> str:
    """Cut HTML to Telegram's limit without leaving a tag or an entity broken or unclosed.

    The HTML itself is measured, in UTF-16 code units: never less than the text Telegram counts.
    """
    if utf16_len(text) <= limit:
        return text
    budget = limit - min(200, limit // 2)  # room for the ellipsis and the closing tags
    cut = text[:budget]
    if utf16_len(cut) > budget:  # characters beyond the Basic Multilingual Plane count twice
        units = 0
        for end, ch in enumerate(cut):
            units += 2 if ord(ch) > 0xFFFF else 1
            if units > budget:
                cut = cut[:end]
                break
    for opener, closer in (("<", ">"), ("&", ";")):
        start = cut.rfind(opener)
        if start > cut.rfind(closer):
            cut = cut[:start]
    open_tags: list[str] = []
    for piece in cut.split("<")[1:]:
        name = piece.split(">", 1)[0].split(" ", 1)[0]
        if name.startswith("/"):
            if open_tags and open_tags[-1] == name[1:]:
                open_tags.pop()
        else:
            open_tags.append(name)
    return cut + "…" + "".join(f"</{name}>" for name in reversed(open_tags))

"""Telegram HTML: answers, declines and citations as Telegram shows them, cut to fit one message.

Every string from a user or the knowledge base is escaped here; the bot's own sentences are escaped
by `esc` where they are used. Lengths are counted as Telegram counts them, in UTF-16 code units.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from telegram.constants import MessageLimit

from bot.knowledge import Entry, KnowledgeBase, Source
from bot.messages import format_date, t
from bot.outcome import Outcome
from bot.render import decline_text, official_page, smalltalk_text
from bot.text import Lang

#: Telegram's limit on one message's text.
MESSAGE_LIMIT = MessageLimit.MAX_TEXT_LENGTH


def esc(text: str) -> str:
    """Text for Telegram HTML: only <, > and & matter outside attributes, so quotes stay readable."""
    return html.escape(text, quote=False)


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
    if outcome.kind == "smalltalk":
        return html.escape(smalltalk_text(outcome))
    page = official_page(kb, lang)
    decline = html.escape(decline_text(outcome, kb))
    return f"{decline}\n{html.escape(t('official', lang))} {link(page)}"


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units, so an emoji or a rare Han character is 2."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def fit(text: str, limit: int = MESSAGE_LIMIT) -> str:
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


def chunks(lines: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Lines packed into as few messages as fit Telegram's limit (HTML counted in full)."""
    messages: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            messages.append(current)
            candidate = fit(line, limit)
        current = candidate
    if current:
        messages.append(fit(current, limit))
    return messages

"""Telegram HTML: answers, declines and citations as Telegram shows them, cut to fit one message.

Every string from a user or the knowledge base is escaped here; the bot's own sentences are escaped
by `esc` where they are used. Lengths are counted as Telegram counts them, in UTF-16 code units.

An answer reads at a glance on a phone: a bold first line saying what it answers, the answer in
short paragraphs, a line per source (at most two), then how current it is, in italics. A long answer
shows its first paragraphs and holds the rest back for a "Read more" button.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from telegram.constants import MessageLimit

from bot.knowledge import Entry, KnowledgeBase, Source, Topic
from bot.messages import format_date, t
from bot.outcome import Outcome
from bot.render import (
    cited,
    decline_text,
    official_page,
    paragraphs,
    shorten,
    smalltalk_text,
    title,
    width,
)
from bot.text import Lang

#: Telegram's limit on one message's text.
MESSAGE_LIMIT = MessageLimit.MAX_TEXT_LENGTH
#: How much of an answer a private chat shows before "Read more", in columns (a Chinese character
#: takes two): about a phone screen. Every shipped answer fits; a longer one is held back.
PRIVATE_COLUMNS = 640
#: The same in a group, where an answer is one message among the members': its first paragraph.
GROUP_COLUMNS = 320
#: A source's title on its own line: cut, so two sources never take more than a few lines.
SOURCE_TITLE_COLUMNS = 90


def esc(text: str) -> str:
    """Text for Telegram HTML: only <, > and & matter outside attributes, so quotes stay readable."""
    return html.escape(text, quote=False)


def link(source: Source, columns: int | None = None) -> str:
    """A source as a link titled with its title, cut to `columns` if given."""
    shown = shorten(source.title, columns) if columns else source.title
    return f'<a href="{html.escape(source.url, quote=True)}">{html.escape(shown)}</a>'


@dataclass(frozen=True)
class AnswerView:
    """An answer as one message shows it, and what it holds back for the buttons under it."""

    text: str
    more_text: bool
    more_sources: bool


def answer_html(
    entry: Entry,
    lang: Lang,
    topic: Topic | None = None,
    *,
    columns: int | None = None,
    all_sources: bool = False,
) -> AnswerView:
    """An answer in Telegram HTML: its title, the paragraphs that fit `columns` (all without),
    one line per source (the two `cited` unless `all_sources`), and the "as of" line."""
    parts = paragraphs(entry.answer[lang]) or [entry.answer[lang]]
    shown = parts
    if columns is not None:
        used, shown = 0, []
        for part in parts:
            used += width(part)
            if shown and used > columns:
                break
            shown.append(part)
    sources = cited(entry, lang, limit=None if all_sources else 2)
    label = esc(t("source", lang))
    lines = [f"{label}: {link(s, SOURCE_TITLE_COLUMNS)}" for s in sources]
    if entry.as_of:
        lines.append(f"<i>{esc(t('as_of', lang, date=format_date(entry.as_of, lang)))}</i>")
    head = f"<b>{esc(title(entry, topic, lang))}</b>\n" + "\n\n".join(esc(p) for p in shown)
    text = fit(head + ("\n\n" + "\n".join(lines) if lines else ""))
    return AnswerView(text, len(shown) < len(parts), len(sources) < len(entry.sources))


def entry_html(entry: Entry, lang: Lang, topic: Topic | None = None) -> str:
    """An answer in full, with its two cited sources: as shared inline, where no button can
    show more."""
    return answer_html(entry, lang, topic).text


def numbered(entries: Sequence[Entry], kb: KnowledgeBase, lang: Lang, first: int = 1) -> str:
    """Questions listed whole, numbered for the buttons under them (a button shows ~30
    characters, a question takes 40 to 100)."""
    return "\n".join(
        f"{n}. {esc(title(entry, kb.topics.get(entry.topic), lang))}"
        for n, entry in enumerate(entries, start=first)
    )


def outcome_html(outcome: Outcome, kb: KnowledgeBase) -> str:
    """The main Telegram message for any outcome; buttons are the Telegram layer's business."""
    lang = outcome.lang
    options = [c.entry for c in outcome.candidates]
    if outcome.kind == "answer":
        shown = (options[0], *outcome.also)
        return fit("\n\n".join(answer_html(e, lang, kb.topics.get(e.topic)).text for e in shown))
    if outcome.kind == "clarify":
        return fit(f"{esc(t('clarify', lang))}\n\n{numbered(options, kb, lang)}")
    if outcome.kind == "smalltalk":
        if not options:
            return esc(smalltalk_text(outcome))
        return fit(
            f"{esc(smalltalk_text(outcome))}\n\n"
            f"{esc(t('suggestions', lang))}\n{numbered(options, kb, lang)}"
        )
    page = official_page(kb, lang)
    text = f"{esc(decline_text(outcome, kb))}\n{esc(t('official', lang))} {link(page)}"
    if options:
        text += f"\n\n{esc(t('suggestions', lang))}\n{numbered(options, kb, lang)}"
    return fit(text)


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

"""The pages a user browses with buttons: the main menu, the menus of topics, a topic's questions,
and the sources behind the answers. Each is a (text, keyboard) pair that a press puts in place of
the message pressed, so browsing edits one message rather than filling the chat.

Questions are listed whole and numbered in the text, with a button per number: a phone shows about
30 characters on a button, and questions take 40 to 100.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from telegram import InlineKeyboardMarkup

from bot.knowledge import KnowledgeBase, Source, Topic
from bot.messages import t
from bot.render import official_page
from bot.telegram import keyboards as kbd
from bot.telegram.html import esc, link, numbered
from bot.text import Lang

#: Questions on one page of a topic: a phone screen of numbered lines and two rows of numbers.
QUESTIONS_PER_PAGE = 8
#: Sources on one page of a topic's sources: their titles are long.
SOURCES_PER_PAGE = 6
_KIND_ORDER = {"policy": 0, "platform": 1, "about": 2}

Page = tuple[str, InlineKeyboardMarkup | None]
T = TypeVar("T")


def heading(text: str) -> str:
    return f"<b>{esc(text)}</b>"


def sorted_topics(kb: KnowledgeBase) -> list[Topic]:
    """Policies first (what most ask about), then platforms, then the about-this-bot topic."""
    return sorted(kb.topics.values(), key=lambda tp: _KIND_ORDER.get(tp.kind, 3))


def policies(kb: KnowledgeBase) -> list[Topic]:
    """The policy topics and the bot's own, without the overview of the platforms (that one is in
    the platforms menu, where it belongs)."""
    return [tp for tp in sorted_topics(kb) if tp.kind != "platform" and tp.id != kbd.PLATFORMS]


def platforms(kb: KnowledgeBase) -> list[Topic]:
    """Every platform, then the overview of them all, if the knowledge base has one."""
    overview = [kb.topics[kbd.PLATFORMS]] if kbd.PLATFORMS in kb.topics else []
    return kb.platforms() + overview


def parent_menu(topic: Topic) -> str:
    """The menu a topic's page goes back to: the one that lists it."""
    return kbd.PLATFORMS if topic.kind == "platform" or topic.id == kbd.PLATFORMS else kbd.POLICIES


def menu(kb: KnowledgeBase, name: str, lang: Lang) -> Page:
    """A menu by its name in the callback data (keyboards.MENUS)."""
    if name == kbd.PLATFORMS:
        text = f"{heading(t('platforms_heading', lang))}\n{esc(t('platforms', lang))}"
        return text, kbd.topics_keyboard(platforms(kb), lang)
    if name == kbd.POLICIES:
        text = f"{heading(t('policies_heading', lang))}\n{esc(t('policies', lang))}"
        return text, kbd.topics_keyboard(policies(kb), lang)
    if name == kbd.TOPICS:
        text = f"{heading(t('topics_heading', lang))}\n{esc(t('topics', lang))}"
        return text, kbd.topics_keyboard(sorted_topics(kb), lang)
    if name == kbd.HOWTO:
        return esc(t("help", lang)), InlineKeyboardMarkup([[kbd.back(lang, kbd.MENU, kbd.START)]])
    if name == kbd.LANG_MENU:
        return esc(t("lang_prompt", lang)), kbd.language_keyboard(lang, parent=kbd.START)
    if name == kbd.SOURCES_MENU:
        return sources_overview(kb, lang, buttons=True)
    return esc(t("welcome", lang)), kbd.start_keyboard(lang)


@dataclass(frozen=True)
class Window(Generic[T]):
    """The items one page shows, where they start (0-based), the page, the number of pages and
    of items."""

    shown: Sequence[T]
    first: int
    page: int
    total: int
    items: int

    def counts(self, key: str, lang: Lang) -> str:
        """The line "Questions 9–16 of 20", in the words of message `key`."""
        last = self.first + len(self.shown)
        return t(key, lang, first=str(self.first + 1), last=str(last), total=str(self.items))


def window(items: Sequence[T], per_page: int, page: int) -> Window[T]:
    """Page `page` of `items`; a page past the end (the list shrank on a reload) is the last."""
    total = max(1, math.ceil(len(items) / per_page))
    page = min(page, total - 1)
    first = page * per_page
    return Window(items[first : first + per_page], first, page, total, len(items))


def topic_page(kb: KnowledgeBase, topic: Topic, lang: Lang, page: int = 0) -> Page:
    """All of a topic's questions, a page at a time, its overview first."""
    entries = sorted(kb.topic_entries(topic.id), key=lambda e: e.id != topic.overview)
    at = window(entries, QUESTIONS_PER_PAGE, page)
    counts = at.counts("topic_questions", lang)
    listed = numbered(at.shown, kb, lang, at.first + 1)
    text = f"{heading(topic.name[lang])}\n{esc(counts)}\n\n{listed}"
    rows = kbd.numbers(at.shown, lang, at.first + 1)
    parent = kbd.back(lang, kbd.MENU, parent_menu(topic))
    rows.append(kbd.pages_row(lang, kbd.TOPIC, topic.id, at.page, at.total, parent))
    return text, InlineKeyboardMarkup(rows)


def topic_sources(kb: KnowledgeBase, topic: Topic) -> list[Source]:
    """Every page a topic's answers cite, once each: official first, then reposts, then news."""
    seen: dict[str, Source] = {}
    for entry in kb.topic_entries(topic.id):
        for source in entry.sources:
            seen.setdefault(source.url, source)
    ranked = {"official": 0, "repost": 1, "news": 2}
    return sorted(seen.values(), key=lambda s: ranked.get(s.kind, 3))


def topic_sources_page(kb: KnowledgeBase, topic: Topic, lang: Lang, page: int = 0) -> Page:
    """A topic's sources, a page at a time, as links."""
    sources = topic_sources(kb, topic)
    at = window(sources, SOURCES_PER_PAGE, page)
    counts = at.counts("sources_range", lang)
    lines = [heading(t("sources_topic", lang, name=topic.label(lang))), esc(counts), ""]
    lines += [f"• {link(s)}" for s in at.shown]
    parent = kbd.back(lang, kbd.MENU, kbd.SOURCES_MENU)
    row = kbd.pages_row(lang, kbd.SOURCES, topic.id, at.page, at.total, parent)
    return "\n".join(lines), InlineKeyboardMarkup([row])


def sources_overview(kb: KnowledgeBase, lang: Lang, buttons: bool) -> Page:
    """/sources: where the answers come from in a few lines, and a button per topic for its
    pages (none in a group, where the list of topics would be a wall)."""
    everything = kb.all_sources()
    kinds = Counter(s.kind for s in everything)
    counts = t(
        "sources_counts",
        lang,
        total=str(len(everything)),
        official=str(kinds["official"]),
        repost=str(kinds["repost"]),
        news=str(kinds["news"]),
    )
    start = official_page(kb, lang)
    lines = [
        heading(t("sources_heading", lang)),
        esc(t("sources_intro", lang)),
        "",
        f"{esc(t('sources_start', lang))} {link(start)}",
        esc(counts),
        "",
        esc(t("sources_pick" if buttons else "sources_in_private", lang)),
    ]
    if not buttons:
        return "\n".join(lines), None
    return "\n".join(lines), kbd.topics_keyboard(sorted_topics(kb), lang, kbd.SOURCES)

"""Inline keyboards and the callback-data scheme behind their buttons.

Callback data is ``KIND|LANG|ARG`` and never longer than Telegram's 64 bytes:

- KIND: what the press does. Posting a new message: ``e`` an entry's answer, ``o`` a topic's page
  of questions (from under an answer, which stays). Editing the message pressed, in place: ``m`` a
  menu (ARG one of MENUS), ``t`` a topic's page of questions, ``s`` a topic's sources, ``r`` the
  whole answer ("Read more"), ``c`` all of an answer's sources, ``u`` / ``d`` a vote up / down
  (a vote down also asks what was missing), ``l`` a language (ARG empty). ``t`` and ``s`` may carry
  a page number after the letter: ``t2|e|guangdong`` is the topic's third page.
- LANG: ``e`` English, ``t`` Traditional Chinese, ``s`` Simplified Chinese: the language of the
  message the button sits under, so the answer to a press comes in the language the user was reading.
  For ``l`` it is the language chosen.
- ARG: an entry or topic id, or ``#`` and 16 hex digits of its SHA-256 when the id would not fit.

The data holds ids, never positions, so a button still works after a restart or a reload as long as
its entry exists; buttons are plain strings because PTB's arbitrary callback data lives in memory
and would break on every restart. Data that does not parse is answered politely, never trusted.

Labels are at most MAX_LABEL_CHARS, what a phone shows on a button: topics go by their short names,
and questions (40 to 100 characters) are listed in the message and chosen by number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine import short_ref
from bot.knowledge import Entry, Topic
from bot.messages import t
from bot.render import width
from bot.text import Lang

MAX_CALLBACK_BYTES = 64
#: Telegram cuts a longer label on a phone; cutting it here keeps the cut tidy.
MAX_LABEL_CHARS = 30
#: Two buttons share a row only when both labels fit half a phone's width (in columns).
HALF_ROW_COLUMNS = 15
#: Numbered buttons per row: large enough to hit with a thumb.
NUMBERS_PER_ROW = 4
#: The highest page number the data may carry; a topic has fewer pages by far.
MAX_PAGE = 99

ENTRY, TOPIC_NEW, MENU, TOPIC, SOURCES, READ_MORE, CITATIONS, UP, DOWN, LANGUAGE = (
    "e",
    "o",
    "m",
    "t",
    "s",
    "r",
    "c",
    "u",
    "d",
    "l",
)
KINDS = frozenset(
    (ENTRY, TOPIC_NEW, MENU, TOPIC, SOURCES, READ_MORE, CITATIONS, UP, DOWN, LANGUAGE)
)
#: Kinds whose press only edits the message it is pressed on: browsing, never a new message.
EDITS_IN_PLACE = frozenset((MENU, TOPIC, SOURCES, READ_MORE, CITATIONS, UP, LANGUAGE))
PAGED = frozenset((TOPIC, SOURCES))
START, PLATFORMS, POLICIES, TOPICS, HOWTO, LANG_MENU, SOURCES_MENU = (
    "start",
    "platforms",
    "policies",
    "topics",
    "howto",
    "lang",
    "sources",
)
MENUS = frozenset((START, PLATFORMS, POLICIES, TOPICS, HOWTO, LANG_MENU, SOURCES_MENU))
LANG_CODES: dict[Lang, str] = {"en": "e", "zh-Hant": "t", "zh-Hans": "s"}
_CODE_LANGS: dict[str, Lang] = {code: lang for lang, code in LANG_CODES.items()}
LANG_LABELS: dict[Lang, str] = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}
VOTED = " ✓"


@dataclass(frozen=True)
class Press:
    """A parsed button press."""

    kind: str
    lang: Lang
    arg: str
    page: int = 0


def callback_data(kind: str, lang: Lang, arg: str = "", page: int = 0) -> str:
    head = f"{kind}{page or ''}|{LANG_CODES[lang]}|"
    data = head + arg
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        data = head + short_ref(arg)
    return data


def parse(data: str | None) -> Press | None:
    """The press, or None for data this bot never makes (forged, or from an old version)."""
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split("|", 2)
    if len(parts) != 3:
        return None
    head, code, arg = parts
    kind, page = head[:1], head[1:]
    if kind not in KINDS or code not in _CODE_LANGS:
        return None
    if page and (kind not in PAGED or not page.isascii() or not page.isdigit()):
        return None
    if page and (page.startswith("0") or int(page) > MAX_PAGE):
        return None
    if (kind == LANGUAGE) != (arg == "") or (kind == MENU and arg not in MENUS):
        return None
    return Press(kind, _CODE_LANGS[code], arg, int(page or 0))


def kind_of(data: object) -> str | None:
    """The kind of a button's data, None for a button with none (a link, a share button)."""
    press = parse(data) if isinstance(data, str) else None
    return press.kind if press else None


def label(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def button(text: str, kind: str, lang: Lang, arg: str = "", page: int = 0) -> InlineKeyboardButton:
    return InlineKeyboardButton(label(text), callback_data=callback_data(kind, lang, arg, page))


Rows = list[list[InlineKeyboardButton]]


def packed(buttons: Iterable[InlineKeyboardButton]) -> Rows:
    """One button a row, or two where both labels fit half a phone's width."""
    rows: Rows = []
    for item in buttons:
        last = rows[-1] if rows else None
        narrow = width(item.text) <= HALF_ROW_COLUMNS
        if last and len(last) == 1 and narrow and width(last[0].text) <= HALF_ROW_COLUMNS:
            last.append(item)
        else:
            rows.append([item])
    return rows


def numbers(entries: Sequence[Entry], lang: Lang, first: int = 1) -> Rows:
    """Buttons 1, 2, 3, ... for questions listed, numbered, in the message above them."""
    buttons = [
        button(str(n), ENTRY, lang, entry.id) for n, entry in enumerate(entries, start=first)
    ]
    return [buttons[i : i + NUMBERS_PER_ROW] for i in range(0, len(buttons), NUMBERS_PER_ROW)]


def choices_keyboard(entries: Sequence[Entry], lang: Lang) -> InlineKeyboardMarkup | None:
    """Under clarify options and suggestions: a number per question listed."""
    rows = numbers(entries, lang)
    return InlineKeyboardMarkup(rows) if rows else None


def answer_keyboard(
    entry: Entry, lang: Lang, *, more_text: bool, more_sources: bool
) -> InlineKeyboardMarkup:
    """Under an answer: what it holds back (the rest of a long answer, more sources), the topic's
    other questions, then sharing and 👍 / 👎 on one row."""
    rows: Rows = []
    expand = []
    if more_text:
        expand.append(button(t("button_read_more", lang), READ_MORE, lang, entry.id))
    if more_sources:
        expand.append(button(t("button_more_sources", lang), CITATIONS, lang, entry.id))
    if expand:
        rows.append(expand)
    rows.append([button(t("button_more_questions", lang), TOPIC_NEW, lang, entry.topic)])
    share = InlineKeyboardButton(
        label(t("button_share", lang)), switch_inline_query=entry.question(lang)
    )
    rows.append([share, button("👍", UP, lang, entry.id), button("👎", DOWN, lang, entry.id)])
    return InlineKeyboardMarkup(rows)


def with_vote(markup: InlineKeyboardMarkup, up: bool) -> InlineKeyboardMarkup:
    """The same keyboard, its 👍 / 👎 showing the vote: the row stays, so a vote can be changed."""
    chosen = UP if up else DOWN

    def marked(item: InlineKeyboardButton) -> InlineKeyboardButton:
        kind = kind_of(item.callback_data)
        if kind not in (UP, DOWN):
            return item
        plain = item.text.removesuffix(VOTED)
        return InlineKeyboardButton(
            plain + VOTED if kind == chosen else plain, callback_data=item.callback_data
        )

    return InlineKeyboardMarkup([[marked(b) for b in row] for row in markup.inline_keyboard])


def vote_shown(markup: InlineKeyboardMarkup | None, kind: str) -> bool:
    """Whether the keyboard already shows a vote of `kind` (UP or DOWN)."""
    if markup is None:
        return False
    return any(
        kind_of(b.callback_data) == kind and b.text.endswith(VOTED)
        for row in markup.inline_keyboard
        for b in row
    )


def has_button(markup: InlineKeyboardMarkup | None, kind: str) -> bool:
    if markup is None:
        return False
    return any(kind_of(b.callback_data) == kind for row in markup.inline_keyboard for b in row)


def without(markup: InlineKeyboardMarkup | None, kind: str) -> InlineKeyboardMarkup | None:
    """The same keyboard minus its buttons of `kind` (a "Read more" once read), empty rows gone."""
    if markup is None:
        return None
    rows = [[b for b in row if kind_of(b.callback_data) != kind] for row in markup.inline_keyboard]
    return InlineKeyboardMarkup([row for row in rows if row])


def start_keyboard(lang: Lang) -> InlineKeyboardMarkup:
    """The main menu: the two ways into the knowledge base, then help and the language."""
    return InlineKeyboardMarkup(
        [
            [
                button(t("button_platforms", lang), MENU, lang, PLATFORMS),
                button(t("button_policies", lang), MENU, lang, POLICIES),
            ],
            [
                button(t("button_howto", lang), MENU, lang, HOWTO),
                button(t("button_language", lang), MENU, lang, LANG_MENU),
            ],
        ]
    )


def back(lang: Lang, kind: str, arg: str, page: int = 0) -> InlineKeyboardButton:
    return button(t("button_back", lang), kind, lang, arg, page)


def topics_keyboard(
    topics: Iterable[Topic], lang: Lang, kind: str = TOPIC, parent: str = START
) -> InlineKeyboardMarkup:
    """A menu of topics by their short names, and the way back to `parent`."""
    rows = packed(button(tp.label(lang), kind, lang, tp.id) for tp in topics)
    rows.append([back(lang, MENU, parent)])
    return InlineKeyboardMarkup(rows)


def pages_row(
    lang: Lang, kind: str, arg: str, page: int, pages: int, parent: InlineKeyboardButton
) -> list[InlineKeyboardButton]:
    """◀ Back (the page before, or `parent` from the first) and More ▶ (while pages remain)."""
    row = [back(lang, kind, arg, page - 1) if page else parent]
    if page + 1 < pages:
        row.append(button(t("button_next", lang), kind, lang, arg, page + 1))
    return row


def language_keyboard(lang: Lang, parent: str | None = None) -> InlineKeyboardMarkup:
    """Each language named in itself, so a user who cannot read the current one finds theirs;
    from a menu, the way back to it (in `lang`)."""
    rows = [[button(name, LANGUAGE, code) for code, name in LANG_LABELS.items()]]
    if parent is not None:
        rows.append([back(lang, MENU, parent)])
    return InlineKeyboardMarkup(rows)
